// Two operators taking one slug at the same moment: both pass the early check, the database's unique
// index refuses the second write inside the Ingestor, and that is answered as a 409 naming the field,
// a refusal the object returns (never a rejection escaping it, which workerd logs as uncaught).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ingestor } from "../../worker/ingestor";
import { admin, createComponent, unique } from "./helpers";

describe("a slug taken twice at once", () => {
  it("concurrent creates with one slug: one 201, the rest 409 naming the slug", async () => {
    const slug = unique("race");
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => admin("POST", "/components", { name: `Race ${i}`, slug })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of answers.filter((a) => a.status === 409)) expect(await r.json()).toMatchObject({ field: "slug" });
  });

  it("the Ingestor answers a write that breaks a unique index with a 409 refusal, and writes nothing of it", async () => {
    const a = await createComponent("Taken");
    const b = await createComponent("Taker");
    const written = await ingestor(env).write([
      { sql: "UPDATE components SET name = 'changed' WHERE id = ?1", params: [b.id] },
      { sql: "UPDATE components SET slug = ?1 WHERE id = ?2", params: [a.slug, b.id] },
    ]);
    expect(written).toMatchObject({ ok: false, status: 409, field: "slug" });
    const row = await env.DB.prepare("SELECT name, slug FROM components WHERE id = ?1").bind(b.id).first();
    expect(row).toEqual({ name: b.name, slug: b.slug });
  });
});

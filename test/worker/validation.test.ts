// The admin API's validators (worker/validate.ts) and D1's unique constraints as answers: each a 4xx
// naming the field, never a 500.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { uniqueViolation } from "../../worker/errors";
import { ADMIN, admin, BASE, createComponent, unique } from "./helpers";

describe("a row that repeats a unique column", () => {
  it("D1's refusal becomes a 409 naming the column", async () => {
    const c = await createComponent("Unique slug");
    const now = new Date().toISOString();
    const err = await env.DB.prepare(
      "INSERT INTO components (id, slug, name, position, status, auto_status, created_at, updated_at) VALUES (?1, ?2, 'Copy', 1, 'operational', 'operational', ?3, ?3)",
    )
      .bind("cmpdupslug01", c.slug, now)
      .run()
      .then(
        () => null,
        (e: unknown) => e,
      );
    const conflict = uniqueViolation(err);
    expect(conflict?.status).toBe(409);
    expect(conflict?.field).toBe("slug");
    expect(conflict?.message).toBe("`slug` is already used by another component");
    expect(uniqueViolation(new Error("D1_ERROR: no such table: x"))).toBeNull();
  });

  it("two creations racing for one slug: one 201, one 409, never a 500", async () => {
    const slug = unique("race");
    const answers = await Promise.all([1, 2, 3].map(() => admin("POST", "/components", { name: "Racer", slug })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    for (const r of answers.filter((a) => a.status === 409)) expect(await r.json()).toMatchObject({ field: "slug" });
  });
});

describe("admin JSON bodies", () => {
  const send = (body: string, headers: Record<string, string>) =>
    SELF.fetch(`${BASE}/admin/api/groups`, { method: "POST", headers: { Authorization: ADMIN.Authorization, ...headers }, body });

  it("are read as JSON whatever the Content-Type says", async () => {
    const res = await send(JSON.stringify({ name: unique("Plain group") }), { "Content-Type": "text/plain" });
    expect(res.status).toBe(201);
    const none = await send(JSON.stringify({ name: unique("Untyped group") }), {});
    expect(none.status).toBe(201);
  });

  it("malformed JSON is a 400 naming `body`", async () => {
    const res = await send('{"name": ', { "Content-Type": "application/json" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "`body` is not valid JSON", field: "body" });
  });

  it("a bad query value is a 400 naming it; a malformed path id a 404", async () => {
    expect(await (await admin("GET", "/incidents?status=closed")).json()).toEqual({
      error: "`status` must be one of open, resolved, all",
      field: "status",
    });
    expect((await admin("GET", "/alerts?limit=0")).status).toBe(400);
    const res = await admin("GET", "/components/NOT-AN-ID");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no such resource: "NOT-AN-ID"' });
  });
});

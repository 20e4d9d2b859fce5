// db/subscribers.ts on its own against real D1 (the routes' tests go through HTTP): the UNIQUE
// (email, webhook) pair, the one-time confirmation, renewing only pending rows, paging, counts, expiry.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  confirmByToken,
  countSubscribers,
  deleteByToken,
  expireUnconfirmed,
  findByPair,
  insertSubscriber,
  listSubscribers,
  type NewSubscriber,
  renewPending,
} from "../../db/subscribers";
import { newId } from "../../domain/ids";
import { randomToken } from "../../worker/auth";

const row = (over: Partial<NewSubscriber> = {}): NewSubscriber => ({
  id: newId(),
  email: `${newId()}@example.com`,
  webhookUrl: null,
  componentIds: null,
  language: "en",
  token: randomToken(),
  createdBy: "public",
  createdAt: new Date().toISOString(),
  confirmedAt: null,
  ...over,
});

describe("db/subscribers", () => {
  it("one row per (email, webhook): a second insert of the pair inserts nothing; another webhook is another row", async () => {
    const first = row({ email: "pair@example.com" });
    expect(await insertSubscriber(env.DB, first)).toHaveLength(1);
    expect(await insertSubscriber(env.DB, row({ email: "pair@example.com" }))).toHaveLength(0);
    expect(await insertSubscriber(env.DB, row({ email: "pair@example.com", webhookUrl: "https://hooks.example.com/a" }))).toHaveLength(1);
    expect(await insertSubscriber(env.DB, row({ email: "pair@example.com", webhookUrl: "https://hooks.example.com/a" }))).toHaveLength(0);
    expect((await findByPair(env.DB, "pair@example.com", null))?.id).toBe(first.id);
    expect((await findByPair(env.DB, "pair@example.com", "https://hooks.example.com/a"))?.webhookUrl).toBe("https://hooks.example.com/a");
  });

  it("component ids round-trip as JSON; confirmation happens once; renewing leaves confirmed rows alone", async () => {
    const r = row({ componentIds: ["aaaaaaaaaaaa", "bbbbbbbbbbbb"] });
    await insertSubscriber(env.DB, r);
    expect((await findByPair(env.DB, r.email, null))?.componentIds).toEqual(["aaaaaaaaaaaa", "bbbbbbbbbbbb"]);
    const later = new Date(Date.now() + 1000).toISOString();
    expect((await renewPending(env.DB, r.id, { componentIds: null, language: "fr", createdAt: later }))?.language).toBe("fr");
    const confirmed = await confirmByToken(env.DB, r.token, "2026-12-01T10:00:00.000Z");
    expect(confirmed?.confirmedAt).toBe("2026-12-01T10:00:00.000Z");
    expect((await confirmByToken(env.DB, r.token, "2026-12-02T10:00:00.000Z"))?.confirmedAt).toBe("2026-12-01T10:00:00.000Z");
    expect(await renewPending(env.DB, r.id, { componentIds: ["cccccccccccc"], language: "de", createdAt: later })).toBeNull();
    expect((await findByPair(env.DB, r.email, null))?.language).toBe("fr");
    expect(await confirmByToken(env.DB, "no-such-token-at-all", later)).toBeNull();
  });

  it("expiry deletes only pending rows older than the cut; unsubscribing deletes by token, once", async () => {
    const old = "2026-01-01T00:00:00.000Z";
    const pending = row({ createdAt: old });
    const confirmed = row({ createdAt: old, confirmedAt: old });
    const fresh = row();
    for (const r of [pending, confirmed, fresh]) await insertSubscriber(env.DB, r);
    expect(await expireUnconfirmed(env.DB, "2026-06-01T00:00:00.000Z")).toBeGreaterThanOrEqual(1);
    expect(await findByPair(env.DB, pending.email, null)).toBeNull();
    expect(await findByPair(env.DB, confirmed.email, null)).not.toBeNull();
    expect(await findByPair(env.DB, fresh.email, null)).not.toBeNull();
    expect(await deleteByToken(env.DB, confirmed.token)).toBe(true);
    expect(await deleteByToken(env.DB, confirmed.token)).toBe(false);
  });

  it("lists by id in pages and by state; counts confirmed and pending", async () => {
    for (let i = 0; i < 3; i++) await insertSubscriber(env.DB, row({ confirmedAt: i ? null : new Date().toISOString() }));
    const all = await listSubscribers(env.DB, { limit: 1000 });
    expect(all.map((s) => s.id)).toEqual([...all.map((s) => s.id)].sort());
    const page = await listSubscribers(env.DB, { limit: 2, after: all[0]!.id });
    expect(page.map((s) => s.id)).toEqual(all.slice(1, 3).map((s) => s.id));
    const counts = await countSubscribers(env.DB);
    expect(counts.confirmed + counts.pending).toBe(all.length);
    expect((await listSubscribers(env.DB, { limit: 1000, state: "pending" })).length).toBe(counts.pending);
    expect((await listSubscribers(env.DB, { limit: 1000, state: "confirmed" })).every((s) => s.confirmedAt)).toBe(true);
  });
});

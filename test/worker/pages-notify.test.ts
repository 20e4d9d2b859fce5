// Notifications per page: an incident on one page reaches that page's subscribers, and the channels of
// that page or of every page; never another page's.
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { admin, post, unique } from "./helpers";

const CAPTURE = env.NOTIFY_CAPTURE_URL;

const captured = async (prefix: string): Promise<unknown[]> =>
  (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(prefix)}`)).json()) as unknown[];

async function arrived(prefix: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = (await captured(prefix)).length;
    if (n > 0 || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function created<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(201);
  return (await r.json()) as T;
}

async function webhookSubscriber(page: number, url: string) {
  const id = unique("sub")
    .replace(/[^a-z0-9]/g, "")
    .slice(-12)
    .padStart(12, "s");
  const now = new Date().toISOString();
  await env.DB.prepare(
    "INSERT INTO subscribers (id, page, email, webhook_url, language, token, confirmed_at, created_by, created_at) VALUES (?1, ?2, ?3, ?4, 'en', ?5, ?6, 'operator', ?6)",
  )
    .bind(id, page, `${id}@example.com`, url, `tok-${id}`, now)
    .run();
}

it("an incident on one page is told to its subscribers and to the channels of that page or of every page, and to no other", async () => {
  const page = await created<{ id: number; slug: string }>(admin("POST", "/pages", { name: "Notified", slug: unique("notified").slice(-30) }));
  const component = await created<{ id: string }>(admin("POST", `/pages/${page.slug}/components`, { name: "Queue", slug: unique("queue") }));
  const run = unique("run");
  const hook = (what: string) => `${CAPTURE}/ok/${run}-${what}`;
  await created(admin("POST", `/pages/${page.slug}/channels`, { kind: "webhook", name: "This page", url: hook("this-page") }));
  const every = await created<{ page: number | null }>(
    admin("POST", "/channels", { kind: "webhook", name: "Every page", url: hook("every-page"), all_pages: true }),
  );
  expect(every.page).toBeNull();
  await created(admin("POST", "/channels", { kind: "webhook", name: "Page 1", url: hook("page-one") }));
  await webhookSubscriber(page.id, hook("subscriber-this-page"));
  await webhookSubscriber(1, hook("subscriber-page-one"));

  const integ = await created<{ key: string }>(admin("POST", "/integrations", { name: unique("notify"), source: "generic", component_ids: [component.id] }));
  expect((await post(`/hooks/generic/${integ.key}`, { dedup_key: "q1", action: "trigger", severity: "critical", summary: "Queue stuck" })).status).toBe(202);

  expect(await arrived(`/ok/${run}-this-page`)).toBeGreaterThan(0);
  expect(await arrived(`/ok/${run}-every-page`)).toBeGreaterThan(0);
  expect(await arrived(`/ok/${run}-subscriber-this-page`)).toBeGreaterThan(0);
  // Told in the same fan-out as the ones above: by now they would have arrived.
  expect(await captured(`/ok/${run}-page-one`)).toEqual([]);
  expect(await captured(`/ok/${run}-subscriber-page-one`)).toEqual([]);
});

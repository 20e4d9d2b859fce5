// Notifications against the real local stack (wrangler dev: the worker, local D1, the real queue and
// the send_email binding) and a capture server on 127.0.0.1 for every HTTP channel kind: an
// incident opened by a webhook reaches them all within 30 s, each in its own format, the webhook
// signed (checked with the standardwebhooks verifier); a failing endpoint gets its message after
// retries; an update arrives exactly once; a component subscriber hears nothing of other
// components; after unsubscribing nothing more arrives. Email is read from wrangler's local explorer.
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM helper shared with npm start
import { run } from "../../scripts/lib.mjs";
import { type NotifyCapture, startNotifyCapture } from "../support/notify-capture";

const base = inject("baseUrl");
const token = inject("adminToken");
const persistTo = inject("persistTo");
const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
const adminApi = (method: string, path: string, body?: unknown) =>
  fetch(`${base}/admin/api${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
const sql = (command: string) => run("wrangler", ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--command", command], { quiet: true });

let capture: NotifyCapture;
beforeAll(async () => {
  capture = await startNotifyCapture();
});
// The stack is shared with the other e2e files (start.test.ts expects an operational page): resolve
// the incidents opened here, delete the channels and subscribers made here.
const madeChannels: string[] = [];
afterAll(async () => {
  const open = (await (await adminApi("GET", "/incidents?status=open")).json()) as Array<{ id: string; name: string }>;
  for (const i of open.filter((x) => x.name.startsWith("Payments down (")))
    expect((await adminApi("POST", `/incidents/${i.id}/updates`, { status: "resolved", body: "Test over." })).status).toBe(201);
  for (const id of madeChannels) await adminApi("DELETE", `/channels/${id}`);
  sql("DELETE FROM subscribers WHERE created_by = 'operator' AND token LIKE 'toks%'");
  await capture?.close();
  const left = (await (await fetch(`${base}/api/v2/summary.json`)).json()) as { incidents: Array<{ name: string }> };
  expect(left.incidents.filter((i) => i.name.startsWith("Payments down ("))).toEqual([]);
});

const seen = (prefix: string) => capture.requests.filter((r) => r.path.startsWith(prefix));
async function arrived(prefix: string, n: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (seen(prefix).length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return seen(prefix);
}

async function created<T>(res: Response): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const json = JSON.parse(text) as T;
  if (new URL(res.url).pathname === "/admin/api/channels") madeChannels.push((json as { id: string }).id);
  return json;
}

let n = 0;
const tag = (name: string) => `${name}-${Date.now().toString(36)}-${n++}`;

async function component(name: string) {
  return created<{ id: string }>(await adminApi("POST", "/components", { name, slug: tag(name.toLowerCase().replace(/\W+/g, "-")) }));
}
async function integration(componentId: string) {
  return created<{ key: string }>(await adminApi("POST", "/integrations", { name: tag("e2e-notify"), source: "generic", component_ids: [componentId] }));
}
const alert = (key: string, dedup: string, action: "trigger" | "resolve") =>
  fetch(`${base}/hooks/generic/${key}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ dedup_key: dedup, action, severity: "critical", summary: `Payments down (${dedup})` }),
  });

interface LocalEmail {
  id?: string;
  messageId?: string;
  to?: string | string[];
  [k: string]: unknown;
}
const EXPLORER = () => `${base}/cdn-cgi/local/explorer/api/local/email/sending`;
/** The emails the send_email binding sent, as wrangler's local explorer lists them. */
async function localEmails(): Promise<LocalEmail[]> {
  const res = await fetch(`${EXPLORER()}?per_page=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: LocalEmail[] }).result;
}
/** One email with its bodies (and headers, when it has any). */
async function localEmail(e: LocalEmail): Promise<{ from: string; subject: string; text: string; html: string; headers?: Record<string, string> }> {
  const res = await fetch(`${EXPLORER()}?email_id=${encodeURIComponent(String(e.messageId))}&worker=alert-status-page`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: any }).result;
}

describe("notifications under wrangler dev", () => {
  it("an incident opened by a webhook reaches every channel kind within 30 s, each in its own format", async () => {
    const comp = await component("E2E Payments");
    const t = tag("all");
    const only = { component_ids: [comp.id] };
    const url = (kind: string) => `${capture.url}/ok/${t}/${kind}`;
    const hook = await created<{ id: string; secret: string }>(
      await adminApi("POST", "/channels", { kind: "webhook", name: "hook", url: url("webhook"), ...only }),
    );
    for (const kind of ["slack", "discord", "teams"]) await created(await adminApi("POST", "/channels", { kind, name: kind, url: url(kind), ...only }));
    await created(
      await adminApi("POST", "/channels", {
        kind: "datadog",
        name: "dd",
        api_key: "0123456789abcdef0123456789abcdef",
        api_url: url("datadog"),
        ...only,
      }),
    );
    const team = `oncall-${t}@example.com`;
    await created(await adminApi("POST", "/channels", { kind: "email", name: "team", email: team, ...only }));

    const integ = await integration(comp.id);
    const started = Date.now();
    expect((await alert(integ.key, "pay-1", "trigger")).status).toBe(202);
    const got = await arrived(`/ok/${t}/`, 5);
    expect(Date.now() - started).toBeLessThan(30_000);
    const by = (kind: string) => got.find((g) => g.path.startsWith(`/ok/${t}/${kind}`))!;
    for (const kind of ["webhook", "slack", "discord", "teams", "datadog"]) expect(by(kind), kind).toBeDefined();

    const w = by("webhook");
    const body = new Webhook(hook.secret).verify(w.body, w.headers as Record<string, string>) as any;
    expect(body.incident).toMatchObject({ status: "investigating", name: "Payments down (pay-1)" });
    expect(Object.keys(body)).toEqual(["meta", "page", "incident"]);
    expect(JSON.parse(by("slack").body).blocks[0]).toMatchObject({ type: "header" });
    expect(JSON.parse(by("discord").body).embeds[0].title).toContain("Payments down");
    expect(JSON.parse(by("teams").body).attachments[0].content.type).toBe("AdaptiveCard");
    const dd = by("datadog");
    expect(dd.path).toBe(`/ok/${t}/datadog/api/v1/events`);
    expect(dd.headers["dd-api-key"]).toBe("0123456789abcdef0123456789abcdef");
    expect(JSON.parse(dd.body)).toMatchObject({ alert_type: "error", aggregation_key: `status-page-${body.incident.id}` });

    // The team address's email, in the local explorer.
    let emails: LocalEmail[] = [];
    for (let i = 0; i < 100; i++) {
      emails = (await localEmails()).filter((e) => JSON.stringify(e).includes(team));
      if (emails.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(emails.length, JSON.stringify(await localEmails()).slice(0, 500)).toBe(1);
    const detail = await localEmail(emails[0]!);
    expect(detail).toMatchObject({ from: "status@example.com", subject: "[Acme Cloud] Payments down (pay-1): Investigating" });
    expect(detail.text).toContain(body.incident.shortlink);

    // The log says what was sent, masked.
    const log = (await (await adminApi("GET", `/notifications?incident_id=${body.incident.id}`)).json()) as Array<{
      channel_kind: string;
      status: string;
      target: string;
    }>;
    expect(log.map((l) => l.channel_kind).sort()).toEqual(["datadog", "discord", "email", "slack", "teams", "webhook"]);
    expect(log.every((l) => l.status === "delivered")).toBe(true);
    expect(JSON.stringify(log)).not.toContain(t);
  });

  it("a failing endpoint gets its message after retries, and each update arrives exactly once", async () => {
    const comp = await component("E2E Flaky");
    const t = tag("flaky");
    const flaky = await created<{ id: string }>(
      await adminApi("POST", "/channels", { kind: "slack", name: "flaky", url: `${capture.url}/fail/2/${t}`, component_ids: [comp.id] }),
    );
    const steady = await created<{ id: string }>(
      await adminApi("POST", "/channels", { kind: "webhook", name: "steady", url: `${capture.url}/ok/${t}`, component_ids: [comp.id] }),
    );
    const integ = await integration(comp.id);
    // Flapping: trigger, resolve, trigger again in a burst is still one incident, told per update.
    expect((await alert(integ.key, "flap", "trigger")).status).toBe(202);
    expect((await alert(integ.key, "flap-2", "trigger")).status).toBe(202);
    const tries = await arrived(`/fail/2/${t}`, 3);
    expect(tries).toHaveLength(3); // 500, 500, then delivered
    await new Promise((r) => setTimeout(r, 3_000));
    const ids = seen(`/ok/${t}`).map((r) => r.headers["webhook-id"]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen(`/fail/2/${t}`)).toHaveLength(3);
    const log = (await (await adminApi("GET", `/notifications?recipient_id=${flaky.id}`)).json()) as Array<{
      status: string;
      attempts: number;
    }>;
    expect(log[0]).toMatchObject({ status: "delivered", attempts: 3 });
    void steady;
  });

  it("a component subscriber hears nothing of other components, and nothing once unsubscribed", async () => {
    const [a, b] = [await component("E2E Sub A"), await component("E2E Sub B")];
    const t = tag("sub");
    const now = new Date().toISOString();
    const row = (id: string, path: string, comp: string) =>
      `('${id}', '${id}@example.com', '${capture.url}${path}', '["${comp}"]', 'en', 'tok${id}', '${now}', 'operator', '${now}')`;
    const [subA, subB] = [`sa${Date.now().toString(36)}`.slice(0, 12).padEnd(12, "0"), `sb${Date.now().toString(36)}`.slice(0, 12).padEnd(12, "0")];
    const mailA = `sm${Date.now().toString(36)}`.slice(0, 12).padEnd(12, "0");
    sql(
      `INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at) VALUES ${row(subA, `/ok/${t}/a`, a.id)}, ${row(subB, `/ok/${t}/b`, b.id)}, ` +
        `('${mailA}', 'reader-${t}@example.com', NULL, '["${a.id}"]', 'fr', 'tok${mailA}', '${now}', 'operator', '${now}')`,
    );
    const integA = await integration(a.id);
    expect((await alert(integA.key, "a-1", "trigger")).status).toBe(202);
    const gotA = await arrived(`/ok/${t}/a`, 2);
    expect(gotA.map((g) => (JSON.parse(g.body).incident ? "incident" : "component_update")).sort()).toEqual(["component_update", "incident"]);
    expect(JSON.parse(gotA[0]!.body).meta.unsubscribe).toContain(`/subscriptions/tok${subA}/unsubscribe`);
    expect(seen(`/ok/${t}/b`)).toEqual([]);
    // The email subscriber: one email (incidents only, never component changes), in French, with the RFC 8058 headers.
    let mails: LocalEmail[] = [];
    for (let i = 0; i < 100 && !mails.length; i++) {
      mails = (await localEmails()).filter((e) => JSON.stringify(e.to).includes(`reader-${t}@`));
      if (!mails.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(mails).toHaveLength(1);
    const mail = await localEmail(mails[0]!);
    expect(mail.text).toContain("Nouvelle mise à jour");
    expect(mail.text).toContain(`/subscriptions/tok${mailA}/unsubscribe`);
    expect(mail.headers).toEqual({
      "List-Unsubscribe": `<http://localhost:8787/subscriptions/tok${mailA}/unsubscribe>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });

    // Unsubscribed (the row deleted, as the one-click unsubscribe does): the recovery reaches B's
    // component's subscriber only if it touches B, and A's nothing more.
    sql(`DELETE FROM subscribers WHERE id = '${subA}'`);
    const before = seen(`/ok/${t}/a`).length;
    const integB = await integration(b.id);
    expect((await alert(integA.key, "a-1", "resolve")).status).toBe(202);
    expect((await alert(integB.key, "b-1", "trigger")).status).toBe(202);
    await arrived(`/ok/${t}/b`, 2);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(seen(`/ok/${t}/a`)).toHaveLength(before);
    expect(seen(`/ok/${t}/b`).every((g) => !g.body.includes(a.id))).toBe(true);
  });
});

// "Private pages stay private": while the page is private its incidents reach the operators'
// channels and no subscriber; the local email explorer shows no mail to the subscriber.
describe("a private page", () => {
  it("tells its channels of an incident and no subscriber", async () => {
    const current = (await (await adminApi("GET", "/settings")).json()) as Record<string, unknown>;
    const basics = { name: current.name, url: current.url, time_zone: current.time_zone, auto_resolve_minutes: current.auto_resolve_minutes };
    const comp = await component("E2E Private");
    const t = tag("private");
    await created(await adminApi("POST", "/channels", { kind: "webhook", name: "ops", url: `${capture.url}/ok/${t}/channel`, component_ids: [comp.id] }));
    const now = new Date().toISOString();
    const mail = `sp${Date.now().toString(36)}`.slice(0, 12).padEnd(12, "0");
    const hook = `sq${Date.now().toString(36)}`.slice(0, 12).padEnd(12, "0");
    sql(
      "INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at) VALUES " +
        `('${mail}', 'private-${t}@example.com', NULL, '["${comp.id}"]', 'en', 'tok${mail}', '${now}', 'operator', '${now}'), ` +
        `('${hook}', 'private-hook-${t}@example.com', '${capture.url}/ok/${t}/subscriber', '["${comp.id}"]', 'en', 'tok${hook}', '${now}', 'operator', '${now}')`,
    );
    expect((await adminApi("PUT", "/settings", { ...basics, visibility: "private", page_password: "e2e private notifications" })).status).toBe(200);
    try {
      const integ = await integration(comp.id);
      expect((await alert(integ.key, "private-1", "trigger")).status).toBe(202);
      expect(await arrived(`/ok/${t}/channel`, 1)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 3_000));
      expect(seen(`/ok/${t}/subscriber`)).toEqual([]);
      expect((await localEmails()).filter((e) => JSON.stringify(e.to).includes(`private-${t}@`))).toEqual([]);
      expect((await alert(integ.key, "private-1", "resolve")).status).toBe(202);
    } finally {
      expect((await adminApi("PUT", "/settings", { ...basics, visibility: "public", page_password: null })).status).toBe(200);
    }
  });
});

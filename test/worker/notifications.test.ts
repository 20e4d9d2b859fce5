// Notifications in workerd against the real D1, the real Ingestor and the real queue: channels of
// every kind reached through a local capture server (test/support/notify-capture.ts), the consumer
// driven through the real queue and, for retries and dead letters, directly with createMessageBatch.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { idempotencyKey } from "../../worker/notify/consumer";
import type { NotifyEvent } from "../../worker/notify/events";
import { loadEvent } from "../../worker/notify/load";
import type { NotifyMessage } from "../../worker/notify/messages";
import { admin, createComponent, createIntegration, post, rows, unique } from "./helpers";

const CAPTURE = env.NOTIFY_CAPTURE_URL;

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

const captured = async (prefix: string): Promise<Captured[]> =>
  (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(prefix)}`)).json()) as Captured[];

/** Waits until `n` requests arrived under `prefix` (the queue consumer runs beside the test). */
async function arrived(prefix: string, n = 1, timeoutMs = 20_000): Promise<Captured[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await captured(prefix);
    if (got.length >= n || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function channel(body: Record<string, unknown>) {
  const res = await admin("POST", "/channels", body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; secret?: string; target: string; kind: string };
}

const trigger = (dedup_key: string) => ({
  dedup_key,
  action: "trigger",
  severity: "critical",
  summary: `Checkout failing (${dedup_key})`,
  details: "5xx rate above 20%",
});

async function openIncident(componentId: string, key = unique("alert")) {
  const integ = await createIntegration("generic", [componentId]);
  const res = await post(`/hooks/generic/${integ.key}`, trigger(key));
  expect(res.status).toBe(202);
  return { integ, key };
}

async function subscriber(extra: { email?: string; webhook_url?: string | null; component_ids?: string[] | null; confirmed?: boolean }) {
  const id = unique("sub")
    .replace(/[^a-z0-9]/g, "")
    .slice(-12)
    .padStart(12, "s");
  await env.DB.prepare(
    "INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at) VALUES (?1, ?2, ?3, ?4, 'en', ?5, ?6, 'operator', ?7)",
  )
    .bind(
      id,
      extra.email ?? `${id}@example.com`,
      extra.webhook_url ?? null,
      extra.component_ids ? JSON.stringify(extra.component_ids) : null,
      `tok-${id}`,
      extra.confirmed === false ? null : new Date().toISOString(),
      new Date().toISOString(),
    )
    .run();
  return id;
}

afterEach(() => vi.restoreAllMocks());

describe("operator channels API", () => {
  it("creates a webhook channel, shows its whsec_ secret once, lists it masked, deletes it", async () => {
    const c = await channel({ kind: "webhook", name: "Ops hook", url: `${CAPTURE}/ok/${unique("create")}` });
    expect(c.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = (await (await admin("GET", "/channels")).json()) as Array<Record<string, unknown>>;
    const listed = list.find((x) => x.id === c.id)!;
    expect(listed).toMatchObject({ kind: "webhook", signed: true, events: ["incident", "maintenance"], component_ids: null });
    expect(JSON.stringify(list)).not.toContain(c.secret!);
    expect(String(listed.target)).not.toContain("/ok/");
    const audit = await rows<{ after: string }>("SELECT after FROM audit_log WHERE target_id = ?1", c.id);
    expect(audit[0]!.after).not.toContain(c.secret!);
    expect((await admin("DELETE", `/channels/${c.id}`)).status).toBe(204);
    expect((await admin("GET", `/channels/${c.id}`)).status).toBe(404);
    expect((await admin("DELETE", `/channels/${c.id}`)).status).toBe(404);
  });

  it("datadog defaults to api.datadoghq.com, takes a site, and never shows the API key", async () => {
    const key = "0123456789abcdef0123456789abcdef";
    const dd = await channel({ kind: "datadog", name: "DD", api_key: key });
    expect(dd.target).toBe("https://api.datadoghq.com");
    const eu = await channel({ kind: "datadog", name: "DD EU", api_key: key, site: "datadoghq.eu" });
    expect(eu.target).toBe("https://api.datadoghq.eu");
    const all = await (await admin("GET", "/channels")).text();
    expect(all).not.toContain(key);
    for (const c of [dd, eu]) await admin("DELETE", `/channels/${c.id}`);
  });

  it("refuses bad input with a 400 naming the problem, and writes nothing", async () => {
    const before = (await rows<{ n: number }>("SELECT count(*) AS n FROM channels"))[0]!.n;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ kind: "pager", name: "x", url: "https://example.com/h" }, /kind.*one of webhook, slack, discord, teams, datadog, email/],
      [{ kind: "webhook", name: "x", url: "http://example.com/h" }, /`url` must use https/],
      [{ kind: "slack", name: "x", url: "https://10.0.0.1/h" }, /not an IP address/],
      // (Loopback forms are accepted here, where OUTBOUND_ALLOW_LOOPBACK is set: test/unit/outbound.test.ts refuses them.)
      [{ kind: "discord", name: "x", url: "https://0xa.1/h" }, /not an IP address/],
      [{ kind: "teams", name: "x", url: "https://167772161/h" }, /not an IP address/],
      [{ kind: "webhook", name: "x", url: "https://[fd00::1]/h" }, /not an IP address/],
      [{ kind: "webhook", name: "x", url: "https://api.localhost/h" }, /\.localhost names are private/],
      [{ kind: "webhook", name: "x", url: "https://printer.local/h" }, /\.local names are private/],
      [{ kind: "webhook", name: "x", url: "https://db.internal/h" }, /\.internal names are private/],
      [{ kind: "webhook", name: "x", url: "https://intranet/h" }, /single-label/],
      [{ kind: "webhook", name: "x", url: "https://user:pw@example.com/h" }, /user name or password/],
      [{ kind: "webhook", name: "x", url: "not a url" }, /not a valid absolute URL/],
      [{ kind: "datadog", name: "x", api_key: "0123456789abcdef", api_url: "https://169.254.169.254" }, /`api_url`.*IP address/],
      [{ kind: "datadog", name: "x", api_key: "bad key!" }, /api_key/],
      [{ kind: "email", name: "x", email: "not-an-address" }, /email/],
      [{ kind: "webhook", name: "x", url: "https://example.com/h", component_ids: ["nosuchcompon"] }, /unknown components/],
      [{ kind: "webhook", name: "x", url: "https://example.com/h", events: ["alerts"] }, /events/],
      [{ kind: "webhook", name: "", url: "https://example.com/h" }, /name/],
    ];
    for (const [body, message] of cases) {
      const res = await admin("POST", "/channels", body);
      const text = await res.text();
      expect(res.status, `${JSON.stringify(body)} → ${text}`).toBe(400);
      expect(JSON.parse(text).error, JSON.stringify(body)).toMatch(message);
    }
    expect((await rows<{ n: number }>("SELECT count(*) AS n FROM channels"))[0]!.n).toBe(before);
  });

  it("the test button sends a signed test notification and logs it", async () => {
    const path = `/ok/${unique("test-button")}`;
    const c = await channel({ kind: "webhook", name: "Test me", url: `${CAPTURE}${path}` });
    const res = await admin("POST", `/channels/${c.id}/test`);
    expect(await res.json()).toMatchObject({ ok: true, status: 204, error: null });
    const [got] = await captured(path);
    const verified = new Webhook(c.secret!).verify(got!.body, got!.headers) as { meta: { unsubscribe: string }; test: boolean };
    expect(verified.test).toBe(true);
    const log = (await (await admin("GET", `/notifications?recipient_id=${c.id}`)).json()) as Array<Record<string, unknown>>;
    expect(log[0]).toMatchObject({ event_type: "test", status: "delivered", attempts: 1, channel_kind: "webhook", http_status: 204 });
    expect(String(log[0]!.target)).not.toContain(path);
    // A failing endpoint: the answer says so, the log keeps the error.
    const failing = await channel({ kind: "slack", name: "Broken", url: `${CAPTURE}/fail/99/${unique("broken")}` });
    expect(await (await admin("POST", `/channels/${failing.id}/test`)).json()).toMatchObject({ ok: false, status: 500, error: "HTTP 500" });
    // Redirects are not followed.
    const redirecting = await channel({ kind: "discord", name: "Moved", url: `${CAPTURE}/redirect/${unique("moved")}` });
    expect(await (await admin("POST", `/channels/${redirecting.id}/test`)).json()).toMatchObject({
      ok: false,
      status: 302,
      error: "HTTP 302: redirects are not followed",
    });
    expect((await admin("GET", "/notifications?status=bogus")).status).toBe(400);
    for (const x of [c, failing, redirecting]) await admin("DELETE", `/channels/${x.id}`);
  });
});

describe("an incident opened by an alert reaches every channel kind, in its own format", () => {
  it("webhook (signed, Statuspage shape), Slack, Discord, Teams, Datadog and email", { timeout: 40_000 }, async () => {
    const sent: Array<Record<string, unknown>> = [];
    vi.spyOn(env.EMAIL, "send").mockImplementation(async (m: unknown) => {
      sent.push(m as Record<string, unknown>);
      return { messageId: `m${sent.length}` };
    });
    const comp = await createComponent("Notify API");
    const tag = unique("all");
    const only = { component_ids: [comp.id] };
    const hook = await channel({ kind: "webhook", name: "hook", url: `${CAPTURE}/ok/${tag}/webhook`, ...only });
    await channel({ kind: "slack", name: "slack", url: `${CAPTURE}/ok/${tag}/slack`, ...only });
    await channel({ kind: "discord", name: "discord", url: `${CAPTURE}/ok/${tag}/discord`, ...only });
    await channel({ kind: "teams", name: "teams", url: `${CAPTURE}/ok/${tag}/teams`, ...only });
    await channel({
      kind: "datadog",
      name: "dd",
      api_key: "0123456789abcdef0123456789abcdef",
      api_url: `${CAPTURE}/ok/${tag}/datadog`,
      ...only,
    });
    const mail = await channel({ kind: "email", name: "team", email: `team-${tag}@example.com`, ...only });
    const started = Date.now();
    await openIncident(comp.id);
    const got = await arrived(`/ok/${tag}/`, 5);
    expect(got.map((g) => g.path.split("/").pop()).sort()).toEqual(["events", "discord", "slack", "teams", "webhook"].sort());
    expect(Date.now() - started).toBeLessThan(30_000);
    const by = (suffix: string) => got.find((g) => g.path.endsWith(suffix))!;

    const w = by("/webhook");
    const body = new Webhook(hook.secret!).verify(w.body, w.headers) as Record<string, any>;
    expect(w.headers["webhook-id"]).toMatch(new RegExp(`:${hook.id}$`));
    expect(body.meta).toMatchObject({ documentation: expect.stringContaining("statuspage") });
    expect(body.page).toMatchObject({ status_indicator: expect.any(String), status_description: expect.any(String) });
    expect(body.incident).toMatchObject({ status: "investigating", impact: "critical", name: expect.stringContaining("Checkout failing") });
    expect(body.incident.incident_updates[0]).toMatchObject({
      status: "investigating",
      body: expect.any(String),
      incident_id: body.incident.id,
    });
    // A tampered body fails the check.
    expect(() => new Webhook(hook.secret!).verify(w.body.replace("investigating", "resolved"), w.headers)).toThrow();

    const slack = JSON.parse(by("/slack").body);
    expect(slack.text).toContain("Checkout failing");
    expect(slack.blocks.map((b: { type: string }) => b.type)).toEqual(["header", "section", "context", "actions"]);
    const discord = JSON.parse(by("/discord").body);
    expect(discord.embeds[0]).toMatchObject({
      title: expect.stringContaining("Checkout failing"),
      color: 0xb42318,
      url: body.incident.shortlink,
    });
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    const teams = JSON.parse(by("/teams").body);
    expect(teams.type).toBe("message");
    expect(teams.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(teams.attachments[0].content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    const dd = by("/api/v1/events");
    expect(dd.path).toBe(`/ok/${tag}/datadog/api/v1/events`);
    expect(dd.headers["dd-api-key"]).toBe("0123456789abcdef0123456789abcdef");
    expect(JSON.parse(dd.body)).toMatchObject({ alert_type: "error", aggregation_key: `status-page-${body.incident.id}` });

    // Email: the team address, from EMAIL_FROM; a channel carries no List-Unsubscribe (it is not a subscriber).
    for (let i = 0; i < 50 && !sent.some((m) => m.to === `team-${tag}@example.com`); i++) await new Promise((r) => setTimeout(r, 100));
    const email = sent.find((m) => m.to === `team-${tag}@example.com`)!;
    expect(email).toMatchObject({ from: "status@example.com", subject: expect.stringContaining("Checkout failing") });
    expect(String(email.text)).toContain(body.incident.shortlink);

    const log = (await (await admin("GET", `/notifications?incident_id=${body.incident.id}`)).json()) as Array<{
      status: string;
      channel_kind: string;
      target: string;
    }>;
    expect(log.map((l) => l.channel_kind).sort()).toEqual(["datadog", "discord", "email", "slack", "teams", "webhook"]);
    expect(log.every((l) => l.status === "delivered")).toBe(true);
    expect(JSON.stringify(log)).not.toContain(`/ok/${tag}/slack`);
    expect(log.find((l) => l.channel_kind === "email")!.target).toBe("t***@example.com");
    void mail;
  });
});

describe("what notifies", () => {
  const types = async (channelId: string, n: number) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const log = (await (await admin("GET", `/notifications?recipient_id=${channelId}`)).json()) as Array<{
        event_type: string;
        status: string;
        created_at: string;
      }>;
      if ((log.length >= n && log.every((l) => l.status === "delivered")) || Date.now() > deadline) return log.map((l) => l.event_type).reverse();
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it("a manual incident: opened, every update, resolution — one notification each", { timeout: 40_000 }, async () => {
    const comp = await createComponent("Manual");
    const c = await channel({ kind: "webhook", name: "manual", url: `${CAPTURE}/ok/${unique("manual")}`, component_ids: [comp.id] });
    const res = await admin("POST", "/incidents", {
      name: "Slow logins",
      impact: "minor",
      body: "Looking into it.",
      component_ids: [comp.id],
    });
    expect(res.status).toBe(201);
    const incident = (await res.json()) as { id: string };
    await types(c.id, 1);
    for (const status of ["identified", "resolved"])
      expect((await admin("POST", `/incidents/${incident.id}/updates`, { status, body: `Now ${status}.` })).status).toBe(201);
    // The queue does not order separate events: compare as sets (webhook-timestamp and the body's times order them).
    expect((await types(c.id, 3)).sort()).toEqual(["incident.created", "incident.resolved", "incident.updated"]);
  });

  it("maintenance: scheduled, started, completed; component changes only for channels that ask", { timeout: 40_000 }, async () => {
    const comp = await createComponent("Maint");
    const c = await channel({ kind: "webhook", name: "maint", url: `${CAPTURE}/ok/${unique("maint")}`, component_ids: [comp.id] });
    const all = await channel({
      kind: "webhook",
      name: "maint+components",
      url: `${CAPTURE}/ok/${unique("maint-all")}`,
      component_ids: [comp.id],
      events: ["maintenance", "component"],
    });
    const incidentsOnly = await channel({
      kind: "webhook",
      name: "incidents only",
      url: `${CAPTURE}/ok/${unique("inc-only")}`,
      component_ids: [comp.id],
      events: ["incident"],
    });
    const at = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
    const res = await admin("POST", "/maintenances", {
      name: "DB upgrade",
      body: "Planned.",
      scheduled_for: at(1),
      scheduled_until: at(2),
      component_ids: [comp.id],
    });
    expect(res.status).toBe(201);
    const m = (await res.json()) as { id: string };
    await types(c.id, 1);
    expect((await admin("POST", `/incidents/${m.id}/updates`, { status: "in_progress", body: "Started." })).status).toBe(201);
    await types(c.id, 2);
    expect((await admin("POST", `/incidents/${m.id}/updates`, { status: "completed", body: "Done." })).status).toBe(201);
    expect(await types(c.id, 3)).toEqual(["maintenance.scheduled", "maintenance.started", "maintenance.completed"]);
    const withComponents = await types(all.id, 5);
    expect(withComponents.filter((t) => t === "component.updated")).toHaveLength(2); // under_maintenance, then operational
    expect((await (await admin("GET", `/notifications?recipient_id=${incidentsOnly.id}`)).json()) as unknown[]).toEqual([]);
  });
});

describe("subscribers", () => {
  it("hear only of their components, get List-Unsubscribe, and nothing once gone or unconfirmed", { timeout: 40_000 }, async () => {
    const sent: Array<Record<string, any>> = [];
    vi.spyOn(env.EMAIL, "send").mockImplementation(async (m: unknown) => {
      sent.push(m as Record<string, unknown>);
      return { messageId: `m${sent.length}` };
    });
    const [a, b] = [await createComponent("Sub A"), await createComponent("Sub B")];
    const tag = unique("subs");
    const hookA = await subscriber({ webhook_url: `${CAPTURE}/ok/${tag}/a`, component_ids: [a.id] });
    const hookB = await subscriber({ webhook_url: `${CAPTURE}/ok/${tag}/b`, component_ids: [b.id] });
    const mailA = await subscriber({ email: `reader-${tag}@example.com`, component_ids: [a.id] });
    await subscriber({ webhook_url: `${CAPTURE}/ok/${tag}/unconfirmed`, component_ids: [a.id], confirmed: false });

    const opened = await openIncident(a.id);
    // A's webhook hears of the incident and of A's status change; B's hears nothing.
    const gotA = await arrived(`/ok/${tag}/a`, 2);
    const kinds = gotA.map((g) => Object.keys(JSON.parse(g.body)).filter((k) => k === "incident" || k === "component_update")[0]).sort();
    expect(kinds).toEqual(["component_update", "incident"]);
    const incidentBody = JSON.parse(gotA.find((g) => g.body.includes('"incident"'))!.body);
    expect(incidentBody.meta.unsubscribe).toMatch(/\/subscriptions\/tok-[a-z0-9]+\/unsubscribe$/);
    for (let i = 0; i < 50 && !sent.some((m) => m.to === `reader-${tag}@example.com`); i++) await new Promise((r) => setTimeout(r, 100));
    const email = sent.filter((m) => m.to === `reader-${tag}@example.com`);
    expect(email).toHaveLength(1); // email subscribers hear of incidents, not of component status changes
    expect(email[0]!.headers).toEqual({
      "List-Unsubscribe": `<http://localhost:8787/subscriptions/tok-${mailA}/unsubscribe>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(email[0]!.text).toContain(`/subscriptions/tok-${mailA}`);
    expect(await captured(`/ok/${tag}/b`)).toEqual([]);
    expect(await captured(`/ok/${tag}/unconfirmed`)).toEqual([]);

    // Unsubscribed (15B's route deletes the row): the next update reaches nobody there.
    await env.DB.prepare("DELETE FROM subscribers WHERE id = ?1").bind(hookA).run();
    const before = (await captured(`/ok/${tag}/a`)).length;
    const witness = await subscriber({ webhook_url: `${CAPTURE}/ok/${tag}/witness`, component_ids: [a.id] });
    // Recovery: the incident moves to monitoring by itself and A goes back to operational (two events).
    expect((await post(`/hooks/generic/${opened.integ.key}`, { dedup_key: opened.key, action: "resolve" })).status).toBe(202);
    const seen = await arrived(`/ok/${tag}/witness`, 2);
    expect(seen.map((g) => JSON.parse(g.body).incident?.status ?? JSON.parse(g.body).component_update.new_status).sort()).toEqual([
      "monitoring",
      "operational",
    ]);
    expect((await captured(`/ok/${tag}/a`)).length).toBe(before);
    void hookB;
    void witness;
  });
});

describe("the consumer: exactly once, retries, dead letters", () => {
  async function eventFor(componentId: string): Promise<NotifyEvent> {
    await openIncident(componentId);
    const [u] = await rows<{ id: string }>(
      "SELECT u.id FROM incident_updates u JOIN incident_components ic ON ic.incident_id = u.incident_id WHERE ic.component_id = ?1 ORDER BY u.rowid DESC LIMIT 1",
      componentId,
    );
    return (await loadEvent(env.DB, "http://localhost:8787", { type: "incident_update", id: u!.id }))!;
  }

  const deliver = (event: NotifyEvent, channelId: string, attempts = 1) =>
    createMessageBatch<NotifyMessage>("status-notifications", [
      {
        id: `m-${Math.random()}`,
        timestamp: new Date(),
        attempts,
        body: { kind: "deliver", event, recipient: { type: "channel", id: channelId } },
      },
    ]);

  /** An incident on a fresh component, then a channel for it: the real queue has nothing for the channel. */
  async function setup(name: string, kind: string, path: string) {
    const comp = await createComponent(name);
    const event = await eventFor(comp.id);
    const c = await channel({ kind, name, url: `${CAPTURE}${path}`, component_ids: [comp.id] });
    return { event, c, path };
  }

  async function run(batch: MessageBatch<NotifyMessage>) {
    const ctx = createExecutionContext();
    await (worker.queue as (b: MessageBatch<NotifyMessage>, e: typeof env, c: ExecutionContext) => Promise<void>)(batch, env, ctx);
    return getQueueResult(batch, ctx);
  }

  it("a redelivered message sends nothing twice", async () => {
    const { event, c, path } = await setup("Once", "webhook", `/ok/${unique("once")}`);
    const first = await run(deliver(event, c.id));
    expect(first.explicitAcks).toHaveLength(1);
    const again = await run(deliver(event, c.id, 2));
    expect(again.explicitAcks).toHaveLength(1);
    expect(again.retryMessages).toEqual([]);
    expect(await captured(path)).toHaveLength(1);
    const [row] = await rows<{ status: string; attempts: number }>(
      "SELECT status, attempts FROM notifications WHERE idempotency_key = ?1",
      idempotencyKey(event.id, { type: "channel", id: c.id }),
    );
    expect(row).toEqual({ status: "delivered", attempts: 1 });
    await admin("DELETE", `/channels/${c.id}`);
  });

  it("a failing endpoint is retried with backoff and gets its message", async () => {
    const { event, c, path } = await setup("Flaky", "slack", `/fail/2/${unique("flaky")}`);
    const r1 = await run(deliver(event, c.id, 1));
    expect(r1.retryMessages).toHaveLength(1);
    const r2 = await run(deliver(event, c.id, 2));
    expect(r2.retryMessages).toHaveLength(1);
    const r3 = await run(deliver(event, c.id, 3));
    expect(r3.explicitAcks).toHaveLength(1);
    expect(await captured(path)).toHaveLength(3);
    const [row] = await rows<{ status: string; attempts: number; last_error: string | null }>(
      "SELECT status, attempts, last_error FROM notifications WHERE recipient_id = ?1",
      c.id,
    );
    expect(row).toEqual({ status: "delivered", attempts: 3, last_error: null });
    await admin("DELETE", `/channels/${c.id}`);
  });

  it("after the last try the message is dead-lettered and shows as failed", async () => {
    const { event, c } = await setup("Dead", "teams", `/fail/99/${unique("dead")}`);
    await run(deliver(event, c.id, 5));
    let [row] = await rows<{ status: string; last_error: string }>("SELECT status, last_error FROM notifications WHERE recipient_id = ?1", c.id);
    expect(row).toEqual({ status: "retrying", last_error: "HTTP 500" });
    const last = await run(deliver(event, c.id, 6));
    expect(last.retryMessages).toHaveLength(1); // the queue moves it to the dead-letter queue
    [row] = await rows("SELECT status, last_error FROM notifications WHERE recipient_id = ?1", c.id);
    expect(row).toEqual({ status: "failed", last_error: "HTTP 500" });
    const dlq = createMessageBatch<NotifyMessage>("status-notifications-dlq", [
      { id: "d1", timestamp: new Date(), attempts: 1, body: { kind: "deliver", event, recipient: { type: "channel", id: c.id } } },
    ]);
    expect((await run(dlq)).ackAll).toBe(true);
    const log = (await (await admin("GET", `/notifications?status=failed&recipient_id=${c.id}`)).json()) as Array<{ attempts: number }>;
    expect(log).toHaveLength(1);
    expect(log[0]!.attempts).toBe(2);
    await admin("DELETE", `/channels/${c.id}`);
  });

  it("the real queue: a channel failing twice gets its message on the third try", { timeout: 40_000 }, async () => {
    const comp = await createComponent("Queue retry");
    const path = `/fail/2/${unique("queue-retry")}`;
    const c = await channel({ kind: "webhook", name: "retry", url: `${CAPTURE}${path}`, component_ids: [comp.id] });
    await openIncident(comp.id);
    const got = await arrived(path, 3, 30_000);
    expect(got).toHaveLength(3);
    expect(got.map((g) => g.headers["webhook-id"])).toEqual([got[0]!.headers["webhook-id"], got[0]!.headers["webhook-id"], got[0]!.headers["webhook-id"]]);
    // Backoff: 2 s, then 4 s.
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(1_500);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(3_500);
    await admin("DELETE", `/channels/${c.id}`);
  });
});

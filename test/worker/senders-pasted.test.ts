// Each sender's configuration as the README tells users to paste it, through the real worker and D1:
// the payloads those tools really send open, attach, recover, are ignored with a 2xx, or are refused
// with the 4xx that tells the user what to fix.
import { createExecutionContext, createScheduledController, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import checklyDegraded from "../fixtures/checkly/degraded.json";
import checklyFailure from "../fixtures/checkly/failure.json";
import checklyRecovery from "../fixtures/checkly/recovery.json";
import ilertTriggered from "../fixtures/datadog/ilert-triggered.json";
import grafanaFiring from "../fixtures/grafana/firing.json";
import pdGrafanaTest from "../fixtures/pagerduty/grafana-test-notification.json";
import pdZabbixResolve from "../fixtures/pagerduty/zabbix-resolve.json";
import pdZabbixTrigger from "../fixtures/pagerduty/zabbix-trigger.json";
import kumaCertExpiry from "../fixtures/uptime-kuma/cert-expiry.json";
import kumaDown from "../fixtures/uptime-kuma/down.json";
import zabbixAck from "../fixtures/zabbix/acknowledge-update.json";
import zabbixDiscovery from "../fixtures/zabbix/discovery.json";
import zabbixProblem from "../fixtures/zabbix/problem.json";
import zabbixRecovery from "../fixtures/zabbix/recovery.json";
import { admin, BASE, componentStatus, createComponent, createIntegration, incidentsOn, post, rows, tableCounts, unique } from "./helpers";

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

type CompressionFormat = ConstructorParameters<typeof CompressionStream>[0];

async function compress(text: string, format: CompressionFormat): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const postBytes = (path: string, body: Uint8Array, headers: Record<string, string>) =>
  SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

const withService = <T extends typeof grafanaFiring>(delivery: T, slug: string): T => {
  const copy = structuredClone(delivery);
  for (const a of copy.alerts) (a.labels as Record<string, string>).service = slug;
  return copy;
};

describe("Grafana: per-integration signature and timestamp header names", () => {
  const SECRET = "grafana-shared-secret-0123";

  it("PATCH sets the headers Grafana was configured with; the signed string is <timestamp>:<body>", async () => {
    const comp = await createComponent("Renamed signature");
    const created = await admin("POST", "/integrations", { name: unique("grafana"), source: "grafana", signing_secret: SECRET });
    const integ = (await created.json()) as { id: string; key: string };
    const patched = await admin("PATCH", `/integrations/${integ.id}`, {
      options: { signature_header: "X-Statuspage-Signature", timestamp_header: "X-Statuspage-Timestamp" },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      options: { signature_header: "x-statuspage-signature", timestamp_header: "x-statuspage-timestamp" },
    });

    const body = JSON.stringify(withService(grafanaFiring, comp.slug));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = await hmacHex(SECRET, `${timestamp}:${body}`);
    // Grafana's default header name is now the wrong one: 401, nothing applied.
    const wrongHeader = await post(`/hooks/grafana/${integ.key}`, body, {
      "X-Grafana-Alerting-Signature": signature,
      "X-Statuspage-Timestamp": timestamp,
    });
    expect(wrongHeader.status).toBe(401);
    // The timestamp header is part of the signature once configured.
    const noTimestamp = await post(`/hooks/grafana/${integ.key}`, body, { "X-Statuspage-Signature": await hmacHex(SECRET, body) });
    expect(noTimestamp.status).toBe(401);
    expect(await componentStatus(comp.id)).toBe("operational");

    const ok = await post(`/hooks/grafana/${integ.key}`, body, {
      "X-Statuspage-Signature": signature,
      "X-Statuspage-Timestamp": timestamp,
    });
    expect(ok.status).toBe(202);
    expect(await componentStatus(comp.id)).toBe("major_outage");

    // Cleared: back to Grafana's default header, no timestamp.
    const cleared = await admin("PATCH", `/integrations/${integ.id}`, { options: { signature_header: null, timestamp_header: null } });
    expect(((await cleared.json()) as { options: unknown }).options).toEqual({});
  });

  it("refuses a header name that is not one, naming the field", async () => {
    const integ = await createIntegration("grafana");
    const res = await admin("PATCH", `/integrations/${integ.id}`, { options: { signature_header: "X Bad: header" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field?: string }).field).toBe("options.signature_header");
    const unknown = await admin("PATCH", `/integrations/${integ.id}`, { options: { verify: true } });
    expect(unknown.status).toBe(400);
  });

  it("the admin UI form sets them too", async () => {
    const integ = await createIntegration("grafana");
    const login = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.12" },
      body: new URLSearchParams({ token: "test-admin-token-0123456789abcdef0123", name: "Ops" }).toString(),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const html = await (await SELF.fetch(`${BASE}/admin/integrations`, { headers: { Cookie: cookie } })).text();
    expect(html).toContain(`action="/admin/integrations/${integ.id}/signature"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const res = await SELF.fetch(`${BASE}/admin/integrations/${integ.id}/signature`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Referer: `${BASE}/admin/integrations` },
      body: new URLSearchParams({
        _csrf: csrf,
        signing_secret: SECRET,
        signature_header: "X-Hmac",
        timestamp_header: "X-Hmac-Time",
      }).toString(),
    });
    expect(res.status).toBe(303);
    const stored = (await (await admin("GET", `/integrations/${integ.id}`)).json()) as { signed: boolean; options: unknown };
    expect(stored).toMatchObject({ signed: true, options: { signature_header: "x-hmac", timestamp_header: "x-hmac-time" } });
  });
});

describe("Grafana's test notifications are ignored with a 2xx on every endpoint they reach", () => {
  it("PagerDuty contact point: 202 success, no alert, no incident", async () => {
    const integ = await createIntegration("pagerduty");
    const before = await tableCounts();
    const res = await post("/v2/enqueue", { ...pdGrafanaTest, routing_key: integ.key });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "success", message: "Event processed", dedup_key: pdGrafanaTest.dedup_key });
    const after = await tableCounts();
    expect({ ...after, deliveries: before.deliveries }).toEqual(before);
  });
});

describe("PagerDuty endpoints: what Alertmanager's template passes through is never refused", () => {
  it.each([
    ["none", "operational"], // kube-prometheus' Watchdog: info, no status change
    ["page", "major_outage"],
    ["P2", "partial_outage"],
    ["low", "operational"],
  ])("severity %s → 202, component %s", async (severity, status) => {
    const comp = await createComponent(`Severity ${severity}`);
    const integ = await createIntegration("pagerduty");
    const res = await post("/v2/enqueue", {
      routing_key: integ.key,
      event_action: "trigger",
      dedup_key: unique("am"),
      payload: { summary: `[FIRING:1] 🔥 ${"🔥".repeat(1020)}`, source: "Alertmanager", severity, custom_details: { service: comp.slug } },
    });
    expect(res.status).toBe(202);
    expect(await componentStatus(comp.id)).toBe(status);
  });
});

describe("Zabbix", () => {
  it("its Webhook media type: problem opens, acknowledgement attaches, recovery recovers, discovery is ignored", async () => {
    const api = await createComponent("Zabbix API", { slug: unique("api") });
    const integ = await createIntegration("zabbix");
    const url = `/hooks/zabbix/${integ.key}`;
    const tags = JSON.stringify([{ tag: "service", value: api.slug }]);

    const opened = await post(url, { ...zabbixProblem, event_tags: tags });
    expect(opened.status).toBe(202);
    expect(await componentStatus(api.id)).toBe("partial_outage");
    const [incident] = await incidentsOn(api.id);
    expect(incident).toMatchObject({ status: "investigating" });

    expect((await post(url, { ...zabbixAck, event_tags: `service:${api.slug}` })).status).toBe(202);
    const [alert] = await rows<{ status: string }>("SELECT status FROM alerts WHERE integration_id = ?1", integ.id);
    expect(alert!.status).toBe("acknowledged");

    expect((await post(url, { ...zabbixRecovery, event_tags: tags })).status).toBe(202);
    expect(await componentStatus(api.id)).toBe("operational");
    expect(await incidentsOn(api.id)).toMatchObject([{ id: incident!.id, status: "monitoring" }]);

    const discovery = await post(url, zabbixDiscovery);
    expect(discovery.status).toBe(200);
    expect(await discovery.json()).toMatchObject({ events: 0 });
  });

  it("a problem whose {EVENT.ID} was not filled in (but its value was) is a 400 naming event_id", async () => {
    const integ = await createIntegration("zabbix");
    const res = await post(`/hooks/zabbix/${integ.key}`, { ...zabbixProblem, event_id: "{EVENT.ID}" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "event_id" });
  });

  it("its official PagerDuty media type: the `Event tags` text routes service:<slug>", async () => {
    const api = await createComponent("Zabbix via PD", { slug: unique("zpd") });
    const integ = await createIntegration("pagerduty");
    const details = { ...pdZabbixTrigger.payload.custom_details, "Event tags": `scope:availability, service:${api.slug}` };
    const trigger = { ...pdZabbixTrigger, routing_key: integ.key, payload: { ...pdZabbixTrigger.payload, custom_details: details } };
    expect((await post("/v2/enqueue", trigger)).status).toBe(202);
    expect(await componentStatus(api.id)).toBe("partial_outage");
    expect((await post("/v2/enqueue", { ...pdZabbixResolve, routing_key: integ.key })).status).toBe(202);
    expect(await componentStatus(api.id)).toBe("operational");
  });
});

describe("Checkly through its webhook channel and the README's template (rendered by @checkly/handlebars)", () => {
  it("failure opens, degraded attaches, recovery recovers", async () => {
    const payments = await createComponent("Checkly payments", { slug: unique("pay") });
    const integ = await createIntegration("generic");
    const url = `/hooks/generic/${integ.key}`;
    const route = <T extends { tags: Record<string, string> }>(p: T) => ({ ...p, tags: { ...p.tags, service: payments.slug } });
    expect((await post(url, route(checklyFailure))).status).toBe(202);
    expect(await componentStatus(payments.id)).toBe("major_outage");
    const [incident] = await incidentsOn(payments.id);
    expect((await post(url, route(checklyDegraded))).status).toBe(202);
    expect(await incidentsOn(payments.id)).toMatchObject([{ id: incident!.id }]);
    expect((await post(url, route(checklyRecovery))).status).toBe(202);
    expect(await componentStatus(payments.id)).toBe("operational");
  });
});

describe("Uptrends and Uptime Kuma", () => {
  it("Uptrends: a delivery from a template without double curly braces is a 400 that says so", async () => {
    const integ = await createIntegration("uptrends");
    const res = await post(`/hooks/uptrends/${integ.key}`, {
      type: "@alert.type",
      incidentKey: "@incident.key",
      monitorName: "@monitor.name",
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; field: string };
    expect(json.field).toBe("type");
    expect(json.error).toContain("{{@alert.type}}");
  });

  it("Uptrends: JsonEncode'd text with quotes and line breaks opens the incident", async () => {
    const shop = await createComponent("Uptrends shop");
    const integ = await createIntegration("uptrends", [shop.id]);
    const body = `{"type":"Alert","incidentKey":"${unique("inc")}","monitorName":"Shop \\"EU\\"","description":"503\\r\\nService Unavailable"}`;
    expect((await post(`/hooks/uptrends/${integ.key}`, body)).status).toBe(202);
    expect(await componentStatus(shop.id)).toBe("partial_outage");
  });

  it("Uptime Kuma's form-data preset (the JSON in the field `data`) works like the JSON preset", async () => {
    const comp = await createComponent("Kuma form-data");
    const integ = await createIntegration("uptime-kuma", [comp.id]);
    const form = new FormData();
    form.append("data", JSON.stringify(kumaDown));
    const res = await SELF.fetch(`${BASE}/hooks/uptime-kuma/${integ.key}`, { method: "POST", body: form });
    expect(res.status).toBe(202);
    expect(await componentStatus(comp.id)).toBe("major_outage");
    const empty = new FormData();
    empty.append("other", "x");
    const missing = await SELF.fetch(`${BASE}/hooks/uptime-kuma/${integ.key}`, { method: "POST", body: empty });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ field: "data" });
  });

  it("Uptime Kuma: a certificate-expiry notice is accepted with 200 and changes nothing; {} is a 400 naming heartbeat", async () => {
    const integ = await createIntegration("uptime-kuma");
    const before = await tableCounts();
    const notice = await post(`/hooks/uptime-kuma/${integ.key}`, kumaCertExpiry);
    expect(notice.status).toBe(200);
    expect({ ...(await tableCounts()), deliveries: before.deliveries }).toEqual(before);
    const empty = await post(`/hooks/uptime-kuma/${integ.key}`, {});
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ field: "heartbeat" });
  });
});

describe("Uptime Kuma: a monitor that goes into maintenance while down", () => {
  /** One cron run, as Cloudflare would make it at `at`. */
  const cron = async (at: number) => worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, createExecutionContext());
  const kumaTime = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", "");
  // Kuma with "Resend Notification if Down 10 times consecutively", checking every 60 s.
  const downAt = (t: number, monitorID: number) => ({
    ...kumaDown,
    heartbeat: { ...kumaDown.heartbeat, monitorID, time: kumaTime(t), important: false },
    monitor: { ...kumaDown.monitor, id: monitorID, resendInterval: 10, interval: 60 },
  });
  const minute = 60_000;

  it("is recovered by the cron once Kuma stops repeating the down, and kept while it repeats", async () => {
    const search = await createComponent("Kuma maintenance");
    const integ = await createIntegration("uptime-kuma", [search.id]);
    const url = `/hooks/uptime-kuma/${integ.key}`;
    const t0 = Date.now();
    expect((await post(url, downAt(t0, 9001))).status).toBe(202);
    expect(await componentStatus(search.id)).toBe("major_outage");
    const [incident] = await incidentsOn(search.id);

    // Still down: the resend 10 minutes later keeps it; a cron within the deadline changes nothing.
    expect((await post(url, downAt(t0 + 10 * minute, 9001))).status).toBe(202);
    await cron(t0 + 25 * minute);
    expect(await componentStatus(search.id)).toBe("major_outage");

    // Then maintenance: Kuma sends nothing more. Two resend periods and two checks later it is over.
    await cron(t0 + 10 * minute + 23 * minute);
    expect(await componentStatus(search.id)).toBe("operational");
    expect(await incidentsOn(search.id)).toMatchObject([{ id: incident!.id, status: "monitoring" }]);
    const [logged] = await rows<{ outcome: string; payload: string }>(
      "SELECT outcome, payload FROM deliveries WHERE integration_id = ?1 ORDER BY received_at DESC LIMIT 1",
      integ.id,
    );
    expect(logged!.payload).toContain("no re-notification");

    // Down again after maintenance (Kuma notifies maintenance → down): a new alert cycle, same incident reopened.
    expect((await post(url, downAt(t0 + 60 * minute, 9001))).status).toBe(202);
    expect(await componentStatus(search.id)).toBe("major_outage");
  });

  it("without Kuma's resend setting the down waits for Kuma's up", async () => {
    const comp = await createComponent("Kuma no resend");
    const integ = await createIntegration("uptime-kuma", [comp.id]);
    const t0 = Date.now();
    const body = { ...downAt(t0, 9002), monitor: { ...kumaDown.monitor, id: 9002, resendInterval: 0 } };
    expect((await post(`/hooks/uptime-kuma/${integ.key}`, body)).status).toBe(202);
    await cron(t0 + 24 * 60 * minute);
    expect(await componentStatus(comp.id)).toBe("major_outage");
  });
});

describe("Datadog: the iLert template on a monitor grouped by host", () => {
  it("host A recovering leaves host B's outage in place", async () => {
    const web = await createComponent("Datadog web");
    const integ = await createIntegration("datadog", [web.id]);
    const url = `/hooks/datadog/${integ.key}`;
    const at = (title: string, transition: string, date: number) => ({
      ...ilertTriggered,
      title,
      alert_transition: transition,
      date: String(date),
      last_updated: "",
    });
    const t0 = Date.UTC(2025, 10, 20, 10, 0);
    expect((await post(url, at("[Triggered on {host:a}] CPU high", "Triggered", t0))).status).toBe(202);
    expect((await post(url, at("[Triggered on {host:b}] CPU high", "Triggered", t0 + 1000))).status).toBe(202);
    expect((await post(url, at("[Recovered on {host:a}] CPU high", "Recovered", t0 + 60_000))).status).toBe(202);
    expect(await componentStatus(web.id)).toBe("partial_outage");
    expect((await post(url, at("[Recovered on {host:b}] CPU high", "Recovered", t0 + 120_000))).status).toBe(202);
    expect(await componentStatus(web.id)).toBe("operational");
  });
});

describe("compressed bodies", () => {
  const delivery = (slug: string) => JSON.stringify(withService(grafanaFiring, slug));

  it.each<[string, CompressionFormat]>([
    ["gzip", "gzip"],
    ["x-gzip", "gzip"],
    ["deflate", "deflate"], // zlib-wrapped, as HTTP defines it
    ["deflate", "deflate-raw"], // what some senders send instead
  ])("Content-Encoding: %s (%s) is inflated", async (encoding, format) => {
    const comp = await createComponent(`Compressed ${format}`);
    const integ = await createIntegration("grafana");
    const res = await postBytes(`/hooks/grafana/${integ.key}`, await compress(delivery(comp.slug), format), {
      "Content-Encoding": encoding,
    });
    expect(res.status).toBe(202);
    expect(await componentStatus(comp.id)).toBe("major_outage");
  });

  it("gzip on the PagerDuty endpoint too", async () => {
    const integ = await createIntegration("pagerduty");
    const body = JSON.stringify({
      routing_key: integ.key,
      event_action: "trigger",
      payload: { summary: "zipped", source: "x", severity: "info" },
    });
    const res = await postBytes("/v2/enqueue", await compress(body, "gzip"), { "Content-Encoding": "gzip" });
    expect(res.status).toBe(202);
  });

  it("a compression bomb is a 413 as soon as it inflates past 512 KB, quickly", async () => {
    const integ = await createIntegration("grafana");
    // 64 MB of spaces gzip to about 64 KB.
    const bomb = await compress(`{"alerts":[],"pad":"${" ".repeat(64 * 1024 * 1024)}"}`, "gzip");
    expect(bomb.byteLength).toBeLessThan(512 * 1024);
    const started = Date.now();
    const res = await postBytes(`/hooks/grafana/${integ.key}`, bomb, { "Content-Encoding": "gzip" });
    expect(res.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a body that inflates to just under 512 KB is fine", async () => {
    const comp = await createComponent("Just under");
    const integ = await createIntegration("grafana");
    const padded = JSON.stringify({ ...withService(grafanaFiring, comp.slug), pad: " ".repeat(500 * 1024) });
    const res = await postBytes(`/hooks/grafana/${integ.key}`, await compress(padded, "gzip"), { "Content-Encoding": "gzip" });
    expect(res.status).toBe(202);
  });

  it.each([
    ["br", 415],
    ["zstd", 415],
  ])("Content-Encoding: %s is a %i", async (encoding, status) => {
    const integ = await createIntegration("grafana");
    const res = await post(`/hooks/grafana/${integ.key}`, delivery("x"), { "Content-Encoding": encoding });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toContain(encoding);
  });

  it("the PagerDuty endpoint answers an unknown encoding in PagerDuty's shape", async () => {
    const integ = await createIntegration("pagerduty");
    const res = await post("/v2/enqueue", { routing_key: integ.key }, { "Content-Encoding": "br" });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ status: "invalid event", message: "Unsupported Content-Encoding" });
  });

  it("a body that says gzip but is not is a 400", async () => {
    const integ = await createIntegration("grafana");
    const res = await post(`/hooks/grafana/${integ.key}`, delivery("x"), { "Content-Encoding": "gzip" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "body" });
  });
});

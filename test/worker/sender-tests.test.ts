// Each sender's own test notification, sent as the tool sends it to an integration with
// components (where a real alert would open an incident), changes nothing public and notifies nobody;
// it is logged with outcome `test` and admin shows it as received. And an integration that verifies
// signatures refuses an unsigned delivery on every endpoint that accepts its key.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import azureBudget from "../fixtures/azure-monitor/budget-actual.json";
import azureBudgetForecast from "../fixtures/azure-monitor/budget-forecasted.json";
import checklyNative from "../fixtures/checkly/native-tags-text.json";
import cwAlarm from "../fixtures/cloudwatch/alarm.json";
import ddTest from "../fixtures/datadog/test-notification.json";
import gcTest from "../fixtures/google-cloud/test.json";
import grafanaTest from "../fixtures/grafana/test-notification.json";
import nrLegacyTest from "../fixtures/newrelic/legacy-test.json";
import pdGrafanaTest from "../fixtures/pagerduty/grafana-test-notification.json";
import pdKumaTest from "../fixtures/pagerduty/uptime-kuma-test.json";
import seCreated from "../fixtures/sentry/zulip-issue-created.json";
import seSampleAlert from "../fixtures/sentry/zulip-sample-event-alert.json";
import kumaTest from "../fixtures/uptime-kuma/test-notification.json";
import zbxTest from "../fixtures/zabbix/media-type-test.json";
import { ADMIN, admin, BASE, createComponent, createIntegration, post, rows, summary, tableCounts, unique } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

const SECRET = "sentry-client-secret-0123456789";

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Everything a reader or a subscriber could see: the public summary, the state tables, the notifications. */
async function publicState() {
  const s = await summary();
  const notified = (await env.DB.prepare("SELECT count(*) AS n FROM notifications").first<{ n: number }>())!.n;
  return { summary: { status: s.status, components: s.components, incidents: s.incidents }, tables: await tableCounts(), notified };
}

interface Case {
  name: string;
  source: string;
  send: (key: string) => Promise<Response>;
  status: number;
  extra?: Record<string, unknown>;
}

const sentryBody = JSON.stringify(seSampleAlert);
const CASES: Case[] = [
  {
    name: "Sentry's Send Test Notification (signed sample event)",
    source: "sentry",
    extra: { signing_secret: SECRET },
    send: async (key) =>
      post(`/hooks/sentry/${key}`, sentryBody, { "Sentry-Hook-Resource": "event_alert", "Sentry-Hook-Signature": await hmacHex(SECRET, sentryBody) }),
    status: 200,
  },
  { name: "Uptime Kuma's webhook Test", source: "uptime-kuma", send: (key) => post(`/hooks/uptime-kuma/${key}`, kumaTest), status: 200 },
  {
    name: "Uptime Kuma's webhook Test, form-data preset",
    source: "uptime-kuma",
    send: (key) => {
      const form = new FormData();
      form.append("data", JSON.stringify(kumaTest));
      return SELF.fetch(`${BASE}/hooks/uptime-kuma/${key}`, { method: "POST", body: form });
    },
    status: 200,
  },
  { name: "Uptime Kuma's PagerDuty Test", source: "pagerduty", send: (key) => post("/v2/enqueue", { ...pdKumaTest, routing_key: key }), status: 202 },
  { name: "Datadog's Test Notifications", source: "datadog", send: (key) => post(`/hooks/datadog/${key}`, ddTest), status: 200 },
  { name: "Grafana's webhook Test", source: "grafana", send: (key) => post(`/hooks/grafana/${key}`, grafanaTest), status: 200 },
  { name: "Grafana's PagerDuty Test", source: "grafana", send: (key) => post("/v2/enqueue", { ...pdGrafanaTest, routing_key: key }), status: 202 },
  { name: "Google Cloud's test notification", source: "google-cloud", send: (key) => post(`/hooks/google-cloud/${key}`, gcTest), status: 200 },
  { name: "New Relic's legacy channel test", source: "newrelic", send: (key) => post(`/hooks/newrelic/${key}`, nrLegacyTest), status: 200 },
  { name: "Zabbix's media type Test", source: "zabbix", send: (key) => post(`/hooks/zabbix/${key}`, zbxTest), status: 200 },
];

describe("a sender's test notification changes nothing public, notifies nobody, and admin shows it received", () => {
  it.each(CASES)("$name", async ({ source, send, status, extra }) => {
    const component = await createComponent(unique("tested"));
    const integ = await createIntegration(source, [component.id], extra ?? {});
    const before = await publicState();
    const res = await send(integ.key);
    expect(res.status, await res.clone().text()).toBe(status);
    expect(await publicState()).toEqual(before);
    const [logged] = await rows<{ outcome: string; event_count: number; summary: string }>(
      "SELECT outcome, event_count, summary FROM deliveries WHERE integration_id = ?1",
      integ.id,
    );
    expect(logged).toMatchObject({ outcome: "test", event_count: 0 });
    const listed = (await (await admin("GET", "/integrations")).json()) as Array<{ id: string; last_test_at: string | null }>;
    expect(listed.find((i) => i.id === integ.id)?.last_test_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const byOutcome = (await (await admin("GET", `/deliveries?integration_id=${integ.id}&outcome=test`)).json()) as unknown[];
    expect(byOutcome).toHaveLength(1);
    const ingest = (await (await admin("GET", "/ingest")).json()) as { notifications: { pending: number } };
    expect(ingest.notifications.pending).toBe(0);
  });

  it("the admin page says when the test was received", async () => {
    const integ = await createIntegration("uptime-kuma");
    expect((await post(`/hooks/uptime-kuma/${integ.key}`, kumaTest)).status).toBe(200);
    const login = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.23" },
      body: new URLSearchParams({ token: ADMIN.Authorization.slice("Bearer ".length), name: "Ops" }).toString(),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const html = await (await SELF.fetch(`${BASE}/admin/integrations`, { headers: { Cookie: cookie } })).text();
    const card = html.slice(html.indexOf(`data-integration="${integ.id}"`));
    expect(card.slice(0, card.indexOf("</article>"))).toMatch(/test received at/);
  });

  it("a real alert after a test still opens its incident (the test left no alert behind)", async () => {
    const component = await createComponent(unique("after-test"));
    const integ = await createIntegration("pagerduty", [component.id]);
    expect((await post("/v2/enqueue", { ...pdKumaTest, routing_key: integ.key })).status).toBe(202);
    const res = await post("/v2/enqueue", {
      ...pdKumaTest,
      routing_key: integ.key,
      dedup_key: "Uptime Kuma/7",
      payload: { ...pdKumaTest.payload, source: "https://shop" },
    });
    expect(res.status).toBe(202);
    const s = await summary();
    expect(s.components.find((c) => c.id === component.id)?.status).toBe("degraded_performance");
  });
});

describe("Sentry issue events that are not alerts", () => {
  const sentry = async (options?: Record<string, unknown>) => {
    const component = await createComponent(unique("sentry-issues"));
    const integ = await createIntegration("sentry", [component.id], options ? { options } : {});
    const send = (body: unknown) => post(`/hooks/sentry/${integ.key}`, body, { "Sentry-Hook-Resource": "issue" });
    return { component, integ, send };
  };

  it("a new issue (action created) opens nothing by default: logged as accepted with its event count 0", async () => {
    const { integ, send } = await sentry();
    const before = await publicState();
    const res = await send(seCreated);
    expect(res.status).toBe(200);
    expect(await publicState()).toEqual(before);
    expect((await rows("SELECT outcome, event_count FROM deliveries WHERE integration_id = ?1", integ.id))[0]).toMatchObject({
      outcome: "accepted",
      event_count: 0,
    });
  });

  it("with options.sentry_issue_events trigger, a new issue is an alert", async () => {
    const { component, send } = await sentry({ sentry_issue_events: "trigger" });
    expect((await send(seCreated)).status).toBe(202);
    expect((await summary()).components.find((c) => c.id === component.id)?.status).toBe("partial_outage");
  });

  it("the option is refused when it is no known value, naming it", async () => {
    const res = await admin("POST", "/integrations", { name: unique("s"), source: "sentry", options: { sentry_issue_events: "always" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/options\.sentry_issue_events/);
  });
});

describe("an integration that verifies signatures refuses unsigned deliveries on every endpoint that takes its key", () => {
  const alarm = { ...cwAlarm, Message: cwAlarm.Message };
  const forged = (key: string) => ({
    routing_key: key,
    event_action: "trigger",
    dedup_key: "forged",
    payload: { summary: "Everything is down", source: "forger", severity: "critical" },
  });

  async function expectNothingStored(integrationId: string, before: Awaited<ReturnType<typeof publicState>>) {
    expect(await publicState()).toEqual(before);
    const logged = await rows<{ outcome: string }>("SELECT outcome FROM deliveries WHERE integration_id = ?1", integrationId);
    expect(logged.every((d) => d.outcome === "unauthorized")).toBe(true);
    expect(await rows("SELECT id FROM alerts WHERE integration_id = ?1", integrationId)).toEqual([]);
  }

  it.each<[string, (key: string) => Promise<Response>]>([
    ["/v2/enqueue", (key) => post("/v2/enqueue", forged(key))],
    ["/v2/change/enqueue", (key) => post("/v2/change/enqueue", { routing_key: key, payload: { summary: "Deployed", source: "ci" } })],
    [
      "the PagerDuty v1 endpoint",
      (key) =>
        post("/generic/2010-04-15/create_event.json", { service_key: key, event_type: "trigger", incident_key: "forged", description: "Everything is down" }),
    ],
    ["/hooks/cloudwatch/<key> with an unsigned raw alarm", (key) => post(`/hooks/cloudwatch/${key}`, JSON.parse(alarm.Message))],
    ["/hooks/generic/<key>", (key) => post(`/hooks/generic/${key}`, { dedup_key: "forged", action: "trigger", severity: "critical", summary: "Down" })],
    [
      "/hooks/alertmanager with the key as bearer",
      (key) =>
        post(
          "/hooks/alertmanager",
          { alerts: [{ status: "firing", labels: { alertname: "Down", severity: "critical" }, fingerprint: "f" }] },
          { Authorization: `Bearer ${key}` },
        ),
    ],
  ])("an SNS-verified CloudWatch integration's key on %s: 401, nothing stored or published", async (_, send) => {
    const component = await createComponent(unique("sns-only"));
    const integ = await createIntegration("cloudwatch", [component.id]);
    const before = await publicState();
    const res = await send(integ.key);
    expect(res.status, await res.clone().text()).toBe(401);
    await expectNothingStored(integ.id, before);
  });

  it("with verify_signatures false (a relay), its key works on /v2/enqueue as any integration's does", async () => {
    const component = await createComponent(unique("sns-relay"));
    const integ = await createIntegration("cloudwatch", [component.id], { options: { verify_signatures: false } });
    expect((await post("/v2/enqueue", forged(integ.key))).status).toBe(202);
  });

  it.each<[string, string, (key: string) => Promise<Response>]>([
    ["sentry", "/v2/enqueue", (key) => post("/v2/enqueue", forged(key))],
    [
      "sentry",
      "the PagerDuty v1 endpoint",
      (key) => post("/generic/2010-04-15/create_event.json", { service_key: key, event_type: "trigger", incident_key: "forged", description: "Down" }),
    ],
    ["sentry", "/hooks/sentry/<key> unsigned", (key) => post(`/hooks/sentry/${key}`, seSampleAlert)],
    ["grafana", "/v2/enqueue", (key) => post("/v2/enqueue", forged(key))],
    ["grafana", "/hooks/grafana/<key> unsigned", (key) => post(`/hooks/grafana/${key}`, grafanaTest)],
  ])("a signed %s integration's key on %s: 401, nothing stored or published", async (source, _, send) => {
    const component = await createComponent(unique("hmac-only"));
    const integ = await createIntegration(source, [component.id], { signing_secret: SECRET });
    const before = await publicState();
    const res = await send(integ.key);
    expect(res.status, await res.clone().text()).toBe(401);
    await expectNothingStored(integ.id, before);
  });
});

describe("admin bodies are strict: an unknown or misplaced field is a 400 naming it", () => {
  it("PATCH an integration with timestamp_header at the top level: 400 naming it and where it goes; nothing changed", async () => {
    const integ = await createIntegration("grafana");
    const res = await admin("PATCH", `/integrations/${integ.id}`, { timestamp_header: "X-Grafana-Alerting-Timestamp" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; field: string };
    expect(body.field).toBe("timestamp_header");
    expect(body.error).toMatch(/`timestamp_header`.*inside `options`/);
    expect((await rows<{ options: string }>("SELECT options FROM integrations WHERE id = ?1", integ.id))[0]!.options).toBe("{}");
  });

  it("PUT /settings with what GET /settings answered (read-only fields included) still works", async () => {
    const settings = (await (await admin("GET", "/settings")).json()) as Record<string, unknown>;
    expect(settings).toHaveProperty("page_id");
    const res = await admin("PUT", "/settings", { ...settings, name: settings.name || "Status" });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it.each<[string, string, unknown, string]>([
    ["POST", "/components", { name: "x", colour: "red" }, "colour"],
    ["POST", "/integrations", { name: "x", source: "datadog", options: { signature_heder: "x" } }, "options.signature_heder"],
    ["POST", "/incidents", { name: "x", stauts: "investigating" }, "stauts"],
    [
      "PUT",
      "/settings",
      { name: "x", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null, header_links: [{ label: "a", url: "https://a.test", x: 1 }] },
      "header_links[0].x",
    ],
    ["POST", "/links", { integration_id: "aaaaaaaaaaaa", match: { monitor: "m", tags: "x" }, component_ids: ["aaaaaaaaaaaa"] }, "match.tags"],
    ["POST", "/subscribers", { email: "a@example.com", extra: true }, "extra"],
  ])("%s %s", async (method, path, body, field) => {
    const res = await admin(method, path, body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: string; field: string };
    expect(answer.field).toBe(field);
    expect(answer.error).toContain(`\`${field}\``);
  });
});

describe("the README's configurations work when pasted", () => {
  it("Checkly's native template (tags as {{TAGS}}, a comma list): the check fails, routed by its service tag", async () => {
    const component = await createComponent(unique("checkly-native"));
    const integ = await createIntegration("checkly");
    const body = JSON.stringify(checklyNative).replace("service:SLUG", `service:${component.slug}`);
    const res = await post(`/hooks/checkly/${integ.key}`, body);
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await summary()).components.find((c) => c.id === component.id)?.status).toBe("major_outage");
  });

  describe("UptimeRobot, in each of its modes", () => {
    const fields = (monitor: string, type: string) => ({
      monitorID: monitor,
      monitorURL: "https://shop.example.com",
      monitorFriendlyName: "Shop",
      alertType: type,
      alertTypeFriendlyName: type === "1" ? "Down" : "Up",
      alertDetails: "Connection Timeout",
      alertDateTime: String(Math.floor(Date.now() / 1000)),
    });
    const modes: Array<[string, (key: string, f: Record<string, string>) => Promise<Response>]> = [
      ["Send as JSON ticked", (key, f) => post(`/hooks/uptimerobot/${key}`, f)],
      [
        "Send as JSON not ticked (form-encoded)",
        (key, f) =>
          SELF.fetch(`${BASE}/hooks/uptimerobot/${key}`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(f).toString(),
          }),
      ],
      ["values in the query string", (key, f) => SELF.fetch(`${BASE}/hooks/uptimerobot/${key}?${new URLSearchParams(f)}`, { method: "POST" })],
    ];
    it.each(modes)("%s: down opens, up recovers", async (_, send) => {
      const component = await createComponent(unique("uptimerobot"));
      const integ = await createIntegration("uptimerobot", [component.id]);
      const monitor = unique("m");
      const down = await send(integ.key, fields(monitor, "1"));
      expect(down.status, await down.clone().text()).toBe(202);
      expect((await summary()).components.find((c) => c.id === component.id)?.status).toBe("major_outage");
      await new Promise((r) => setTimeout(r, 1100)); // alertDateTime is in seconds
      expect((await send(integ.key, fields(monitor, "2"))).status).toBe(202);
      expect((await summary()).components.find((c) => c.id === component.id)?.status).toBe("operational");
    });

    it("an empty form is a 400 naming the body", async () => {
      const integ = await createIntegration("uptimerobot");
      const res = await SELF.fetch(`${BASE}/hooks/uptimerobot/${integ.key}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "",
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { field: string }).field).toBe("body");
    });
  });

  it.each([
    ["actual", azureBudget],
    ["forecasted", azureBudgetForecast],
  ])("Azure: a budget alert (%s cost, monitorCondition null) is accepted as an info alert, nothing public changes", async (_, budget) => {
    const component = await createComponent(unique("azure-budget"));
    const integ = await createIntegration("azure-monitor", [component.id]);
    const before = await publicState();
    const res = await post(`/hooks/azure-monitor/${integ.key}`, budget);
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await publicState()).toEqual({
      ...before,
      tables: { ...before.tables, alerts: before.tables.alerts! + 1, alert_components: before.tables.alert_components! + 1 },
    });
    const [alert] = await rows<{ severity: string; summary: string }>("SELECT severity, summary FROM alerts WHERE integration_id = ?1", integ.id);
    expect(alert).toMatchObject({ severity: "info" });
    expect(alert!.summary).toMatch(/^Budget Test_/);
  });
});

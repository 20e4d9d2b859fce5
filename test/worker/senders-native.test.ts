// The clouds and the rest, through the real worker and D1: each sender's real payloads open an
// incident, a repeat attaches to it, the recovery brings the component back (incident monitoring),
// and what the sender sends that is not about the service is answered 200 and changes nothing.
import { describe, expect, it } from "vitest";
import azActivity from "../fixtures/azure-monitor/activity-log-administrative.json";
import azFired from "../fixtures/azure-monitor/metric-fired.json";
import azResolved from "../fixtures/azure-monitor/metric-resolved.json";
import bsAck from "../fixtures/betterstack/acknowledged.json";
import bsResolved from "../fixtures/betterstack/resolved.json";
import bsStarted from "../fixtures/betterstack/started.json";
import ckDegraded from "../fixtures/checkly/native-degraded.json";
import ckFailure from "../fixtures/checkly/native-failure.json";
import ckRecovery from "../fixtures/checkly/native-recovery.json";
import cwAlarm from "../fixtures/cloudwatch/alarm.json";
import cwInsufficient from "../fixtures/cloudwatch/insufficient-data.json";
import cwOk from "../fixtures/cloudwatch/ok.json";
import ogAck from "../fixtures/custom/opsgenie-acknowledge.json";
import ogNote from "../fixtures/custom/opsgenie-addnote.json";
import ogClose from "../fixtures/custom/opsgenie-close.json";
import ogCreate from "../fixtures/custom/opsgenie-create.json";
import { OPSGENIE_MAPPING } from "../fixtures/custom/opsgenie-mapping";
import gClosed from "../fixtures/google-cloud/closed-1.2.json";
import gOpen from "../fixtures/google-cloud/open-1.2.json";
import gTest from "../fixtures/google-cloud/test.json";
import nrAck from "../fixtures/newrelic/acknowledged.json";
import nrActivated from "../fixtures/newrelic/activated.json";
import nrClosed from "../fixtures/newrelic/closed.json";
import nrTest from "../fixtures/newrelic/legacy-test.json";
import pdDownUp from "../fixtures/pingdom/http-down-to-up.json";
import pdUpDown from "../fixtures/pingdom/http-up-to-down.json";
import seCritical from "../fixtures/sentry/metric-critical.json";
import seResolved from "../fixtures/sentry/metric-resolved.json";
import seWarning from "../fixtures/sentry/metric-warning.json";
import urDown from "../fixtures/uptimerobot/down.json";
import urUp from "../fixtures/uptimerobot/up.json";
import { admin, componentStatus, createComponent, incidentsOn, post, tableCounts, unique } from "./helpers";

interface Sender {
  source: string;
  options?: Record<string, unknown>;
  /** Content-Type the sender posts with. */
  type?: string;
  trigger: unknown;
  /** While firing, the component shows… */
  status: string;
  again: unknown;
  recover: unknown;
  ignored?: unknown;
}

const SENDERS: Sender[] = [
  {
    source: "cloudwatch",
    options: { verify_signatures: false },
    type: "text/plain; charset=UTF-8",
    trigger: cwAlarm,
    status: "partial_outage",
    again: cwAlarm,
    recover: cwOk,
    ignored: cwInsufficient,
  },
  { source: "azure-monitor", trigger: azFired, status: "partial_outage", again: azFired, recover: azResolved },
  { source: "google-cloud", trigger: gOpen, status: "major_outage", again: gOpen, recover: gClosed, ignored: gTest },
  { source: "sentry", trigger: seCritical, status: "major_outage", again: seWarning, recover: seResolved },
  { source: "uptimerobot", trigger: urDown, status: "major_outage", again: urDown, recover: urUp },
  { source: "newrelic", trigger: nrActivated, status: "major_outage", again: nrAck, recover: nrClosed, ignored: nrTest },
  { source: "betterstack", trigger: bsStarted, status: "major_outage", again: bsAck, recover: bsResolved },
  { source: "checkly", trigger: ckFailure, status: "major_outage", again: ckDegraded, recover: ckRecovery },
  { source: "pingdom", trigger: pdUpDown, status: "major_outage", again: pdUpDown, recover: pdDownUp },
  {
    source: "custom",
    options: { mapping: OPSGENIE_MAPPING },
    trigger: ogCreate,
    status: "major_outage",
    again: ogAck,
    recover: ogClose,
    ignored: ogNote,
  },
];

async function integrationFor(sender: Sender, componentId: string) {
  const res = await admin("POST", "/integrations", {
    name: unique(sender.source),
    source: sender.source,
    component_ids: [componentId],
    ...(sender.options ? { options: sender.options } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; key: string; webhook_url: string };
}

describe.each(SENDERS.map((s) => [s.source, s] as const))("POST /hooks/%s/:key", (source, sender) => {
  it("opens on the trigger, attaches the repeat, recovers on the recovery", async () => {
    const component = await createComponent(`${source} svc`);
    const integ = await integrationFor(sender, component.id);
    expect(integ.webhook_url).toBe(`https://status.test/hooks/${source}/${integ.key}`);
    const send = (body: unknown) => post(`/hooks/${source}/${integ.key}`, body, sender.type ? { "Content-Type": sender.type } : {});

    const opened = await send(sender.trigger);
    expect(opened.status, await opened.clone().text()).toBe(202);
    expect(await componentStatus(component.id)).toBe(sender.status);
    const [incident] = await incidentsOn(component.id);
    expect(incident).toMatchObject({ status: "investigating" });

    expect((await send(sender.again)).status).toBe(202);
    expect(await incidentsOn(component.id)).toMatchObject([{ id: incident!.id }]);

    expect((await send(sender.recover)).status).toBe(202);
    expect(await componentStatus(component.id)).toBe("operational");
    expect(await incidentsOn(component.id)).toMatchObject([{ id: incident!.id, status: "monitoring" }]);
  });

  it.runIf(sender.ignored !== undefined)("answers 200 to what is not about the service, changing nothing", async () => {
    const component = await createComponent(`${source} quiet`);
    const integ = await integrationFor(sender, component.id);
    const before = await tableCounts();
    const res = await post(`/hooks/${source}/${integ.key}`, sender.ignored, sender.type ? { "Content-Type": sender.type } : {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events: 0 });
    expect(await tableCounts()).toEqual(before);
  });
});

describe("what the senders' edges refuse", () => {
  it("CloudWatch: INSUFFICIENT_DATA after ALARM keeps the alarm firing", async () => {
    const component = await createComponent("cw flap");
    const integ = await integrationFor(SENDERS[0]!, component.id);
    await post(`/hooks/cloudwatch/${integ.key}`, cwAlarm, { "Content-Type": "text/plain" });
    expect((await post(`/hooks/cloudwatch/${integ.key}`, cwInsufficient, { "Content-Type": "text/plain" })).status).toBe(200);
    expect(await componentStatus(component.id)).toBe("partial_outage");
  });

  it("CloudWatch: with verification on (the default), an unsigned or badly signed message is a 401", async () => {
    const component = await createComponent("cw signed");
    const res = await admin("POST", "/integrations", { name: unique("cw"), source: "cloudwatch", component_ids: [component.id] });
    const integ = (await res.json()) as { key: string };
    // SigningCertURL not on an SNS host: refused before anything is fetched.
    const forged = { ...cwAlarm, SigningCertURL: "https://evil.example.com/cert.pem" };
    const refused = await post(`/hooks/cloudwatch/${integ.key}`, forged, { "Content-Type": "text/plain" });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toMatch(/SigningCertURL/);
    const raw = await post(`/hooks/cloudwatch/${integ.key}`, JSON.parse(cwAlarm.Message), { "Content-Type": "text/plain" });
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { error: string }).error).toMatch(/verify_signatures/);
    expect(await componentStatus(component.id)).toBe("operational");
  });

  it("Azure: an activity-log alert opens an incident that the page closes by expiry, not by a Resolved", async () => {
    const component = await createComponent("az activity");
    const integ = await integrationFor({ source: "azure-monitor" } as Sender, component.id);
    expect(
      (
        await post(`/hooks/azure-monitor/${integ.key}`, {
          ...azActivity,
          data: { ...azActivity.data, essentials: { ...azActivity.data.essentials, severity: "Sev1" } },
        })
      ).status,
    ).toBe(202);
    const [incident] = await incidentsOn(component.id);
    expect(incident).toMatchObject({ status: "investigating" });
    const { results } = await import("cloudflare:test").then(({ env }) =>
      env.DB.prepare("SELECT expires_at FROM alerts WHERE integration_id = ?1").bind(integ.id).all<{ expires_at: string | null }>(),
    );
    expect(results[0]!.expires_at).not.toBeNull();
  });

  it("Sentry: with a signing secret, the Sentry-Hook-Signature HMAC is required and checked", async () => {
    const component = await createComponent("sentry signed");
    const secret = "sentry-client-secret-0123456789";
    const res = await admin("POST", "/integrations", {
      name: unique("sentry"),
      source: "sentry",
      component_ids: [component.id],
      options: { signing_secret: secret },
    });
    expect(res.status).toBe(201);
    const integ = (await res.json()) as { id: string; key: string };
    const body = JSON.stringify(seCritical);
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const hex = [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const url = `/hooks/sentry/${integ.key}`;
    expect((await post(url, body, { "Sentry-Hook-Resource": "metric_alert" })).status).toBe(401);
    expect((await post(url, body, { "Sentry-Hook-Signature": "0".repeat(64) })).status).toBe(401);
    expect((await post(url, body, { "Sentry-Hook-Resource": "metric_alert", "Sentry-Hook-Signature": hex })).status).toBe(202);
    expect(await componentStatus(component.id)).toBe("major_outage");
    // Never shown back.
    const listed = await (await admin("GET", `/integrations/${integ.id}`)).text();
    expect(listed).not.toContain(secret);
  });

  it("custom: a bad mapping is refused when saved, naming the bad part; a custom integration without one refuses deliveries", async () => {
    const bad = await admin("POST", "/integrations", {
      name: unique("og"),
      source: "custom",
      options: { mapping: { ...OPSGENIE_MAPPING, severity: { ...OPSGENIE_MAPPING.severity, default: "sev9" } } },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "options.mapping.severity.default" });
    const top = await admin("POST", "/integrations", {
      name: unique("og"),
      source: "custom",
      mapping: { ...OPSGENIE_MAPPING, dedup_key: "" },
    });
    expect(top.status).toBe(400);
    expect(await top.json()).toMatchObject({ field: "options.mapping.dedup_key" });

    const component = await createComponent("og none");
    const none = await integrationFor({ source: "custom" } as Sender, component.id);
    const refused = await post(`/hooks/custom/${none.key}`, ogCreate);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ field: "mapping" });

    const patched = await admin("PATCH", `/integrations/${none.id}`, { options: { mapping: OPSGENIE_MAPPING } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ options: { mapping: { dedup_key: "alert.alertId" } } });
    expect((await post(`/hooks/custom/${none.key}`, ogCreate)).status).toBe(202);
    expect(await componentStatus(component.id)).toBe("major_outage");
  });

  it("custom: the mapping is previewed against the last delivery received, before it is saved", async () => {
    const component = await createComponent("og preview");
    const integ = await integrationFor({ source: "custom" } as Sender, component.id);
    const none = await admin("POST", `/integrations/${integ.id}/mapping/preview`, { mapping: OPSGENIE_MAPPING });
    expect(await none.json()).toMatchObject({ delivery: null, events: [] });
    // Refused (no mapping yet), but logged: that is what the preview reads.
    expect((await post(`/hooks/custom/${integ.key}`, ogCreate)).status).toBe(400);
    const res = await admin("POST", `/integrations/${integ.id}/mapping/preview`, { mapping: OPSGENIE_MAPPING });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      error: null,
      events: [{ dedupKey: "ec03dad6-62c8-4c94-b38b-d88f398e900f", action: "trigger", severity: "critical" }],
    });
    const wrong = await admin("POST", `/integrations/${integ.id}/mapping/preview`, {
      mapping: { ...OPSGENIE_MAPPING, dedup_key: "alert.nothing" },
    });
    expect(await wrong.json()).toMatchObject({ events: [], error: expect.stringContaining("alert.nothing") });
    const invalid = await admin("POST", `/integrations/${integ.id}/mapping/preview`, { mapping: { summary: "x" } });
    expect(invalid.status).toBe(400);
    expect(await componentStatus(component.id)).toBe("operational");
  });
});

// The publication policy of an integration, in workerd against the real D1, the real Ingestor,
// the real queue and the cron's real handler. Public surfaces (the Statuspage API, the page, history,
// permalinks, feeds, badges, uptime) and notifications (a webhook channel on the capture server) are
// checked for what a draft, a grace period, status_only and private integrations leave there.
import { createExecutionContext, createScheduledController, env, evictDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import type { Ingestor } from "../../worker/ingestor";
import { admin, BASE, createComponent, createIntegration, post, rows, summary, unique } from "./helpers";

vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

type Json = Record<string, any>;

async function json(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

const CAPTURE = env.NOTIFY_CAPTURE_URL;
const captured = async (prefix: string) => (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(prefix)}`)).json()) as Array<{ body: string }>;
async function arrived(prefix: string, n: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await captured(prefix);
    if (got.length >= n || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** A webhook channel hearing incidents and component changes of this component only. */
async function channelFor(componentId: string): Promise<string> {
  const path = `/ok/${unique("pub")}`;
  await json(
    await admin("POST", "/channels", {
      kind: "webhook",
      name: unique("pub"),
      url: `${CAPTURE}${path}`,
      component_ids: [componentId],
      events: ["incident", "component"],
    }),
    201,
  );
  return path;
}

async function cron(at: number) {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, createExecutionContext());
}

const alert = (key: string, dedupKey: string, action: "trigger" | "resolve", extra: Json = {}) =>
  post(`/hooks/generic/${key}`, { dedup_key: dedupKey, action, severity: "critical", summary: `${dedupKey} failing`, ...extra });

async function page(path: string): Promise<{ status: number; text: string }> {
  const res = await SELF.fetch(`${BASE}${path}`);
  return { status: res.status, text: await res.text() };
}

/** Everything a reader can fetch that could mention an incident or a component's status. */
async function publicSurfaces(componentId: string, slug: string) {
  const [s, incidents, unresolved, components, home, history, rss, atom, badge] = await Promise.all([
    summary(),
    json(await SELF.fetch(`${BASE}/api/v2/incidents.json`), 200),
    json(await SELF.fetch(`${BASE}/api/v2/incidents/unresolved.json`), 200),
    json(await SELF.fetch(`${BASE}/api/v2/components.json`), 200),
    page("/"),
    page("/history"),
    page("/history.rss"),
    page("/history.atom"),
    page(`/badge/${slug}.svg`),
  ]);
  return {
    status: s.components.find((c) => c.id === componentId)?.status,
    componentsJson: (components.components as Json[]).find((c) => c.id === componentId)?.status,
    indicator: s.status.indicator,
    incidentIds: [...s.incidents, ...incidents.incidents, ...unresolved.incidents].map((i: Json) => String(i.id)),
    text: [home.text, history.text, rss.text, atom.text, badge.text].join("\n"),
  };
}

const drafts = async () => (await json(await admin("GET", "/incidents?publication=drafts"), 200)) as unknown as Json[];

describe("review: a draft only operators see", () => {
  it("a trigger leaves the page, the API and the notifications unchanged; publishing (edited) shows it everywhere and notifies once", async () => {
    const comp = await createComponent("Payments");
    const path = await channelFor(comp.id);
    const integ = await createIntegration("generic", [comp.id], { publication: "review" });
    const before = await publicSurfaces(comp.id, comp.slug);
    const name = unique("Payments-card-declines");
    expect((await alert(integ.key, "pay-1", "trigger", { summary: name, details: "raw monitor text" })).status).toBe(202);

    // Public: nothing changed.
    const during = await publicSurfaces(comp.id, comp.slug);
    expect(during.status).toBe("operational");
    expect(during.componentsJson).toBe("operational");
    expect(during.indicator).toBe(before.indicator);
    expect(during.text).not.toContain(name);
    expect(await rows("SELECT * FROM component_status_changes WHERE component_id = ?1", comp.id)).toEqual([]);

    // Operators: the draft, its alert, and the status it would give.
    const [draft] = (await drafts()).filter((d) => d.name === name);
    expect(draft).toMatchObject({ publication: "draft", status: "investigating", impact: "critical" });
    expect(draft!.alerts).toHaveLength(1);
    expect(draft!.components.map((c: Json) => c.id)).toEqual([comp.id]);
    expect(during.incidentIds).not.toContain(draft!.id);
    expect((await page(`/incidents/${draft!.id}`)).status).toBe(404);
    // An update on a draft is refused: publish or discard it first.
    expect((await admin("POST", `/incidents/${draft!.id}/updates`, { status: "identified", body: "x" })).status).toBe(409);

    // Publish, with the public name and first update edited.
    const published = await json(
      await admin("POST", `/incidents/${draft!.id}/publish`, { name: "Card payments failing", body: "Some card payments are declined." }),
      200,
    );
    expect(published).toMatchObject({ publication: "published", name: "Card payments failing" });
    const after = await publicSurfaces(comp.id, comp.slug);
    expect(after.status).toBe("major_outage");
    expect(after.incidentIds).toContain(draft!.id);
    expect(after.text).toContain("Card payments failing");
    const [incident] = (await summary()).incidents.filter((i) => i.id === draft!.id);
    expect(incident!.incident_updates.map((u) => u.body)).toEqual(["Some card payments are declined."]);
    expect(incident!.incident_updates[0]!.affected_components).toEqual([
      { code: comp.id, name: comp.name, old_status: "operational", new_status: "major_outage" },
    ]);
    expect((await page(`/incidents/${draft!.id}`)).text).toContain("Card payments failing");

    // Notified once for the incident (and once for the component's change), never before.
    const got = await arrived(path, 2);
    await new Promise((r) => setTimeout(r, 1500));
    const all = await captured(path);
    expect(all).toHaveLength(2);
    const incidentMessages = all.filter((m) => m.body.includes('"incident"'));
    expect(incidentMessages).toHaveLength(1);
    expect(incidentMessages[0]!.body).toContain("Card payments failing");
    expect(got.map((m) => m.body).join()).not.toContain(name);

    const audit = await rows<Json>("SELECT actor, action, before, after FROM audit_log WHERE target_id = ?1 AND action = 'incident.publish'", draft!.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.before)).toMatchObject({ publication: "draft", name, body: `We are investigating issues with ${comp.name}.` });
    expect(JSON.parse(audit[0]!.after)).toMatchObject({ publication: "published", name: "Card payments failing" });

    // Published, it behaves as any incident: the recovery goes to monitoring in public.
    expect((await alert(integ.key, "pay-1", "resolve")).status).toBe(202);
    expect((await summary()).incidents.find((i) => i.id === draft!.id)?.status).toBe("monitoring");
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("operational");
  });

  it("discarding leaves no trace in public; reminders of its alert open no new draft, a new cycle does", async () => {
    const comp = await createComponent("Search");
    const path = await channelFor(comp.id);
    const integ = await createIntegration("generic", [comp.id], { publication: "review" });
    const name = unique("Search-slow");
    await alert(integ.key, "s-1", "trigger", { summary: name });
    const [draft] = (await drafts()).filter((d) => d.name === name);
    const discarded = await json(await admin("POST", `/incidents/${draft!.id}/discard`), 200);
    expect(discarded).toMatchObject({ publication: "discarded", status: "resolved" });
    // Discarded twice, or published after: refused.
    expect((await admin("POST", `/incidents/${draft!.id}/discard`)).status).toBe(409);
    expect((await admin("POST", `/incidents/${draft!.id}/publish`)).status).toBe(409);

    // The alert still fires: its reminder opens nothing.
    await alert(integ.key, "s-1", "trigger", { summary: name, occurred_at: new Date(Date.now() + 1000).toISOString() });
    expect((await drafts()).filter((d) => d.name === name)).toEqual([]);
    const surfaces = await publicSurfaces(comp.id, comp.slug);
    expect(surfaces.status).toBe("operational");
    expect(surfaces.incidentIds).not.toContain(draft!.id);
    expect(surfaces.text).not.toContain(name);
    expect((await page(`/incidents/${draft!.id}`)).status).toBe(404);
    const listed = (await json(await admin("GET", "/incidents?publication=discarded"), 200)) as unknown as Json[];
    expect(listed.map((i) => i.id)).toContain(draft!.id);
    expect((await rows<Json>("SELECT actor, action FROM audit_log WHERE target_id = ?1", draft!.id)).map((r) => r.action)).toEqual(["incident.discard"]);

    // Resolved, then firing again: a new cycle, a new draft.
    await alert(integ.key, "s-1", "resolve", { occurred_at: new Date(Date.now() + 2000).toISOString() });
    await alert(integ.key, "s-1", "trigger", { summary: name, occurred_at: new Date(Date.now() + 3000).toISOString() });
    expect((await drafts()).filter((d) => d.name === name)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await captured(path)).toEqual([]);
  });

  it("a draft whose alerts recover before review shows as recovered, and can still be published", async () => {
    const comp = await createComponent("Mail");
    const integ = await createIntegration("generic", [comp.id], { publication: "review" });
    const name = unique("Mail-delayed");
    await alert(integ.key, "m-1", "trigger", { summary: name });
    await alert(integ.key, "m-1", "resolve");
    const [draft] = (await drafts()).filter((d) => d.name === name);
    expect(draft).toMatchObject({ publication: "draft", status: "monitoring" });
    // A new alert on the same component joins the open draft.
    await alert(integ.key, "m-2", "trigger", { summary: "second" });
    const [joined] = (await drafts()).filter((d) => d.id === draft!.id);
    expect(joined).toMatchObject({ status: "investigating" });
    expect(joined!.alerts).toHaveLength(2);
    await alert(integ.key, "m-2", "resolve");
    await json(await admin("POST", `/incidents/${draft!.id}/publish`), 200);
    const [incident] = (await summary()).incidents.filter((i) => i.id === draft!.id);
    expect(incident).toMatchObject({ status: "monitoring", name });
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("operational");
  });

  it("a draft survives the Ingestor's restart", async () => {
    const comp = await createComponent("Restart");
    const integ = await createIntegration("generic", [comp.id], { publication: "review" });
    const name = unique("Restart-draft");
    await alert(integ.key, "r-1", "trigger", { summary: name });
    await evictDurableObject(env.INGESTOR.get(env.INGESTOR.idFromName("page")) as DurableObjectStub<Ingestor>);
    // The next trigger joins the same draft (read back from D1), and publishing it works.
    await alert(integ.key, "r-2", "trigger", { summary: "another" });
    const mine = (await drafts()).filter((d) => d.name === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.alerts).toHaveLength(2);
    await json(await admin("POST", `/incidents/${mine[0]!.id}/publish`), 200);
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("major_outage");
  });
});

describe("publish with a grace period", () => {
  it("a 20-second blip never appears in public; operators see it as suppressed", async () => {
    const comp = await createComponent("Blip");
    const path = await channelFor(comp.id);
    const integ = await createIntegration("generic", [comp.id], { publication: "publish", publish_after_seconds: 60 });
    const name = unique("Blip");
    const t0 = Date.now();
    await alert(integ.key, "b-1", "trigger", { summary: name, occurred_at: new Date(t0).toISOString() });
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("operational");
    const [pending] = (await drafts()).filter((d) => d.name === name);
    expect(pending).toMatchObject({ publication: "pending", publish_at: new Date(t0 + 60_000).toISOString() });
    await alert(integ.key, "b-1", "resolve", { occurred_at: new Date(t0 + 20_000).toISOString() });
    await cron(t0 + 120_000); // long after the grace period: nothing left to publish

    const surfaces = await publicSurfaces(comp.id, comp.slug);
    expect(surfaces.status).toBe("operational");
    expect(surfaces.incidentIds).not.toContain(pending!.id);
    expect(surfaces.text).not.toContain(name);
    const blips = (await json(await admin("GET", "/incidents?publication=suppressed"), 200)) as unknown as Json[];
    expect(blips.find((b) => b.id === pending!.id)).toMatchObject({ publication: "suppressed", resolved_at: new Date(t0 + 20_000).toISOString() });
    expect(await rows("SELECT * FROM component_status_changes WHERE component_id = ?1", comp.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await captured(path)).toEqual([]);
  });

  it("an alert still firing after 60 s appears by itself at the cron, with nothing else arriving, and is notified once", async () => {
    const comp = await createComponent("Slow");
    const path = await channelFor(comp.id);
    const integ = await createIntegration("generic", [comp.id], { publication: "publish", publish_after_seconds: 60 });
    const name = unique("Slow");
    const t0 = Date.now();
    await alert(integ.key, "f-1", "trigger", { summary: name, occurred_at: new Date(t0).toISOString() });
    const [pending] = (await drafts()).filter((d) => d.name === name);

    await cron(t0 + 30_000); // within the grace period
    expect((await publicSurfaces(comp.id, comp.slug)).incidentIds).not.toContain(pending!.id);

    await cron(t0 + 61_000);
    const surfaces = await publicSurfaces(comp.id, comp.slug);
    expect(surfaces.status).toBe("major_outage");
    expect(surfaces.incidentIds).toContain(pending!.id);
    expect(surfaces.text).toContain(name);
    const audit = await rows<Json>("SELECT actor, action FROM audit_log WHERE target_id = ?1", pending!.id);
    expect(audit).toEqual([{ actor: "cron", action: "incident.publish" }]);
    const got = await arrived(path, 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await captured(path)).toHaveLength(2); // the incident, the component's change
    expect(got.filter((m) => m.body.includes(name))).toHaveLength(1);
    // The cron again: nothing more.
    await cron(t0 + 121_000);
    expect((await summary()).incidents.filter((i) => i.id === pending!.id)).toHaveLength(1);
  });

  it("validates publish_after_seconds: an integer from 0 to 86400, only with publish", async () => {
    const bad = async (body: Json, message: string) => {
      const res = await admin("POST", "/integrations", { name: unique("g"), source: "generic", ...body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ field: "publish_after_seconds", error: expect.stringContaining(message) });
    };
    await bad({ publish_after_seconds: 86_401 }, "86400");
    await bad({ publish_after_seconds: 1.5 }, "whole number");
    await bad({ publish_after_seconds: -1 }, "");
    await bad({ publication: "review", publish_after_seconds: 60 }, "only meaningful with `publication` publish");
    const res = await admin("POST", "/integrations", { name: unique("g"), source: "generic", publication: "nonsense" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).field).toBe("publication");

    const integ = await createIntegration("generic", [], { publish_after_seconds: 60 });
    expect(await json(await admin("GET", `/integrations/${integ.id}`), 200)).toMatchObject({ publication: "publish", publish_after_seconds: 60 });
    // Another policy clears the grace period; one given with it is refused.
    expect((await admin("PATCH", `/integrations/${integ.id}`, { publication: "review", publish_after_seconds: 30 })).status).toBe(400);
    expect(await json(await admin("PATCH", `/integrations/${integ.id}`, { publication: "review" }), 200)).toMatchObject({
      publication: "review",
      publish_after_seconds: null,
    });
    expect((await admin("PATCH", `/integrations/${integ.id}`, { publish_after_seconds: 30 })).status).toBe(400);
    const audit = await rows<Json>("SELECT after FROM audit_log WHERE target_id = ?1 AND action = 'integration.update'", integ.id);
    expect(JSON.parse(audit.at(-1)!.after)).toEqual({ publication: "review", publish_after_seconds: null });
  });
});

describe("status_only and private", () => {
  it("status_only: the component changes in public, no incident is opened", async () => {
    const comp = await createComponent("Status only");
    const integ = await createIntegration("generic", [comp.id], { publication: "status_only" });
    const name = unique("Status-only");
    await alert(integ.key, "so-1", "trigger", { summary: name });
    const surfaces = await publicSurfaces(comp.id, comp.slug);
    expect(surfaces.status).toBe("major_outage");
    expect(surfaces.text).not.toContain(name);
    expect(await rows("SELECT i.id FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1", comp.id)).toEqual([]);
    await alert(integ.key, "so-1", "resolve");
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("operational");
  });

  it("private: recorded for operators only, nothing public, nothing notified", async () => {
    const comp = await createComponent("Private");
    const path = await channelFor(comp.id);
    const integ = await createIntegration("generic", [comp.id], { publication: "private" });
    const name = unique("Private");
    expect((await alert(integ.key, "p-1", "trigger", { summary: name })).status).toBe(202);
    const surfaces = await publicSurfaces(comp.id, comp.slug);
    expect(surfaces.status).toBe("operational");
    expect(surfaces.text).not.toContain(name);
    expect(await rows("SELECT i.id FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1", comp.id)).toEqual([]);
    // Operators see the alert and the delivery.
    const firing = (await json(await admin("GET", "/alerts?firing=1&limit=500"), 200)) as unknown as Json[];
    expect(firing.find((a) => a.summary === name)).toMatchObject({ integration_id: integ.id, component_ids: [comp.id], visibility: "private" });
    const deliveries = (await json(await admin("GET", `/deliveries?integration_id=${integ.id}`), 200)) as unknown as Json[];
    expect(deliveries).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await captured(path)).toEqual([]);
  });
});

describe("several integrations on one component", () => {
  it("the public status reflects only public causes; a publish alert opens its own public incident beside a draft", async () => {
    const comp = await createComponent("Shared");
    const review = await createIntegration("generic", [comp.id], { publication: "review" });
    const publish = await createIntegration("generic", [comp.id]);
    const draftName = unique("Shared-draft");
    await alert(review.key, "x-1", "trigger", { summary: draftName, severity: "critical" });
    await alert(publish.key, "y-1", "trigger", { summary: unique("Shared-public"), severity: "warning" });
    const surfaces = await publicSurfaces(comp.id, comp.slug);
    // The warning is public; the draft's critical is not.
    expect(surfaces.status).toBe("degraded_performance");
    expect(surfaces.text).not.toContain(draftName);
    const onComponent = (await summary()).incidents.filter((i) => i.components.some((c) => c.id === comp.id));
    expect(onComponent).toHaveLength(1);
    expect(onComponent[0]!.name).not.toBe(draftName);
    // An operator override is public whatever the draft.
    await json(await admin("PUT", `/components/${comp.id}/status`, { status: "partial_outage" }), 200);
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("partial_outage");
    await json(await admin("DELETE", `/components/${comp.id}/status`), 200);
    // The public alert recovers: the draft alone leaves the component operational.
    await alert(publish.key, "y-1", "resolve");
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("operational");
    // Published, the draft's alert counts.
    const [draft] = (await drafts()).filter((d) => d.name === draftName);
    await json(await admin("POST", `/incidents/${draft!.id}/publish`), 200);
    expect((await publicSurfaces(comp.id, comp.slug)).status).toBe("major_outage");
  });
});

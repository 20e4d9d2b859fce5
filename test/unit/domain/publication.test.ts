// The publication policies in the pure state machine: what a review, grace-period,
// status_only or private integration's alerts do to incidents and to the components' public status.
import { describe, expect, it } from "vitest";
import { discardIncident, type Publication, publishDueIncidents, publishIncident, type Routing } from "../../../domain/incidents";
import { API, INTEGRATION, iso, NOW, resolve, routing, scenario, T, trigger } from "./helpers";

const policy = (p: Publication["policy"], publishAfterSeconds: number | null = null): Partial<Routing> => ({
  componentIds: ["api"],
  publication: { policy: p, publishAfterSeconds },
});
/** Processing time `s` seconds after minute 0 of the events' clock. */
const at = (s: number) => new Date(T(0).getTime() + s * 1000).toISOString();

describe("review: drafts", () => {
  it("a trigger opens a draft: the alert is held, no public status changes, the update is the draft's", () => {
    const s = scenario([API], policy("review"));
    const d = s.apply([trigger("a", 0, { summary: "API down" })]);
    const incident = s.incident("id2");
    expect(incident).toMatchObject({ publication: "draft", publishAt: null, status: "investigating", componentIds: ["api"] });
    expect(s.alertByKey("a").visibility).toBe("held");
    expect(s.status("api")).toBe("operational");
    expect(d.statusChanges).toEqual([]);
    expect(d.updates.map((u) => [u.incidentId, u.status, u.affectedComponents])).toEqual([["id2", "investigating", null]]);
    expect(d.published).toBeUndefined();
  });

  it("publishing counts its held alerts from now on, and records the first update to write again", () => {
    const s = scenario([API], policy("review"));
    s.apply([trigger("a", 0)]);
    const d = publishIncident(s.ws, "id2", { now: NOW, newId: s.newId }, { name: "Checkout failing", body: "We are on it." })!;
    expect(s.incident("id2")).toMatchObject({ publication: "published", name: "Checkout failing" });
    expect(s.alertByKey("a").visibility).toBe("public");
    expect(s.status("api")).toBe("major_outage");
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "operational", to: "major_outage", at: NOW }]);
    expect(d.published).toEqual([
      {
        incidentId: "id2",
        updateId: "id4",
        name: "Checkout failing",
        body: "We are on it.",
        affectedComponents: [{ code: "api", name: "API", old_status: "operational", new_status: "major_outage" }],
      },
    ]);
    expect([...d.alerts]).toEqual(["id1"]);
    // Published, it is an incident like any: a second publish is refused, and the recovery goes public.
    expect(publishIncident(s.ws, "id2", { now: NOW, newId: s.newId })).toBeNull();
    const r = s.apply([resolve("a", 5)]);
    expect(s.incident("id2").status).toBe("monitoring");
    expect(r.statusChanges).toEqual([{ componentId: "api", from: "major_outage", to: "operational", at: NOW }]);
  });

  it("a new alert joins the open draft; a draft whose alerts recovered goes to monitoring and reopens", () => {
    const s = scenario([API], policy("review"));
    s.apply([trigger("a", 0)]);
    s.apply([trigger("b", 1, { severity: "warning" })]);
    expect(s.incident("id2").publication).toBe("draft");
    expect(s.alertByKey("b").incidentId).toBe("id2");
    s.apply([resolve("a", 2), resolve("b", 2)]);
    expect(s.incident("id2").status).toBe("monitoring");
    s.apply([trigger("a", 3)]);
    expect(s.incident("id2")).toMatchObject({ status: "investigating", publication: "draft" });
    expect(s.status("api")).toBe("operational");
  });

  it("discarding closes the draft; its firing alert turns private until it resolves, then a new cycle opens a new draft", () => {
    const s = scenario([API], policy("review"));
    s.apply([trigger("a", 0)]);
    const d = discardIncident(s.ws, "id2", { now: NOW, newId: s.newId })!;
    expect(s.incident("id2")).toMatchObject({ publication: "discarded", status: "resolved", resolvedAt: NOW });
    expect(s.alertByKey("a").visibility).toBe("private");
    expect(d.statusChanges).toEqual([]);
    expect(d.updates).toEqual([]);
    // Reminders of the still-firing alert open nothing.
    const reminder = s.apply([trigger("a", 1)]);
    expect(reminder.newIncidents.size).toBe(0);
    expect(s.status("api")).toBe("operational");
    // A new cycle follows the policy again.
    s.apply([resolve("a", 2)]);
    const next = s.apply([trigger("a", 3)]);
    expect([...next.newIncidents]).toHaveLength(1);
    expect(s.incident([...next.newIncidents][0]!).publication).toBe("draft");
    expect(s.alertByKey("a").visibility).toBe("held");
  });

  it("publish and discard refuse what is not a draft", () => {
    const s = scenario([API], policy("publish"));
    s.apply([trigger("a", 0)]);
    expect(publishIncident(s.ws, "id2", { now: NOW, newId: s.newId })).toBeNull();
    expect(discardIncident(s.ws, "id2", { now: NOW, newId: s.newId })).toBeNull();
    expect(publishIncident(s.ws, "nope", { now: NOW, newId: s.newId })).toBeNull();
  });
});

describe("publish with a grace period", () => {
  it("opens a pending incident due at its start plus the grace period; a blip within it is suppressed", () => {
    const s = scenario([API], policy("publish", 60));
    s.apply([trigger("a", 0)], at(1));
    expect(s.incident("id2")).toMatchObject({ publication: "pending", publishAt: at(60), startedAt: iso(0) });
    const d = s.apply([resolve("a", 0, { occurredAt: new Date(at(20)) })], at(21));
    expect(s.incident("id2")).toMatchObject({ publication: "suppressed", status: "resolved", resolvedAt: at(20) });
    expect(d.updates).toEqual([]);
    expect(d.statusChanges).toEqual([]);
    expect(d.published).toBeUndefined();
    // Nothing left for the cron.
    expect(publishDueIncidents(s.ws, { now: at(120), newId: s.newId }).published).toBeUndefined();
  });

  it("still firing when due: published by the cron, the status change recorded then", () => {
    const s = scenario([API], policy("publish", 60));
    s.apply([trigger("a", 0)], at(1));
    expect(publishDueIncidents(s.ws, { now: at(59), newId: s.newId }).published).toBeUndefined();
    const d = publishDueIncidents(s.ws, { now: at(60), newId: s.newId });
    expect(d.published?.map((p) => p.incidentId)).toEqual(["id2"]);
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "operational", to: "major_outage", at: at(60) }]);
    expect(s.incident("id2").publication).toBe("published");
  });

  it("a delivery decided after the grace period publishes it too, even without the cron", () => {
    const s = scenario([API], policy("publish", 60));
    s.apply([trigger("a", 0)], at(1));
    const d = s.apply([trigger("b", 1)], at(90));
    expect(d.published?.map((p) => p.incidentId)).toEqual(["id2"]);
    expect(s.status("api")).toBe("major_outage");
  });

  it("a recovery that came after the grace period ended publishes it, then it is monitoring", () => {
    const s = scenario([API], policy("publish", 60));
    s.apply([trigger("a", 0)], at(1));
    const d = s.apply([resolve("a", 0, { occurredAt: new Date(at(75)) })], at(80));
    expect(d.published?.map((p) => p.incidentId)).toEqual(["id2"]);
    expect(s.incident("id2")).toMatchObject({ publication: "published", status: "monitoring" });
    expect(d.updates.map((u) => u.status)).toEqual(["monitoring"]);
  });

  it("a trigger already older than the grace period is published at once", () => {
    const s = scenario([API], policy("publish", 60));
    const d = s.apply([trigger("a", 0)], at(300));
    expect(d.published?.map((p) => p.incidentId)).toEqual(["id2"]);
    expect(s.status("api")).toBe("major_outage");
  });

  it("0 seconds is no grace period", () => {
    const s = scenario([API], policy("publish", 0));
    s.apply([trigger("a", 0)]);
    expect(s.incident("id2").publication).toBeUndefined();
    expect(s.status("api")).toBe("major_outage");
  });
});

describe("status_only and private", () => {
  it("status_only: the component changes, no incident opens", () => {
    const s = scenario([API], policy("status_only"));
    const d = s.apply([trigger("a", 0)]);
    expect(s.status("api")).toBe("major_outage");
    expect(d.newIncidents.size).toBe(0);
    expect(d.updates).toEqual([]);
    expect(s.alertByKey("a").incidentId).toBeNull();
  });

  it("private: recorded, nothing public, no incident", () => {
    const s = scenario([API], policy("private"));
    const d = s.apply([trigger("a", 0)]);
    expect(s.status("api")).toBe("operational");
    expect(d.newIncidents.size).toBe(0);
    expect(d.statusChanges).toEqual([]);
    expect([...d.alerts]).toEqual(["id1"]);
    expect(s.alertByKey("a").visibility).toBe("private");
  });
});

describe("several integrations on one component", () => {
  const review = routing({ integrationId: "review", componentIds: ["api"], publication: { policy: "review", publishAfterSeconds: null } });

  it("a publishing alert opens its own public incident beside the draft; the public status counts only it", () => {
    const s = scenario([API]);
    s.apply([trigger("x", 0)], NOW, review);
    const d = s.apply([trigger("y", 1, { severity: "warning" })]);
    expect([...d.newIncidents]).toHaveLength(1);
    const publicIncident = s.incident([...d.newIncidents][0]!);
    expect(publicIncident.publication).toBeUndefined();
    expect(s.status("api")).toBe("degraded_performance");
    // The public one recovers: the draft alone leaves the component operational.
    s.apply([resolve("y", 2)]);
    expect(s.status("api")).toBe("operational");
  });

  it("a held alert returning to its open published incident (flapping) is public with it", () => {
    const s = scenario([API], policy("review"));
    s.apply([trigger("a", 0)]);
    publishIncident(s.ws, "id2", { now: NOW, newId: s.newId });
    s.apply([resolve("a", 1)]);
    expect(s.incident("id2").status).toBe("monitoring");
    s.apply([trigger("a", 2)]);
    expect(s.incident("id2")).toMatchObject({ status: "investigating", publication: "published" });
    expect(s.alertByKey("a").visibility).toBe("public");
    expect(s.status("api")).toBe("major_outage");
  });

  it("publish integrations decide exactly as before (no publication field anywhere)", () => {
    const s = scenario([API], { componentIds: ["api"], publication: { policy: "publish", publishAfterSeconds: null } });
    s.apply([trigger("a", 0)]);
    expect(s.incident("id2").publication).toBeUndefined();
    expect("visibility" in s.alertByKey("a")).toBe(false);
    expect(s.alertByKey("a").integrationId).toBe(INTEGRATION);
  });
});

describe("a policy changed while alerts are held", () => {
  it("an alert of a draft whose integration now publishes leaves the draft on its next cycle for a published incident", () => {
    const s = scenario([API], policy("review"));
    s.apply([trigger("a", 0)]);
    s.apply([resolve("a", 1)]);
    expect(s.incident("id2")).toMatchObject({ publication: "draft", status: "monitoring" });
    const now = routing({ componentIds: ["api"], publication: { policy: "publish", publishAfterSeconds: null } });
    const d = s.apply([trigger("a", 2)], NOW, now);
    const opened = [...d.newIncidents][0]!;
    expect(s.incident(opened).publication).toBeUndefined();
    expect(s.alertByKey("a").incidentId).toBe(opened);
    expect(s.incident("id2")).toMatchObject({ publication: "draft", status: "monitoring" });
    expect(s.status("api")).toBe("major_outage");
  });
});

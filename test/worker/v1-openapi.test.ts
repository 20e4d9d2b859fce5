// The management API against Atlassian's own description of it (docs/statuspage/openapi.json, from the
// public repository bsneade/statuspageio-python, which generated its client from it): every answer of
// every implemented operation validates against the document's schemas (corrected where Statuspage's
// real answers differ, test/worker/v1-helpers.ts), and a client sending only the document's request
// shapes runs an incident from start to end, seen on the page, the v2 API and a subscriber's webhook.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, drained, unique } from "./helpers";
import { type Answer, apiKey, checkAnswer, checkRequest, firstPageId, v1 } from "./v1-helpers";

const CAPTURE = env.NOTIFY_CAPTURE_URL;

/** Every operation /v1 implements: each must be called, and each answer checked, below. */
const IMPLEMENTED = [
  "GET /pages",
  "GET /pages/{page_id}",
  "PATCH /pages/{page_id}",
  "PUT /pages/{page_id}",
  "GET /pages/{page_id}/components",
  "POST /pages/{page_id}/components",
  "GET /pages/{page_id}/components/{component_id}",
  "PATCH /pages/{page_id}/components/{component_id}",
  "PUT /pages/{page_id}/components/{component_id}",
  "DELETE /pages/{page_id}/components/{component_id}",
  "GET /pages/{page_id}/component-groups",
  "POST /pages/{page_id}/component-groups",
  "GET /pages/{page_id}/component-groups/{id}",
  "PATCH /pages/{page_id}/component-groups/{id}",
  "PUT /pages/{page_id}/component-groups/{id}",
  "DELETE /pages/{page_id}/component-groups/{id}",
  "GET /pages/{page_id}/incidents",
  "POST /pages/{page_id}/incidents",
  "GET /pages/{page_id}/incidents/unresolved",
  "GET /pages/{page_id}/incidents/scheduled",
  "GET /pages/{page_id}/incidents/upcoming",
  "GET /pages/{page_id}/incidents/active_maintenance",
  "GET /pages/{page_id}/incidents/{incident_id}",
  "PATCH /pages/{page_id}/incidents/{incident_id}",
  "PUT /pages/{page_id}/incidents/{incident_id}",
  "DELETE /pages/{page_id}/incidents/{incident_id}",
  "PATCH /pages/{page_id}/incidents/{incident_id}/incident_updates/{incident_update_id}",
  "PUT /pages/{page_id}/incidents/{incident_id}/incident_updates/{incident_update_id}",
  "GET /pages/{page_id}/incidents/{incident_id}/postmortem",
  "PUT /pages/{page_id}/incidents/{incident_id}/postmortem",
  "PUT /pages/{page_id}/incidents/{incident_id}/postmortem/publish",
  "PUT /pages/{page_id}/incidents/{incident_id}/postmortem/revert",
  "DELETE /pages/{page_id}/incidents/{incident_id}/postmortem",
  "GET /pages/{page_id}/subscribers",
  "POST /pages/{page_id}/subscribers",
  "GET /pages/{page_id}/subscribers/{subscriber_id}",
  "DELETE /pages/{page_id}/subscribers/{subscriber_id}",
  "POST /pages/{page_id}/subscribers/{subscriber_id}/resend_confirmation",
  "POST /pages/{page_id}/subscribers/resend_confirmation",
];

let key: string;
let pageId: string;
const covered = new Set<string>();

/** A call whose answer is checked against the document (and whose body, when it has one, is the document's request shape). */
async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  if (body !== undefined) checkRequest(method, path, body);
  const answer = await v1(key, method, path, body);
  covered.add(checkAnswer(method, path, answer));
  return answer;
}

type Obj = Record<string, unknown> & { id: string };

beforeAll(async () => {
  pageId = await firstPageId();
  key = await apiKey(null);
});

describe("every /v1 answer validates against Atlassian's published schemas", () => {
  it("pages", async () => {
    const list = await call("GET", "/pages");
    expect(list.status).toBe(200);
    expect((list.body as Obj[]).map((p) => p.id)).toContain(pageId);
    expect((await call("GET", `/pages/${pageId}`)).status).toBe(200);
    expect((await call("GET", `/pages/${pageId}.json`)).status).toBe(200);
    const patched = await call("PATCH", `/pages/${pageId}`, { page: { name: "Example Status" } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((patched.body as Obj).name).toBe("Example Status");
    expect((await call("PUT", `/pages/${pageId}`, { page: { time_zone: "Etc/UTC" } })).status).toBe(200);
  });

  it("components and component groups", async () => {
    const made = await call("POST", `/pages/${pageId}/components`, { component: { name: unique("API"), description: "The public API" } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = (made.body as Obj).id;
    expect((await call("GET", `/pages/${pageId}/components`)).status).toBe(200);
    expect((await call("GET", `/pages/${pageId}/components/${id}`)).status).toBe(200);
    const degraded = await call("PATCH", `/pages/${pageId}/components/${id}`, { component: { status: "degraded_performance" } });
    expect((degraded.body as Obj).status).toBe("degraded_performance");
    const back = await call("PUT", `/pages/${pageId}/components/${id}`, { component: { status: "operational", description: "API" } });
    expect(back.body).toMatchObject({ status: "operational", description: "API" });

    const group = await call("POST", `/pages/${pageId}/component-groups`, { component_group: { name: unique("Core"), components: [id] } });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const gid = (group.body as Obj).id;
    expect((group.body as Obj).components).toEqual([id]);
    expect((await call("GET", `/pages/${pageId}/component-groups`)).status).toBe(200);
    expect((await call("GET", `/pages/${pageId}/component-groups/${gid}`)).status).toBe(200);
    expect((await call("PATCH", `/pages/${pageId}/component-groups/${gid}`, { component_group: { name: "Core services", components: [id] } })).status).toBe(
      200,
    );
    const emptied = await call("PUT", `/pages/${pageId}/component-groups/${gid}`, { component_group: { name: "Core services", components: [] } });
    expect((emptied.body as Obj).components).toEqual([]);
    expect((await call("DELETE", `/pages/${pageId}/component-groups/${gid}`)).status).toBe(200);
    expect((await call("DELETE", `/pages/${pageId}/components/${id}`)).status).toBe(204);
    expect((await call("GET", `/pages/${pageId}/components/${id}`)).status).toBe(404);
  });

  it("incidents, maintenances and incident updates", async () => {
    const comp = (await call("POST", `/pages/${pageId}/components`, { component: { name: unique("Web") } })).body as Obj;
    const opened = await call("POST", `/pages/${pageId}/incidents`, {
      incident: { name: "Slow pages", status: "investigating", body: "We are looking into it.", components: { [comp.id]: "partial_outage" } },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const incident = opened.body as Obj & { incident_updates: Obj[] };
    expect((await call("GET", `/pages/${pageId}/incidents?q=Slow&limit=5&page=1`)).status).toBe(200);
    expect((await call("GET", `/pages/${pageId}/incidents/unresolved`)).status).toBe(200);
    expect((await call("GET", `/pages/${pageId}/incidents/${incident.id}`)).status).toBe(200);
    const update = incident.incident_updates[0]!;
    const edited = await call("PATCH", `/pages/${pageId}/incidents/${incident.id}/incident_updates/${update.id}`, {
      incident_update: { body: "We are looking into slow pages." },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((edited.body as Obj).body).toBe("We are looking into slow pages.");
    expect(
      (await call("PUT", `/pages/${pageId}/incidents/${incident.id}/incident_updates/${update.id}`, { incident_update: { body: "Looking into it." } })).status,
    ).toBe(200);
    expect((await call("PATCH", `/pages/${pageId}/incidents/${incident.id}`, { incident: { status: "identified", body: "Found it." } })).status).toBe(200);
    const resolved = await call("PUT", `/pages/${pageId}/incidents/${incident.id}`, {
      incident: { status: "resolved", body: "Fixed.", components: { [comp.id]: "operational" } },
    });
    expect(resolved.body).toMatchObject({ status: "resolved" });

    // Its postmortem: a draft, published (on the v2 API), not revertible here, then deleted. A fresh key: a fresh burst.
    key = await apiKey(null);
    const postmortem = `/pages/${pageId}/incidents/${incident.id}/postmortem`;
    expect((await call("GET", postmortem)).status).toBe(404);
    const draft = await call("PUT", postmortem, { postmortem: { body_draft: "## What happened\n\nA slow query." } });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body).toMatchObject({ body_draft: "## What happened\n\nA slow query." });
    expect(draft.body).not.toHaveProperty("published_at");
    expect((await call("GET", postmortem)).status).toBe(200);
    const published = await call("PUT", `${postmortem}/publish`, { postmortem: { notify_subscribers: false } });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ body: "## What happened\n\nA slow query.", published_at: expect.any(String), notify_subscribers: false });
    const v2 = (await (await SELF.fetch(`${BASE}/api/v2/incidents.json`)).json()) as { incidents: Array<{ id: string; postmortem_body: string | null }> };
    expect(v2.incidents.find((i) => i.id === incident.id)?.postmortem_body).toBe("## What happened\n\nA slow query.");
    expect((await call("GET", `/pages/${pageId}/incidents/${incident.id}`)).body).toMatchObject({ postmortem_body: "## What happened\n\nA slow query." });
    const revert = await call("PUT", `${postmortem}/revert`);
    expect(revert.status).toBe(400);
    expect((await call("PUT", `${postmortem}/publish`, { postmortem: { notify_twitter: true } })).status).toBe(400);
    expect((await call("DELETE", postmortem)).status).toBe(204);
    expect((await call("GET", postmortem)).status).toBe(404);
    expect((await call("DELETE", `/pages/${pageId}/incidents/${incident.id}`)).status).toBe(200);
    expect((await call("GET", `/pages/${pageId}/incidents/${incident.id}`)).status).toBe(404);

    const start = new Date(Date.now() + 24 * 3600_000).toISOString();
    const end = new Date(Date.now() + 26 * 3600_000).toISOString();
    const scheduled = await call("POST", `/pages/${pageId}/incidents`, {
      incident: { name: "Database upgrade", status: "scheduled", scheduled_for: start, scheduled_until: end, component_ids: [comp.id], body: "Upgrading." },
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    expect(scheduled.body).toMatchObject({ status: "scheduled", scheduled_auto_in_progress: true });
    for (const list of ["scheduled", "upcoming", "active_maintenance"]) expect((await call("GET", `/pages/${pageId}/incidents/${list}`)).status).toBe(200);
    expect(((await call("GET", `/pages/${pageId}/incidents/upcoming`)).body as Obj[]).map((m) => m.id)).toContain((scheduled.body as Obj).id);
  });

  it("subscribers", async () => {
    const email = `${unique("reader")}@example.com`;
    const made = await call("POST", `/pages/${pageId}/subscribers`, { subscriber: { email } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const sub = made.body as Obj;
    expect(sub).toMatchObject({ mode: "email", email, skip_confirmation_notification: false });
    expect((await call("GET", `/pages/${pageId}/subscribers?state=unconfirmed`)).body).toContainEqual(expect.objectContaining({ id: sub.id }));
    expect((await call("GET", `/pages/${pageId}/subscribers/${sub.id}`)).status).toBe(200);
    expect((await call("POST", `/pages/${pageId}/subscribers/${sub.id}/resend_confirmation`)).status).toBe(201);
    expect((await call("POST", `/pages/${pageId}/subscribers/resend_confirmation`, { subscribers: sub.id })).status).toBe(201);
    expect((await call("DELETE", `/pages/${pageId}/subscribers/${sub.id}`)).status).toBe(200);
    expect((await call("GET", `/pages/${pageId}/subscribers/${sub.id}`)).status).toBe(404);
  });

  it("errors are in the document's error shape", async () => {
    const bad = await call("POST", `/pages/${pageId}/components`, { component: { name: "" } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: expect.stringContaining("component.name"), message: expect.stringContaining("component.name") });
  });

  it("covers every implemented operation", () => {
    expect([...IMPLEMENTED].filter((op) => !covered.has(op))).toEqual([]);
  });
});

describe("a client generated from Atlassian's document, only its host changed", () => {
  // A key of its own: the one above has spent much of its burst (60 requests, then 1 a second).
  beforeAll(async () => {
    key = await apiKey(null);
  });

  it("creates components, opens an incident, posts updates, resolves it and adds a subscriber; the page, the v2 API and the webhook show each step", {
    timeout: 40_000,
  }, async () => {
    const api = (await call("POST", `/pages/${pageId}/components`, { component: { name: unique("Checkout API"), status: "operational" } })).body as Obj;
    const web = (await call("POST", `/pages/${pageId}/components`, { component: { name: unique("Checkout web") } })).body as Obj;
    const hook = `/ok/${unique("v1-sub")}`;
    const sub = await call("POST", `/pages/${pageId}/subscribers`, {
      subscriber: { email: `${unique("ops")}@example.com`, endpoint: `${CAPTURE}${hook}`, skip_confirmation_notification: true, component_ids: [api.id] },
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    expect(sub.body).toMatchObject({ mode: "webhook", skip_confirmation_notification: true });

    const opened = await call("POST", `/pages/${pageId}/incidents`, {
      incident: {
        name: "Checkout errors",
        status: "investigating",
        body: "Some payments fail.",
        components: { [api.id]: "major_outage" },
        component_ids: [api.id, web.id],
        deliver_notifications: true,
      },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const incident = opened.body as Obj;
    await drained();

    let summary = (await (await SELF.fetch(`${BASE}/api/v2/summary.json`)).json()) as { components: Obj[]; incidents: Obj[] };
    expect(summary.components.find((c) => c.id === api.id)?.status).toBe("major_outage");
    expect(summary.incidents.map((i) => i.id)).toContain(incident.id);
    const html = await (await SELF.fetch(`${BASE}/incidents/${incident.id}`)).text();
    expect(html).toContain("Checkout errors");
    expect(html).toContain("Some payments fail.");

    expect((await call("PATCH", `/pages/${pageId}/incidents/${incident.id}`, { incident: { status: "monitoring", body: "A fix is out." } })).status).toBe(200);
    const resolved = await call("PATCH", `/pages/${pageId}/incidents/${incident.id}`, {
      incident: { status: "resolved", body: "Payments work again.", components: { [api.id]: "operational" } },
    });
    expect(resolved.body).toMatchObject({ status: "resolved" });
    await drained();

    summary = (await (await SELF.fetch(`${BASE}/api/v2/summary.json`)).json()) as { components: Obj[]; incidents: Obj[] };
    expect(summary.components.find((c) => c.id === api.id)?.status).toBe("operational");
    expect(summary.incidents.map((i) => i.id)).not.toContain(incident.id);
    const all = (await (await SELF.fetch(`${BASE}/api/v2/incidents.json`)).json()) as { incidents: Array<Obj & { incident_updates: Obj[] }> };
    const seen = all.incidents.find((i) => i.id === incident.id)!;
    expect(seen.incident_updates.map((u) => u.status)).toEqual(["resolved", "monitoring", "investigating"]);

    // The subscriber's webhook heard each step (opened, updated, resolved), in Statuspage's subscriber-webhook shape.
    const deadline = Date.now() + 20_000;
    let bodies: Array<{ incident?: { id: string; incident_updates: Array<{ status: string }> } }> = [];
    while (Date.now() < deadline) {
      const got = (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(hook)}`)).json()) as Array<{ body: string }>;
      bodies = got.map((r) => JSON.parse(r.body)).filter((b) => b.incident?.id === incident.id);
      if (bodies.length >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = await env.DB.prepare(
      "SELECT event_type, status, last_error FROM notifications WHERE recipient_id = ?1 AND incident_id = ?2 ORDER BY created_at",
    )
      .bind((sub.body as Obj).id, incident.id)
      .all<{ event_type: string }>();
    expect(bodies, JSON.stringify(log.results)).toHaveLength(3);
    expect(bodies.at(-1)!.incident!.incident_updates.map((u) => u.status)).toEqual(["resolved", "monitoring", "investigating"]);
    expect(log.results.map((r) => r.event_type)).toEqual(["incident.created", "incident.updated", "incident.resolved"]);

    // The audit log names the key, as it names an operator.
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_log WHERE target_id = ?1 ORDER BY id")
      .bind(incident.id)
      .all<{ actor: string; action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["incident.create", "incident.update", "incident.resolve"]);
    expect(audit.results[0]!.actor).toMatch(/^api-key:/);
  });
});

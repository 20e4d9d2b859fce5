// Postmortems through the real worker and D1: drafted on a resolved incident (not public yet), then
// published: on the permalink as HTML with raw HTML shown as text and unsafe links emptied, in the v2
// API as Statuspage shapes it, in the feeds, and told to a channel once when the operator asks.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, admin, BASE, createComponent, rows, unique } from "./helpers";

const CAPTURE = (await import("cloudflare:test")).env.NOTIFY_CAPTURE_URL;

type Json = Record<string, any>;
async function json(res: Response, status: number): Promise<any> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function resolvedIncident(componentId: string, name = unique("Checkout outage")) {
  const incident = await json(await admin("POST", "/incidents", { name, body: "Checkout fails.", component_ids: [componentId] }), 201);
  await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "resolved", body: "Fixed." }), 201);
  return incident as { id: string; name: string };
}

const XSS = [
  "## What happened",
  "",
  "A **bad deploy**. <script>alert('pm')</script> <img src=x onerror=alert(1)>",
  "",
  "[details](javascript:alert(document.cookie)) and [runbook](https://example.com/runbook)",
  "",
  '<a href="javascript:alert(2)">raw link</a> ![pixel](data:image/svg+xml;base64,PHN2Zz4=)',
].join("\n");

const publicIncident = async (id: string) =>
  ((await json(await SELF.fetch(`${BASE}/api/v2/incidents.json`), 200)) as { incidents: Json[] }).incidents.find((i) => i.id === id)!;

async function notificationsFor(channelId: string, n: number): Promise<Json[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const log = (await json(await admin("GET", `/notifications?recipient_id=${channelId}`), 200)) as Json[];
    if ((log.length >= n && log.every((l) => l.status === "delivered")) || Date.now() > deadline) return log;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("postmortems", () => {
  it("a draft is for operators; published, it shows on the permalink, in the v2 API and the feeds, safely", { timeout: 60_000 }, async () => {
    const comp = await createComponent("Checkout");
    const path = `/ok/${unique("pm")}`;
    const channel = await json(await admin("POST", "/channels", { kind: "webhook", name: "pm", url: `${CAPTURE}${path}`, component_ids: [comp.id] }), 201);
    const incident = await resolvedIncident(comp.id);
    await notificationsFor(channel.id, 2); // created, resolved

    const draft = await json(await admin("PUT", `/incidents/${incident.id}/postmortem`, { body: XSS }), 200);
    expect(draft).toMatchObject({ incident_id: incident.id, body: XSS, published_at: null });
    expect(draft.body_html).not.toMatch(/<script|<img[^>]*onerror|href="javascript:|src="data:/i);
    expect(draft.body_html).toContain('<a href="">details</a>');
    // Not public yet.
    expect(await publicIncident(incident.id)).toMatchObject({ postmortem_body: null, postmortem_published_at: null });
    expect(await (await SELF.fetch(`${BASE}/incidents/${incident.id}`)).text()).not.toContain("What happened");

    const published = await json(await admin("POST", `/incidents/${incident.id}/postmortem/publish`, { notify: true }), 200);
    expect(published.published_at).toMatch(/Z$/);
    expect(await publicIncident(incident.id)).toMatchObject({
      status: "resolved",
      postmortem_body: XSS,
      postmortem_published_at: published.published_at,
      postmortem_body_last_updated_at: expect.any(String),
      postmortem_notified_subscribers: true,
      postmortem_ignored: false,
      postmortem_notified_twitter: false,
    });

    const page = await SELF.fetch(`${BASE}/incidents/${incident.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const section = html.slice(html.indexOf('id="postmortem"'));
    expect(section).toContain("<h2>What happened</h2>");
    expect(section).toContain("<strong>bad deploy</strong>");
    expect(section).toContain('<a href="https://example.com/runbook">runbook</a>');
    // Raw HTML is text; unsafe targets are empty.
    expect(section).toContain("&lt;script&gt;alert(");
    expect(section).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toMatch(/<script>alert|<img[^>]*onerror|href="javascript:|src="data:/i);

    for (const feed of ["/history.rss", "/history.atom"]) {
      const xml = await (await SELF.fetch(`${BASE}${feed}`)).text();
      expect(xml, feed).toContain("What happened");
      expect(xml, feed).not.toMatch(/<script>alert|href="javascript:/i);
    }

    // Told once: publishing again (after an edit) sends nothing more.
    const log = await notificationsFor(channel.id, 3);
    expect(log.map((l) => l.event_type).sort()).toEqual(["incident.created", "incident.postmortem", "incident.resolved"]);
    const [sent] = ((await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(path)}`)).json()) as Array<{ body: string }>).filter((r) =>
      r.body.includes('"postmortem_body":"## What'),
    );
    expect(JSON.parse(sent!.body).incident).toMatchObject({ id: incident.id, postmortem_published_at: published.published_at });
    await json(await admin("PUT", `/incidents/${incident.id}/postmortem`, { body: "## What happened\n\nEdited." }), 200);
    await json(await admin("POST", `/incidents/${incident.id}/postmortem/publish`, { notify: true }), 200);
    expect((await publicIncident(incident.id)).postmortem_body).toBe("## What happened\n\nEdited.");
    await new Promise((r) => setTimeout(r, 1500));
    expect((await notificationsFor(channel.id, 3)).length).toBe(3);
    expect((await rows("SELECT id FROM incident_notices WHERE incident_id = ?1", incident.id)).length).toBe(1);

    // Withdrawn: gone from the public surfaces.
    expect((await admin("DELETE", `/incidents/${incident.id}/postmortem`)).status).toBe(204);
    expect(await publicIncident(incident.id)).toMatchObject({ postmortem_body: null, postmortem_published_at: null });
  });

  it("refuses what cannot be: an open incident, an unknown one, an empty body, no body to publish", async () => {
    const comp = await createComponent("Open one");
    const open = await json(await admin("POST", "/incidents", { name: "Still open", body: "Looking.", component_ids: [comp.id] }), 201);
    const notYet = await admin("PUT", `/incidents/${open.id}/postmortem`, { body: "Too early" });
    expect(notYet.status).toBe(409);
    expect(((await notYet.json()) as Json).error).toMatch(/not resolved/);
    expect((await admin("PUT", "/incidents/nosuchincid1/postmortem", { body: "x" })).status).toBe(404);
    const empty = await admin("PUT", `/incidents/${open.id}/postmortem`, { body: "  " });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as Json).field).toBe("body");
    const resolved = await resolvedIncident(comp.id);
    const nothing = await admin("POST", `/incidents/${resolved.id}/postmortem/publish`, {});
    expect(nothing.status).toBe(409);
    expect(((await nothing.json()) as Json).error).toMatch(/no postmortem/);
    const bad = await SELF.fetch(`${BASE}/admin/api/incidents/${resolved.id}/postmortem/publish`, { method: "POST", headers: ADMIN, body: '{"notify":"yes"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).field).toBe("notify");
    // The publication without `notify` tells nobody.
    await json(await admin("PUT", `/incidents/${resolved.id}/postmortem`, { body: "Quiet." }), 200);
    expect((await json(await admin("POST", `/incidents/${resolved.id}/postmortem/publish`), 200)).notified_at).toBeNull();
    expect((await rows("SELECT id FROM incident_notices WHERE incident_id = ?1", resolved.id)).length).toBe(0);
  });
});

describe("a postmortem on another page", () => {
  it("follows its incident's page: written under /pages/:page/, not found on page 1, told to that page's channels, shown on its permalink", {
    timeout: 60_000,
  }, async () => {
    const page = (await json(await admin("POST", "/pages", { name: "Postmortems", slug: unique("pm-page").slice(-30) }), 201)) as { id: number; slug: string };
    const comp = await json(await admin("POST", `/pages/${page.slug}/components`, { name: "Search", slug: unique("search") }), 201);
    const tag = unique("pm2");
    await json(await admin("POST", `/pages/${page.slug}/channels`, { kind: "webhook", name: "Page 2", url: `${CAPTURE}/ok/${tag}/c2` }), 201);
    await json(await admin("POST", "/channels", { kind: "webhook", name: "Page 1", url: `${CAPTURE}/ok/${tag}/c1` }), 201);
    const name = unique("Search outage");
    const incident = await json(await admin("POST", `/pages/${page.slug}/incidents`, { name, body: "Search fails.", component_ids: [comp.id] }), 201);
    await json(await admin("POST", `/pages/${page.slug}/incidents/${incident.id}/updates`, { status: "resolved", body: "Fixed." }), 201);

    expect((await admin("PUT", `/incidents/${incident.id}/postmortem`, { body: "Not here." })).status).toBe(404);
    await json(await admin("PUT", `/pages/${page.slug}/incidents/${incident.id}/postmortem`, { body: "## Root cause on page 2" }), 200);
    expect((await admin("GET", `/incidents/${incident.id}/postmortem`)).status).toBe(404);
    expect((await admin("POST", `/incidents/${incident.id}/postmortem/publish`, { notify: true })).status).toBe(404);
    await json(await admin("POST", `/pages/${page.slug}/incidents/${incident.id}/postmortem/publish`, { notify: true }), 200);
    expect((await rows<{ page: number }>("SELECT page FROM incident_notices WHERE incident_id = ?1", incident.id)).map((r) => r.page)).toEqual([page.id]);

    const captured = async (who: string) =>
      (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(`/ok/${tag}/${who}`)}`)).json()) as Array<{ body: string }>;
    const deadline = Date.now() + 20_000;
    while (!(await captured("c2")).some((r) => r.body.includes("Root cause on page 2")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await captured("c2")).some((r) => r.body.includes("Root cause on page 2"))).toBe(true);
    expect((await captured("c1")).filter((r) => r.body.includes(name))).toEqual([]);
    expect(await (await SELF.fetch(`${BASE}/p/${page.slug}/incidents/${incident.id}`)).text()).toContain("Root cause on page 2");
  });
});

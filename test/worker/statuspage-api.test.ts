// The eight Statuspage v2 documents, checked field by field and enum by enum against Atlassian's
// public API shapes (strict: no field missing, none extra), for a page with groups, an incident opened
// by a real webhook, a resolved one, and active, upcoming and completed maintenance. Plus the HTTP
// contract widgets rely on: CORS for any origin, ETag and 304, a short Cache-Control, and a write
// visible at once.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { sha256Hex } from "../../domain/ids";
import { BASE, post } from "./helpers";

// ── Statuspage v2 shapes ─────────────────────────────────────────────────────
const ID = z.string().regex(/^[a-z0-9]{12}$/);
const TIME = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/);
const COMPONENT_STATUS = z.enum(["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]);
const INCIDENT_STATUS = z.enum(["investigating", "identified", "monitoring", "resolved", "postmortem"]);
const MAINTENANCE_STATUS = z.enum(["scheduled", "in_progress", "verifying", "completed"]);
const INDICATOR = z.enum(["none", "minor", "major", "critical", "maintenance"]);
const DESCRIPTIONS = {
  none: "All Systems Operational",
  minor: "Minor Service Outage",
  major: "Partial System Outage",
  critical: "Major Service Outage",
  maintenance: "Service Under Maintenance",
} as const;

const Page = z.strictObject({ id: ID, name: z.string(), url: z.string().url(), time_zone: z.string(), updated_at: TIME });
const Status = z.strictObject({ indicator: INDICATOR, description: z.enum(Object.values(DESCRIPTIONS) as [string, ...string[]]) });
const Component = z.strictObject({
  id: ID,
  name: z.string(),
  status: COMPONENT_STATUS,
  created_at: TIME,
  updated_at: TIME,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  group_id: ID.nullable(),
  page_id: ID,
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(ID).optional(),
});
const AffectedComponent = z.strictObject({ code: ID, name: z.string(), old_status: COMPONENT_STATUS, new_status: COMPONENT_STATUS });
const update = (status: z.ZodType) =>
  z.strictObject({
    id: ID,
    status,
    body: z.string(),
    incident_id: ID,
    created_at: TIME,
    updated_at: TIME,
    display_at: TIME,
    affected_components: z.array(AffectedComponent).nullable(),
    deliver_notifications: z.boolean(),
    custom_tweet: z.null(),
    tweet_id: z.null(),
  });
const incidentFields = {
  id: ID,
  name: z.string(),
  created_at: TIME,
  updated_at: TIME,
  monitoring_at: TIME.nullable(),
  resolved_at: TIME.nullable(),
  shortlink: z.string().url(),
  started_at: TIME,
  page_id: ID,
  components: z.array(Component),
  // Statuspage's postmortem fields: null and false while none is published.
  postmortem_body: z.string().nullable(),
  postmortem_body_last_updated_at: TIME.nullable(),
  postmortem_ignored: z.boolean(),
  postmortem_notified_subscribers: z.boolean(),
  postmortem_notified_twitter: z.boolean(),
  postmortem_published_at: TIME.nullable(),
};
const Incident = z.strictObject({
  ...incidentFields,
  status: INCIDENT_STATUS,
  impact: z.enum(["none", "minor", "major", "critical"]),
  incident_updates: z.array(update(INCIDENT_STATUS)).min(1),
});
const Maintenance = z.strictObject({
  ...incidentFields,
  status: MAINTENANCE_STATUS,
  impact: z.enum(["none", "minor", "major", "critical", "maintenance"]),
  incident_updates: z.array(update(MAINTENANCE_STATUS)).min(1),
  scheduled_for: TIME,
  scheduled_until: TIME,
});
const Summary = z.strictObject({
  page: Page,
  components: z.array(Component),
  incidents: z.array(Incident),
  scheduled_maintenances: z.array(Maintenance),
  status: Status,
});
const SHAPES = {
  "summary.json": Summary,
  "status.json": z.strictObject({ page: Page, status: Status }),
  "components.json": z.strictObject({ page: Page, components: z.array(Component) }),
  "incidents.json": z.strictObject({ page: Page, incidents: z.array(Incident) }),
  "incidents/unresolved.json": z.strictObject({ page: Page, incidents: z.array(Incident) }),
  "scheduled-maintenances.json": z.strictObject({ page: Page, scheduled_maintenances: z.array(Maintenance) }),
  "scheduled-maintenances/upcoming.json": z.strictObject({ page: Page, scheduled_maintenances: z.array(Maintenance) }),
  "scheduled-maintenances/active.json": z.strictObject({ page: Page, scheduled_maintenances: z.array(Maintenance) }),
} as const;
type Doc = keyof typeof SHAPES;

// ── The page under test, written straight into D1 (what the admin routes and the ingestor write) ──
const KEY = "statuspageapitestkey000000000001";
const T = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const IDS = {
  group: "grpstatusapi",
  api: "cmpspapi0001",
  web: "cmpspweb0001",
  db: "cmpspdb00001",
  cdn: "cmpspcdn0001",
  hidden: "cmpsphidden1",
  resolved: "incspresolv1",
  active: "mntspactive1",
  upcoming: "mntspupcom01",
  completed: "mntspdone001",
};

async function seedPage() {
  const db = env.DB;
  const c = (id: string, slug: string, name: string, group: string | null, position: number, extra = "1, 0") =>
    db
      .prepare(
        `INSERT INTO components (id, slug, name, description, group_id, position, showcase, only_show_if_degraded, status, auto_status, start_date, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ${extra}, ?7, ?7, ?8, ?9, ?9)`,
      )
      .bind(
        id,
        slug,
        name,
        name === "API" ? "Public REST API" : null,
        group,
        position,
        id === IDS.db ? "under_maintenance" : "operational",
        "2026-01-15T08:00:00.000Z",
        T(100_000),
      );
  const incident = (id: string, kind: string, name: string, status: string, impact: string, started: string, extra: Record<string, string | null> = {}) =>
    db
      .prepare(
        `INSERT INTO incidents (id, kind, name, status, impact, automatic, started_at, monitoring_at, resolved_at, scheduled_for, scheduled_until, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9, ?10, ?6, ?11)`,
      )
      .bind(
        id,
        kind,
        name,
        status,
        impact,
        started,
        extra.monitoring_at ?? null,
        extra.resolved_at ?? null,
        extra.scheduled_for ?? null,
        extra.scheduled_until ?? null,
        extra.updated_at ?? started,
      );
  const upd = (id: string, incidentId: string, status: string, body: string, at: string, affected: unknown = null) =>
    db
      .prepare("INSERT INTO incident_updates (id, incident_id, status, body, affected_components, created_at, display_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)")
      .bind(id, incidentId, status, body, affected ? JSON.stringify(affected) : null, at);
  const link = (incidentId: string, componentId: string) =>
    db.prepare("INSERT INTO incident_components (incident_id, component_id) VALUES (?1, ?2)").bind(incidentId, componentId);
  await db.batch([
    db
      .prepare("INSERT INTO page_settings (id, page_id, name, url, time_zone, updated_at) VALUES (1, 'pagespapi001', 'Acme <Status>', '', 'Europe/Berlin', ?1)")
      .bind(T(100_000)),
    db
      .prepare("INSERT INTO component_groups (id, name, description, position, created_at, updated_at) VALUES (?1, 'Core', 'Everything', 1, ?2, ?2)")
      .bind(IDS.group, T(100_000)),
    c(IDS.api, "sp-api", "API", IDS.group, 1),
    c(IDS.web, "sp-web", "Web app", IDS.group, 2),
    c(IDS.db, "sp-db", "Database", IDS.group, 3),
    c(IDS.cdn, "sp-cdn", "CDN", null, 2, "0, 0"),
    c(IDS.hidden, "sp-hidden", "Legacy API", null, 3, "1, 1"),
    db
      .prepare(
        "INSERT INTO integrations (id, name, source, key_hash, key_prefix, public_text, created_at, updated_at) VALUES ('intspgeneric', 'Generic', 'generic', ?1, 'status', 'full', ?2, ?2)",
      )
      .bind(await sha256Hex(KEY), T(100_000)),
    db.prepare("INSERT INTO integration_components (integration_id, component_id) VALUES ('intspgeneric', ?1)").bind(IDS.api),
    // A resolved incident, three days ago.
    incident(IDS.resolved, "incident", "Sign-in failures", "resolved", "critical", T(4320), {
      monitoring_at: T(4300),
      resolved_at: T(4280),
      updated_at: T(4280),
    }),
    upd("updspres0001", IDS.resolved, "investigating", "Users cannot sign in.", T(4320), [
      { code: IDS.web, name: "Web app", old_status: "operational", new_status: "major_outage" },
    ]),
    upd("updspres0002", IDS.resolved, "monitoring", "A fix is deployed.", T(4300)),
    upd("updspres0003", IDS.resolved, "resolved", "This incident has been resolved.", T(4280)),
    link(IDS.resolved, IDS.web),
    // Maintenance: in progress now, upcoming tomorrow, completed last week.
    incident(IDS.active, "maintenance", "Database upgrade", "in_progress", "maintenance", T(30), {
      scheduled_for: T(30),
      scheduled_until: T(-30),
    }),
    upd("updspact0001", IDS.active, "scheduled", "We will upgrade the database.", T(2000)),
    upd("updspact0002", IDS.active, "in_progress", "The upgrade has begun.", T(30)),
    link(IDS.active, IDS.db),
    incident(IDS.upcoming, "maintenance", "Network work", "scheduled", "maintenance", T(-1440), {
      scheduled_for: T(-1440),
      scheduled_until: T(-1500),
    }),
    upd("updspupc0001", IDS.upcoming, "scheduled", "Routers will be replaced.", T(60)),
    link(IDS.upcoming, IDS.cdn),
    incident(IDS.completed, "maintenance", "Certificate rotation", "completed", "maintenance", T(10_000), {
      scheduled_for: T(10_000),
      scheduled_until: T(9_940),
      resolved_at: T(9_950),
      updated_at: T(9_950),
    }),
    upd("updspdon0001", IDS.completed, "scheduled", "Certificates will be rotated.", T(12_000)),
    upd("updspdon0002", IDS.completed, "completed", "Done.", T(9_950)),
    link(IDS.completed, IDS.cdn),
  ]);
}

const get = (doc: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}/api/v2/${doc}`, { headers });
async function read<D extends Doc>(doc: D): Promise<z.infer<(typeof SHAPES)[D]>> {
  const res = await get(doc);
  expect(res.status, doc).toBe(200);
  return SHAPES[doc].parse(await res.json()) as z.infer<(typeof SHAPES)[D]>;
}

let openIncidentId = "";

beforeAll(async () => {
  await seedPage();
  // The open incident comes the real way: a webhook through the ingestor.
  const res = await post(`/hooks/generic/${KEY}`, {
    dedup_key: "sp-api-5xx",
    action: "trigger",
    severity: "error",
    summary: "API errors <b>rising</b>",
    details: "5xx above 5 %",
  });
  expect(res.status).toBe(202);
  const { results } = await env.DB.prepare("SELECT id FROM incidents WHERE kind = 'incident' AND resolved_at IS NULL").all<{
    id: string;
  }>();
  expect(results).toHaveLength(1);
  openIncidentId = results[0]!.id;
});

describe("Statuspage v2 documents: every field and enum", () => {
  it("summary.json: page, status, components with groups, unresolved incidents, upcoming and active maintenance", async () => {
    const s = await read("summary.json");
    expect(s.page).toEqual({
      id: "pagespapi001",
      name: "Acme <Status>",
      url: BASE,
      time_zone: "Europe/Berlin",
      updated_at: expect.any(String),
    });
    // API in partial_outage from an error alert, and a major-impact incident: Statuspage's "major".
    expect(s.status).toEqual({ indicator: "major", description: "Partial System Outage" });
    expect(s.incidents.map((i) => i.id)).toEqual([openIncidentId]);
    expect(s.scheduled_maintenances.map((m) => m.id)).toEqual([IDS.active, IDS.upcoming]);
  });

  it("components: a group is a component with group: true and its members' ids; members follow it in order", async () => {
    const { components } = await read("components.json");
    expect(components.map((c) => c.id)).toEqual([IDS.group, IDS.api, IDS.web, IDS.db, IDS.cdn, IDS.hidden]);
    const [group, api, , db, cdn, hidden] = components;
    expect(group).toMatchObject({
      group: true,
      group_id: null,
      components: [IDS.api, IDS.web, IDS.db],
      name: "Core",
      description: "Everything",
      position: 1,
      showcase: false,
      start_date: null,
    });
    // A group's status is its worst member's.
    expect(group!.status).toBe("partial_outage");
    expect(api).toEqual({
      id: IDS.api,
      name: "API",
      status: "partial_outage",
      created_at: expect.any(String),
      updated_at: expect.any(String),
      position: 1,
      description: "Public REST API",
      showcase: true,
      start_date: "2026-01-15",
      group_id: IDS.group,
      page_id: "pagespapi001",
      group: false,
      only_show_if_degraded: false,
    });
    expect(api).not.toHaveProperty("components");
    expect(db!.status).toBe("under_maintenance");
    expect(cdn).toMatchObject({ group_id: null, showcase: false, position: 2 });
    expect(hidden).toMatchObject({ only_show_if_degraded: true });
  });

  it("an incident opened by a webhook: impact, timestamps, shortlink, updates newest first with affected components", async () => {
    const { incidents } = await read("incidents/unresolved.json");
    const [i] = incidents;
    expect(i).toMatchObject({
      id: openIncidentId,
      name: "API errors <b>rising</b>",
      status: "investigating",
      impact: "major",
      monitoring_at: null,
      resolved_at: null,
      shortlink: `${BASE}/incidents/${openIncidentId}`,
      page_id: "pagespapi001",
    });
    expect(i!.components.map((c) => c.id)).toEqual([IDS.api]);
    expect(i!.incident_updates[0]).toMatchObject({
      status: "investigating",
      body: "5xx above 5 %",
      incident_id: openIncidentId,
      affected_components: [{ code: IDS.api, name: "API", old_status: "operational", new_status: "partial_outage" }],
    });
  });

  it("incidents.json: resolved ones too, newest first, no maintenance", async () => {
    const { incidents } = await read("incidents.json");
    expect(incidents.map((i) => i.id)).toEqual([openIncidentId, IDS.resolved]);
    const resolved = incidents[1]!;
    expect(resolved).toMatchObject({
      status: "resolved",
      impact: "critical",
      monitoring_at: expect.any(String),
      resolved_at: expect.any(String),
    });
    expect(resolved.incident_updates.map((u) => u.status)).toEqual(["resolved", "monitoring", "investigating"]);
    const times = resolved.incident_updates.map((u) => u.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(resolved.incident_updates[2]!.affected_components).toEqual([
      { code: IDS.web, name: "Web app", old_status: "operational", new_status: "major_outage" },
    ]);
    expect(resolved.incident_updates[0]!.affected_components).toBeNull();
  });

  it("scheduled-maintenances.json lists all, newest first; upcoming.json only scheduled; active.json only in progress", async () => {
    const all = await read("scheduled-maintenances.json");
    expect(all.scheduled_maintenances.map((m) => m.id)).toEqual([IDS.upcoming, IDS.active, IDS.completed]);
    const upcoming = await read("scheduled-maintenances/upcoming.json");
    expect(upcoming.scheduled_maintenances.map((m) => [m.id, m.status])).toEqual([[IDS.upcoming, "scheduled"]]);
    const active = await read("scheduled-maintenances/active.json");
    expect(active.scheduled_maintenances.map((m) => [m.id, m.status])).toEqual([[IDS.active, "in_progress"]]);
    const m = active.scheduled_maintenances[0]!;
    expect(m.incident_updates.map((u) => u.status)).toEqual(["in_progress", "scheduled"]);
    expect(m.components.map((c) => [c.id, c.status])).toEqual([[IDS.db, "under_maintenance"]]);
    expect(Date.parse(m.scheduled_until)).toBeGreaterThan(Date.parse(m.scheduled_for));
  });

  it("status.json says what summary.json says", async () => {
    const status = await read("status.json");
    const summary = await read("summary.json");
    expect(status).toEqual({ page: summary.page, status: summary.status });
  });
});

describe("HTTP contract", () => {
  const DOCS = Object.keys(SHAPES) as Doc[];

  it("every document: JSON, CORS for any origin, a short public Cache-Control and an ETag", async () => {
    for (const doc of DOCS) {
      const res = await get(doc, { Origin: "https://widget.example" });
      expect(res.status, doc).toBe(200);
      expect(res.headers.get("Content-Type"), doc).toMatch(/^application\/json/);
      expect(res.headers.get("Access-Control-Allow-Origin"), doc).toBe("*");
      const cc = res.headers.get("Cache-Control") ?? "";
      expect(cc, doc).toMatch(/\bpublic\b/);
      expect(Number(/max-age=(\d+)/.exec(cc)?.[1]), doc).toBeLessThanOrEqual(10);
      expect(res.headers.get("ETag"), doc).toMatch(/^W\/"[0-9a-f]+"$/);
      await res.arrayBuffer();
    }
  });

  it("a CORS preflight from any origin is allowed", async () => {
    const res = await SELF.fetch(`${BASE}/api/v2/summary.json`, {
      method: "OPTIONS",
      headers: { Origin: "https://widget.example", "Access-Control-Request-Method": "GET" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("GET");
  });

  it("If-None-Match with the current ETag is a 304 without a body; a stale one gets the document", async () => {
    const first = await get("summary.json");
    const etag = first.headers.get("ETag")!;
    await first.arrayBuffer();
    const again = await get("summary.json", { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    expect(again.headers.get("Cache-Control")).toMatch(/max-age=\d/);
    // Weak comparison: the strong form of the same tag matches too, and a list is searched.
    expect((await get("summary.json", { "If-None-Match": `"x", ${etag.replace(/^W\//, "")}` })).status).toBe(304);
    const stale = await get("summary.json", { "If-None-Match": 'W/"0000"' });
    expect(stale.status).toBe(200);
    expect(((await stale.json()) as { page: unknown }).page).toBeDefined();
  });

  it("HEAD answers like GET, without a body", async () => {
    const res = await SELF.fetch(`${BASE}/api/v2/status.json`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBeTruthy();
    expect(await res.text()).toBe("");
  });

  it("a write is visible at once: the next request has the new state and a new ETag", async () => {
    const before = await get("summary.json");
    const etag = before.headers.get("ETag")!;
    await before.arrayBuffer();
    expect((await post(`/hooks/generic/${KEY}`, { dedup_key: "sp-api-down", action: "trigger", severity: "critical", summary: "API down" })).status).toBe(202);
    const after = await get("summary.json", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("ETag")).not.toBe(etag);
    const s = Summary.parse(await after.json());
    expect(s.components.find((c) => c.id === IDS.api)?.status).toBe("major_outage");
    expect(s.status).toEqual({ indicator: "critical", description: "Major Service Outage" });
  });

  it("one edge-cache entry serves every host name with its own URLs", async () => {
    const here = (await (await get("incidents.json")).json()) as { page: { url: string }; incidents: Array<{ shortlink: string }> };
    const there = (await (await SELF.fetch("https://status.other.test/api/v2/incidents.json")).json()) as typeof here;
    expect(here.page.url).toBe(BASE);
    expect(here.incidents[0]!.shortlink.startsWith(`${BASE}/incidents/`)).toBe(true);
    expect(there.page.url).toBe("https://status.other.test");
    expect(there.incidents[0]!.shortlink.startsWith("https://status.other.test/incidents/")).toBe(true);
  });

  it("an unknown document is a JSON 404 that lists the real ones; a write to a real one is a 405", async () => {
    const res = await get("nope.json");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain("/api/v2/summary.json");
    const write = await SELF.fetch(`${BASE}/api/v2/summary.json`, { method: "POST", body: "{}" });
    expect(write.status).toBe(405);
    expect(write.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
  });
});

// The import and the export against the built worker and a real D1: real Statuspage v2 documents
// (test/fixtures/statuspage/) become a page here with the same components, incidents, updates and times;
// a second run changes nothing; an export of a page imports back into another as it was; subscribers
// from Statuspage's CSV come in pending (with their confirmation email) or confirmed.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import emma from "../fixtures/statuspage/emma-incidents.json";
import renku from "../fixtures/statuspage/renku-summary-outage.json";
import { admin, createComponent, unique } from "./helpers";
import { apiKey, firstPageId, v1 } from "./v1-helpers";

type Obj = Record<string, unknown> & { id: string };
type Incident = Obj & { name: string; status: string; created_at: string; resolved_at: string | null; impact: string; incident_updates: Obj[] };

/** What a script sends, in pieces under the admin's body limit. */
async function importInPieces(slug: string, source: string, doc: { components?: unknown[]; incidents?: unknown[]; scheduled_maintenances?: unknown[] }) {
  const totals: Record<string, number> = {};
  const send = async (body: Record<string, unknown>) => {
    const res = await admin("POST", "/import", { source, page_slug: slug, page_name: `Imported ${slug}`, ...body });
    const answer = (await res.json()) as { page: { id: number; page_id: string; slug: string }; imported: Record<string, number>; error?: string };
    expect(res.status, answer.error).toBe(201);
    for (const [k, v] of Object.entries(answer.imported)) totals[k] = (totals[k] ?? 0) + v;
    return answer.page;
  };
  const page = await send({ components: doc.components ?? [] });
  const incidents = doc.incidents ?? [];
  for (let i = 0; i < incidents.length; i += 5) await send({ incidents: incidents.slice(i, i + 5) });
  if (doc.scheduled_maintenances?.length) await send({ scheduled_maintenances: doc.scheduled_maintenances });
  return { page, totals };
}

let key: string;
beforeAll(async () => {
  await firstPageId();
  key = await apiKey(null);
});

const strip = (i: Incident) => ({
  name: i.name,
  status: i.status,
  impact: i.impact,
  created_at: i.created_at,
  resolved_at: i.resolved_at,
  updates: i.incident_updates.map((u) => ({ status: u.status, body: u.body, created_at: u.created_at, display_at: u.display_at })),
});
const iso = (s: string) => new Date(s).toISOString();

describe("import from a Statuspage page's v2 documents", () => {
  it("makes the page with its components, open incident and full history, and a second run changes nothing", { timeout: 30_000 }, async () => {
    const slug = unique("renku");
    const source = "https://renku-dev.statuspage.io";
    const doc = { components: renku.components, incidents: [...renku.incidents, ...emma.incidents], scheduled_maintenances: renku.scheduled_maintenances };
    const first = await importInPieces(slug, source, doc);
    expect(first.totals).toMatchObject({ components: 8, incidents: 23, updates: 1 + emma.incidents.reduce((n, i) => n + i.incident_updates.length, 0) });

    const pageId = first.page.page_id;
    const components = (await v1(key, "GET", `/pages/${pageId}/components`)).body as Obj[];
    expect(components.map((c) => [c.name, c.description, c.position, c.status])).toEqual(
      renku.components.map((c) => [c.name, c.description, c.position, c.name === "renku-gateway" ? "operational" : c.status]),
    );
    const all = (await v1(key, "GET", `/pages/${pageId}/incidents?limit=100`)).body as Incident[];
    expect(all).toHaveLength(23);
    for (const source of [...renku.incidents, ...emma.incidents] as unknown as Incident[]) {
      const here = all.find((i) => i.name === source.name && iso(i.created_at) === iso(source.created_at))!;
      expect(here, source.name).toBeDefined();
      expect(strip(here)).toEqual({
        ...strip(source),
        created_at: iso(source.created_at),
        resolved_at: source.resolved_at ? iso(source.resolved_at) : null,
        updates: source.incident_updates.map((u) => ({
          status: u.status,
          body: u.body,
          created_at: iso(u.created_at as string),
          display_at: iso(u.display_at as string),
        })),
      });
    }
    // The open incident's affected component is this page's own.
    const open = all.find((i) => i.status === "investigating")!;
    const gateway = components.find((c) => c.name === "renku-gateway")!;
    expect(open.incident_updates[0]!.affected_components).toEqual([
      { code: gateway.id, name: "renku-gateway", old_status: "operational", new_status: "major_outage" },
    ]);

    // Imported history is never notified.
    const told = await env.DB.prepare(
      "SELECT count(*) AS n FROM incident_updates u JOIN incidents i ON i.id = u.incident_id WHERE i.page = ?1 AND u.deliver_notifications = 1",
    )
      .bind(first.page.id)
      .first<{ n: number }>();
    expect(told!.n).toBe(0);

    const audit = (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())!.n;
    const again = await importInPieces(slug, source, doc);
    expect(Object.values(again.totals).every((n) => n === 0)).toBe(true);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())!.n).toBe(audit);
    expect((await v1(key, "GET", `/pages/${pageId}/incidents?limit=100`)).body).toEqual(all);
  });

  it("a run after the source moved on adds the new update and resolves the incident, and nothing else", async () => {
    const slug = unique("moved");
    const source = "https://moved.example.com";
    const [incident] = renku.incidents;
    await importInPieces(slug, source, { components: renku.components, incidents: [incident] });
    const resolved = {
      ...incident,
      status: "resolved",
      resolved_at: "2023-10-17T11:00:00.000Z",
      updated_at: "2023-10-17T11:00:00.000Z",
      incident_updates: [
        {
          ...incident!.incident_updates[0]!,
          id: "newupdate001",
          status: "resolved",
          body: "Fixed.",
          created_at: "2023-10-17T11:00:00.000Z",
          display_at: "2023-10-17T11:00:00.000Z",
        },
        ...incident!.incident_updates,
      ],
    };
    const { page, totals } = await importInPieces(slug, source, { components: renku.components, incidents: [resolved] });
    expect(totals).toMatchObject({ components: 0, incidents: 0, updates: 1, refreshed: 1 });
    const [here] = (await v1(key, "GET", `/pages/${page.page_id}/incidents`)).body as Incident[];
    expect(here).toMatchObject({ status: "resolved", resolved_at: "2023-10-17T11:00:00.000Z" });
    expect(here!.incident_updates.map((u) => u.body)).toEqual(["Fixed.", "We are currently investigating this issue."]);
  });

  it("refuses a document it cannot read, naming the field, and writes nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM components").first<{ n: number }>())!.n;
    const res = await admin("POST", "/import", {
      source: "https://bad.example.com",
      page_slug: "main",
      components: [{ id: "a", name: "A", status: "on_fire" }],
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "components[0].status" });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM components").first<{ n: number }>())!.n).toBe(before);
  });
});

describe("export", () => {
  it("a page's export imports into another page as it was, apart from ids and updated_at", async () => {
    const pageId = await firstPageId();
    const comp = await createComponent("Exported API", { description: "Everything" });
    const made = await v1(key, "POST", `/pages/${pageId}/incidents`, {
      incident: { name: unique("Exported incident"), body: "It broke.", components: { [comp.id]: "partial_outage" } },
    });
    const incident = made.body as Incident;
    await v1(key, "PATCH", `/pages/${pageId}/incidents/${incident.id}`, {
      incident: { status: "resolved", body: "It works.", components: { [comp.id]: "operational" } },
    });

    const res = await admin("GET", "/pages/main/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toMatch(/attachment; filename="main-export-/);
    const doc = (await res.json()) as { source: string; components: Obj[]; incidents: Incident[]; scheduled_maintenances: Incident[] };
    expect(doc.components.map((c) => c.id)).toContain(comp.id);
    expect(doc.incidents.map((i) => i.id)).toContain(incident.id);

    const slug = unique("copy");
    const { page } = await importInPieces(slug, doc.source, doc);
    const copied = (await v1(key, "GET", `/pages/${page.page_id}/incidents?limit=100`)).body as Incident[];
    const original = (await v1(key, "GET", `/pages/${pageId}/incidents?limit=100`)).body as Incident[];
    expect(copied.map(strip)).toEqual(original.map(strip));
    const copiedComponents = (await v1(key, "GET", `/pages/${page.page_id}/components`)).body as Obj[];
    const originalComponents = (await v1(key, "GET", `/pages/${pageId}/components`)).body as Obj[];
    const shape = (c: Obj) => [c.name, c.description, c.position, c.status];
    expect(copiedComponents.map(shape)).toEqual(originalComponents.map(shape));
  });

  it("an operator key limited to another page gets 403 on this page's export", async () => {
    const other = await admin("POST", "/import", { source: "https://limited.example.com", page_slug: unique("limited"), components: [] });
    const { page } = (await other.json()) as { page: { id: number } };
    const limited = await apiKey([page.id]);
    const res = await SELF.fetch("https://status.test/admin/api/pages/main/export", { headers: { Authorization: `Bearer ${limited}` } });
    expect(res.status).toBe(403);
    const own = await SELF.fetch(`https://status.test/admin/api/pages/${page.id}/export`, { headers: { Authorization: `Bearer ${limited}` } });
    expect(own.status).toBe(200);
  });
});

describe("subscribers from Statuspage's CSV export", () => {
  it("come in pending with a confirmation email, or confirmed when asked; a second run adds none", async () => {
    const slug = unique("subs");
    const csv = ["Email,Type,Components", "ann@example.com,email,", "bob@example.com,email,renku-gateway", "+15550100,sms,"].join("\n");
    const send = subscriberImport(slug);
    const first = await send({ subscribers_csv: csv });
    expect(first.imported.subscribers).toBe(2);
    const rows = await env.DB.prepare("SELECT email, confirmed_at, component_ids FROM subscribers WHERE page = ?1 ORDER BY email").bind(first.page.id).all();
    expect(rows.results).toMatchObject([
      { email: "ann@example.com", confirmed_at: null, component_ids: null },
      { email: "bob@example.com", confirmed_at: null },
    ]);
    expect(JSON.parse(rows.results[1]!.component_ids as string)).toHaveLength(1);
    expect((await send({ subscribers_csv: csv })).imported.subscribers).toBe(0);
    const confirmed = await send({ subscribers_csv: "email\ncy@example.com", confirm_subscribers: true });
    expect(confirmed.imported.subscribers).toBe(1);
    const cy = await env.DB.prepare("SELECT confirmed_at FROM subscribers WHERE page = ?1 AND email = 'cy@example.com'")
      .bind(first.page.id)
      .first<{ confirmed_at: string | null }>();
    expect(cy!.confirmed_at).not.toBeNull();
  });
});

/** Imports into one page, with Renku's components, for the subscriber cases. */
function subscriberImport(slug: string) {
  return async (body: Record<string, unknown>) => {
    const res = await admin("POST", "/import", { source: "https://renku-dev.statuspage.io", page_slug: slug, components: renku.components, ...body });
    const answer = (await res.json()) as { page: { id: number }; imported: Record<string, number>; error?: string };
    expect(res.status, answer.error).toBe(201);
    return answer;
  };
}

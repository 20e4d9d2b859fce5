// The shared writes of db/, run on their own against the real D1 (migrations applied): the one
// INSERT of status changes and the one INSERT of incident updates that both the Ingestor's projection
// and the operators' actions use.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { insertStatusChanges, loadComponentStates, updateComponentFlags } from "../../db/components";
import { insertIncidentUpdates } from "../../db/incidents";
import { prepare } from "../../db/sql";

const AT = "2026-12-01T10:00:00.000Z";
const LATER = "2026-12-01T10:05:00.000Z";

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO components (id, slug, name, position, status, auto_status, created_at, updated_at)
       VALUES ('dbwritecmp01', 'db-write-1', 'Writes one', 1, 'operational', 'operational', ?1, ?1),
              ('dbwritecmp02', 'db-write-2', 'Writes two', 2, 'operational', 'operational', ?1, ?1)`,
    ).bind(AT),
    env.DB.prepare(
      `INSERT INTO incidents (id, kind, name, status, impact, automatic, started_at, created_at, updated_at)
       VALUES ('dbwriteinc01', 'incident', 'Writes', 'investigating', 'major', 0, ?1, ?1, ?1)`,
    ).bind(AT),
  ]);
});

describe("insertStatusChanges", () => {
  it("writes every change, in order, in one statement", async () => {
    const changes = [
      { componentId: "dbwritecmp01", from: "operational", to: "major_outage", at: AT },
      { componentId: "dbwritecmp02", from: "operational", to: "degraded_performance", at: AT },
      { componentId: "dbwritecmp01", from: "major_outage", to: "operational", at: LATER },
    ] as const;
    await prepare(env.DB, insertStatusChanges([...changes])).run();
    const { results } = await env.DB.prepare(
      "SELECT component_id, from_status, to_status, at FROM component_status_changes WHERE component_id LIKE 'dbwritecmp%' ORDER BY id",
    ).all();
    expect(results).toEqual(changes.map((c) => ({ component_id: c.componentId, from_status: c.from, to_status: c.to, at: c.at })));
  });

  it("no changes write nothing; a change naming no component is refused whole", async () => {
    const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM component_status_changes").first<{ n: number }>())!.n;
    const before = await count();
    await prepare(env.DB, insertStatusChanges([])).run();
    await expect(
      prepare(
        env.DB,
        insertStatusChanges([
          { componentId: "dbwritecmp01", from: "operational", to: "partial_outage", at: LATER },
          { componentId: "nosuchcmp000", from: "operational", to: "partial_outage", at: LATER },
        ]),
      ).run(),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(await count()).toBe(before);
  });
});

describe("insertIncidentUpdates", () => {
  it("writes the updates with their affected components as JSON, shown when made", async () => {
    const affected = [{ code: "dbwritecmp01", name: "Writes one", old_status: "operational", new_status: "major_outage" }] as const;
    await prepare(
      env.DB,
      insertIncidentUpdates([
        {
          id: "dbwriteupd01",
          incidentId: "dbwriteinc01",
          status: "investigating",
          body: "Looking",
          affectedComponents: [...affected],
          createdAt: AT,
        },
        {
          id: "dbwriteupd02",
          incidentId: "dbwriteinc01",
          status: "resolved",
          body: 'Fixed "quotes" and ünïcode',
          affectedComponents: null,
          createdAt: LATER,
        },
      ]),
    ).run();
    const { results } = await env.DB.prepare(
      "SELECT id, status, body, affected_components, created_at, display_at FROM incident_updates WHERE incident_id = 'dbwriteinc01' ORDER BY created_at",
    ).all<Record<string, unknown>>();
    expect(results).toEqual([
      {
        id: "dbwriteupd01",
        status: "investigating",
        body: "Looking",
        affected_components: JSON.stringify(affected),
        created_at: AT,
        display_at: AT,
      },
      {
        id: "dbwriteupd02",
        status: "resolved",
        body: 'Fixed "quotes" and ünïcode',
        affected_components: null,
        created_at: LATER,
        display_at: LATER,
      },
    ]);
  });

  it("an update of no incident is refused", async () => {
    await expect(
      prepare(
        env.DB,
        insertIncidentUpdates([{ id: "dbwriteupd03", incidentId: "nosuchinc000", status: "resolved", body: "x", affectedComponents: null, createdAt: AT }]),
      ).run(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });
});

describe("updateComponentFlags and loadComponentStates", () => {
  it("set each component's own override, maintenance flag and status", async () => {
    await prepare(
      env.DB,
      updateComponentFlags(
        [
          { id: "dbwritecmp01", overrideStatus: "partial_outage", inMaintenance: false, status: "partial_outage" },
          { id: "dbwritecmp02", overrideStatus: null, inMaintenance: true, status: "under_maintenance" },
        ],
        LATER,
      ),
    ).run();
    const states = await loadComponentStates(env.DB, ["dbwritecmp01", "dbwritecmp02", "nosuchcmp000"]);
    expect([...states.keys()].sort()).toEqual(["dbwritecmp01", "dbwritecmp02"]);
    expect(states.get("dbwritecmp01")).toMatchObject({
      slug: "db-write-1",
      overrideStatus: "partial_outage",
      inMaintenance: false,
      status: "partial_outage",
    });
    expect(states.get("dbwritecmp02")).toMatchObject({
      overrideStatus: null,
      inMaintenance: true,
      status: "under_maintenance",
      autoStatus: "operational",
    });
  });
});

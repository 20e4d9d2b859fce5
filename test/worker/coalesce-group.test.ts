// A projection group written as coalesced statements (one upsert per alert and incident row, one
// delivery-log insert, one last-delivery update per integration) leaves D1 exactly as the same
// deliveries' statements run one by one: the real state machine decides, the real D1 applies both.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { coalesceGroup, type DeliveryRecord, decisionSql } from "../../db/ingest";
import { prepare, type SqlStatement } from "../../db/sql";
import type { AlertEvent } from "../../domain/alert-event";
import { applyEvents, type ComponentState, type Routing, type WorkingSet } from "../../domain/incidents";

const T0 = Date.parse("2026-12-06T10:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const INTEGRATION = "coalesceint1";
const COMPONENTS = ["coalescecmp1", "coalescecmp2"];

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO integrations (id, name, source, key_hash, key_prefix, created_at, updated_at)
       VALUES (?1, 'Coalesce', 'generic', 'coalesce-hash', 'coal', ?2, ?2)`,
    ).bind(INTEGRATION, at(0)),
    ...COMPONENTS.map((id, i) =>
      env.DB.prepare(
        `INSERT INTO components (id, slug, name, position, status, auto_status, created_at, updated_at)
         VALUES (?1, ?2, ?2, ?3, 'operational', 'operational', ?4, ?4)`,
      ).bind(id, `coalesce-${i}`, 900 + i, at(0)),
    ),
  ]);
});

const event = (dedupKey: string, action: AlertEvent["action"], s: number, severity: AlertEvent["severity"] = "critical"): AlertEvent => ({
  dedupKey,
  action,
  severity,
  summary: `Alert ${dedupKey}`,
  tags: {},
  occurredAt: new Date(T0 + s * 1000),
});

/** Every delivery's statements, decided in turn by the state machine over one working set. */
function deliveries(batches: AlertEvent[][]): SqlStatement[][] {
  const components = new Map<string, ComponentState>(
    COMPONENTS.map((id, i) => [
      id,
      { id, slug: `coalesce-${i}`, name: `coalesce-${i}`, autoStatus: "operational", overrideStatus: null, inMaintenance: false, status: "operational" },
    ]),
  );
  const ws: WorkingSet = { components, alerts: new Map(), incidents: new Map() };
  const routing: Routing = { integrationId: INTEGRATION, componentIds: COMPONENTS, links: [] };
  let n = 0;
  return batches.map((events) => {
    const now = at(100 + ++n);
    const decision = applyEvents(ws, routing, events, { now, newId: () => `coal${String(++n).padStart(8, "0")}` });
    const record: DeliveryRecord = {
      id: `coaldel${String(n).padStart(5, "0")}`,
      integrationId: INTEGRATION,
      source: "generic",
      receivedAt: now,
      outcome: "accepted",
      httpStatus: 202,
      eventCount: events.length,
      summary: null,
      error: null,
      payload: JSON.stringify(events),
    };
    return decisionSql(ws, decision, now, record);
  });
}

const TABLES = {
  alerts: "SELECT * FROM alerts WHERE integration_id = ?1 ORDER BY id",
  alertComponents: "SELECT ac.* FROM alert_components ac JOIN alerts a ON a.id = ac.alert_id WHERE a.integration_id = ?1 ORDER BY alert_id, component_id",
  incidents: "SELECT * FROM incidents WHERE id IN (SELECT incident_id FROM alerts WHERE integration_id = ?1) ORDER BY id",
  incidentComponents: "SELECT * FROM incident_components WHERE component_id LIKE 'coalescecmp%' ORDER BY incident_id, component_id",
  incidentUpdates:
    "SELECT id, incident_id, status, body, affected_components, created_at, display_at FROM incident_updates WHERE incident_id IN (SELECT incident_id FROM alerts WHERE integration_id = ?1) ORDER BY rowid",
  components: "SELECT id, status, auto_status, updated_at FROM components WHERE id LIKE 'coalescecmp%' ORDER BY id",
  statusChanges: "SELECT component_id, from_status, to_status, at FROM component_status_changes WHERE component_id LIKE 'coalescecmp%' ORDER BY id",
  deliveries: "SELECT * FROM deliveries WHERE integration_id = ?1 ORDER BY id",
  integration: "SELECT last_delivery_at FROM integrations WHERE id = ?1",
};

async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) {
    const statement = env.DB.prepare(sql);
    out[name] = (await (sql.includes("?1") ? statement.bind(INTEGRATION) : statement).all()).results;
  }
  return out;
}

async function reset() {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM incidents WHERE id IN (SELECT incident_id FROM alerts WHERE integration_id = ?1)").bind(INTEGRATION),
    env.DB.prepare("DELETE FROM alerts WHERE integration_id = ?1").bind(INTEGRATION),
    env.DB.prepare("DELETE FROM deliveries WHERE integration_id = ?1").bind(INTEGRATION),
    env.DB.prepare("DELETE FROM component_status_changes WHERE component_id LIKE 'coalescecmp%'"),
    env.DB.prepare("UPDATE components SET status = 'operational', auto_status = 'operational', updated_at = ?1 WHERE id LIKE 'coalescecmp%'").bind(at(0)),
    env.DB.prepare("UPDATE integrations SET last_delivery_at = NULL WHERE id = ?1").bind(INTEGRATION),
  ]);
}

async function sameEndState(batches: AlertEvent[][]) {
  const statements = deliveries(batches);
  await reset();
  for (const one of statements) await env.DB.batch(one.map((s) => prepare(env.DB, s)));
  const oneByOne = await snapshot();
  await reset();
  const group = coalesceGroup(statements.flat());
  await env.DB.batch(group.map((s) => prepare(env.DB, s)));
  const coalesced = await snapshot();
  await reset();
  return { oneByOne, coalesced, group, statements };
}

describe("a coalesced projection group", () => {
  it("re-triggers of one alert: one alert upsert, one incident upsert, one log insert, one last-delivery update; D1 ends the same", async () => {
    const r = await sameEndState([[event("a1", "trigger", 1)], [event("a1", "trigger", 2)], [event("a1", "trigger", 3)], [event("a1", "trigger", 4)]]);
    expect(r.coalesced).toEqual(r.oneByOne);
    expect(r.oneByOne.alerts).toHaveLength(1);
    expect(r.oneByOne.deliveries).toHaveLength(4);
    const upserts = (table: string) => r.group.filter((s) => s.sql.startsWith(`INSERT INTO ${table} `)).length;
    expect(upserts("alerts")).toBe(1);
    expect(upserts("incidents")).toBe(1);
    expect(upserts("deliveries")).toBe(1);
    expect(r.group.filter((s) => s.sql.startsWith("UPDATE integrations SET last_delivery_at")).length).toBe(1);
    expect(r.group.length).toBeLessThan(r.statements.flat().length);
  });

  it("alerts opening, joining, resolving and reopening incidents across the group end as they would one by one", async () => {
    const r = await sameEndState([
      [event("a1", "trigger", 1)],
      [event("a2", "trigger", 2, "warning")],
      [event("a1", "acknowledge", 3)],
      [event("a1", "resolve", 4), event("a2", "trigger", 5, "error")],
      [event("a2", "resolve", 6)],
      [event("a3", "trigger", 7, "error"), event("a1", "trigger", 8)],
      [event("a3", "resolve", 9)],
    ]);
    expect(r.coalesced).toEqual(r.oneByOne);
    expect(r.oneByOne.incidents.length).toBeGreaterThanOrEqual(1);
    expect(r.oneByOne.incidentUpdates.length).toBeGreaterThan(2);
    expect(r.oneByOne.statusChanges.length).toBeGreaterThan(1);
    expect(r.group.filter((s) => s.sql.startsWith("INSERT INTO alerts ")).length).toBe(1);
  });
});

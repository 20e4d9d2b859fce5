// getUptime against a real D1: per-component daily uptime from component_status_changes, with each
// day's incidents, read through the (component_id, at) index.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { getUptime } from "../../db/uptime";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const at = (daysAgo: number, time: string) => new Date(Date.parse(`2026-11-20T${time}Z`) - daysAgo * 86_400_000).toISOString();

beforeAll(async () => {
  const db = env.DB;
  const comp = (id: string, created: string, status = "operational") =>
    db
      .prepare("INSERT INTO components (id, slug, name, position, status, auto_status, created_at, updated_at) VALUES (?1, ?1, ?1, 1, ?2, ?2, ?3, ?3)")
      .bind(id, status, created);
  const change = (component: string, from: string, to: string, when: string) =>
    db.prepare("INSERT INTO component_status_changes (component_id, from_status, to_status, at) VALUES (?1, ?2, ?3, ?4)").bind(component, from, to, when);
  await db.batch([
    comp("cmpuptimeold", "2025-01-01T00:00:00.000Z"),
    comp("cmpuptimenew", at(2, "12:00:00.000")),
    comp("cmpuptimedwn", "2025-01-01T00:00:00.000Z", "major_outage"),
    // Long before the window: partial outage until 100 days ago, then fine; an hour down 5 days ago.
    change("cmpuptimeold", "operational", "partial_outage", at(120, "00:00:00.000")),
    change("cmpuptimeold", "partial_outage", "operational", at(100, "00:00:00.000")),
    change("cmpuptimeold", "operational", "major_outage", at(5, "10:00:00.000")),
    change("cmpuptimeold", "major_outage", "operational", at(5, "11:00:00.000")),
    // Down since before the window and still down.
    change("cmpuptimedwn", "operational", "major_outage", at(200, "00:00:00.000")),
    db
      .prepare(
        `INSERT INTO incidents (id, kind, name, status, impact, automatic, started_at, resolved_at, created_at, updated_at) VALUES
         ('incuptime001', 'incident', 'Old outage', 'resolved', 'critical', 1, ?1, ?2, ?1, ?2),
         ('incuptime002', 'incident', 'Still open', 'investigating', 'major', 1, ?3, NULL, ?3, ?3),
         ('mntuptime001', 'maintenance', 'Not an incident', 'completed', 'maintenance', 0, ?1, ?2, ?1, ?2)`,
      )
      .bind(at(5, "10:00:00.000"), at(5, "11:30:00.000"), at(1, "23:00:00.000")),
    db.prepare(
      "INSERT INTO incident_components (incident_id, component_id) VALUES ('incuptime001', 'cmpuptimeold'), ('incuptime002', 'cmpuptimeold'), ('mntuptime001', 'cmpuptimeold')",
    ),
  ]);
});

describe("getUptime", () => {
  it("counts each day from the status changes, with that day's incidents", async () => {
    const uptime = await getUptime(env.DB, { now: NOW });
    const old = uptime.cmpuptimeold!;
    expect(old.days).toHaveLength(90);
    const fiveDaysAgo = old.days[84]!;
    expect(fiveDaysAgo).toMatchObject({ date: "2026-11-15", uptime: 95.83, major_outage_seconds: 3600 });
    expect(fiveDaysAgo.incidents).toEqual([{ id: "incuptime001", name: "Old outage", impact: "critical" }]);
    // The still-open incident shows on every day since it began, maintenance never.
    expect(old.days[88]!.incidents.map((i) => i.id)).toEqual(["incuptime002"]);
    expect(old.days[89]!.incidents.map((i) => i.id)).toEqual(["incuptime002"]);
    expect(old.days.filter((d) => d.uptime === 100)).toHaveLength(89);
    expect(old.uptime).toBeGreaterThan(99.9);
    expect(old.uptime).toBeLessThan(100);
  });

  it("a component created two days ago has no data before that", async () => {
    const { days, uptime } = (await getUptime(env.DB, { now: NOW })).cmpuptimenew!;
    expect(days.slice(0, 87).every((d) => d.uptime === null)).toBe(true);
    expect(days.slice(87).map((d) => d.uptime)).toEqual([100, 100, 100]);
    expect(uptime).toBe(100);
  });

  it("a status set before the window carries through it", async () => {
    const { days, uptime } = (await getUptime(env.DB, { now: NOW })).cmpuptimedwn!;
    expect(days.every((d) => d.uptime === 0)).toBe(true);
    expect(uptime).toBe(0);
  });

  it("reads status changes through the (component_id, at) index", async () => {
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT at, from_status, to_status FROM component_status_changes
       WHERE component_id = ?1 AND at >= ?2 AND at <= ?3 ORDER BY at, id`,
    )
      .bind("x", "a", "b")
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toMatch(/USING INDEX status_changes_component_at_idx \(component_id=\? AND at>\? AND at<\?\)/);
  });
});

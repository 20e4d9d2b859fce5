// Daily uptime per component, from component_status_changes, the way Statuspage's uptime showcase
// counts it: time in `major_outage` is downtime, time in `partial_outage` counts as 30 % downtime
// (most users still get through), and `degraded_performance` and `under_maintenance` count as up.
// Days are UTC days; the current day counts up to now; days before the component's start_date (or
// creation) have no data.
import { KeyMasker, type KeyRecord } from "../domain/mask";
import { type ComponentStatus, type Impact, weightedDowntime } from "../domain/status";
import { PUBLISHED } from "./incident-filters";
import { type Read, readOne, rowsOf } from "./reads";

export const UPTIME_DAYS = 90;

export interface UptimeIncident {
  id: string;
  name: string;
  impact: Impact;
}

export interface UptimeDay {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** Percent, two decimals, never rounded up; null when the component did not exist yet. */
  uptime: number | null;
  major_outage_seconds: number;
  partial_outage_seconds: number;
  degraded_performance_seconds: number;
  /** Incidents affecting the component that were open at some time that day. */
  incidents: UptimeIncident[];
}

export interface ComponentUptime {
  component_id: string;
  /** Over the whole window, same weighting; null when there is no data at all. */
  uptime: number | null;
  days: UptimeDay[];
}

export interface StatusChange {
  at: string;
  to: ComponentStatus;
}

const DAY_MS = 86_400_000;
const floor2 = (x: number) => Math.floor(x * 100 + 1e-9) / 100;
const utcMidnight = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;

/** The first day of an n-day window ending today (UTC), as a timestamp. */
export function uptimeWindowStart(now: Date, days = UPTIME_DAYS): number {
  return utcMidnight(now.getTime()) - (days - 1) * DAY_MS;
}

/**
 * Pure: per-day seconds in each status and the weighted uptime, from the status at the start of the
 * window and the changes inside it (ascending).
 */
export function dailyUptime(input: {
  statusAtStart: ComponentStatus;
  changes: StatusChange[];
  now: Date;
  days?: number;
  /** When the component began to exist; days before it have no data. */
  since?: Date | null;
}): Omit<UptimeDay, "incidents">[] {
  const days = input.days ?? UPTIME_DAYS;
  const now = input.now.getTime();
  const start = uptimeWindowStart(input.now, days);
  const since = input.since ? Math.max(start, input.since.getTime()) : start;
  // Status segments [from, to) covering the window.
  const segments: Array<{ from: number; to: number; status: ComponentStatus }> = [];
  let cursor = start;
  let status = input.statusAtStart;
  for (const ch of input.changes) {
    const at = Math.min(Math.max(Date.parse(ch.at), start), now);
    if (at > cursor) segments.push({ from: cursor, to: at, status });
    cursor = Math.max(cursor, at);
    status = ch.to;
  }
  if (now > cursor) segments.push({ from: cursor, to: now, status });

  const out: Omit<UptimeDay, "incidents">[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY_MS;
    const from = Math.max(dayStart, since);
    const to = Math.min(dayStart + DAY_MS, now);
    const secs: Record<ComponentStatus, number> = {
      operational: 0,
      under_maintenance: 0,
      degraded_performance: 0,
      partial_outage: 0,
      major_outage: 0,
    };
    for (const seg of segments) {
      const overlap = Math.min(seg.to, to) - Math.max(seg.from, from);
      if (overlap > 0) secs[seg.status] = (secs[seg.status] ?? 0) + overlap / 1000;
    }
    const observed = Math.max(0, (to - from) / 1000);
    const down = weightedDowntime(secs.major_outage, secs.partial_outage);
    out.push({
      date: new Date(dayStart).toISOString().slice(0, 10),
      uptime: observed > 0 ? floor2(100 * (1 - down / observed)) : null,
      major_outage_seconds: Math.round(secs.major_outage),
      partial_outage_seconds: Math.round(secs.partial_outage),
      degraded_performance_seconds: Math.round(secs.degraded_performance),
    });
  }
  return out;
}

/** Weighted uptime over several days, from their seconds (null when no day has data). */
export function windowUptime(
  days: Array<Pick<UptimeDay, "date" | "uptime" | "major_outage_seconds" | "partial_outage_seconds">>,
  now: Date,
  since?: Date | null,
): number | null {
  let observed = 0;
  let down = 0;
  const nowMs = now.getTime();
  for (const d of days) {
    if (d.uptime === null) continue;
    const dayStart = Date.parse(`${d.date}T00:00:00.000Z`);
    const from = Math.max(dayStart, since?.getTime() ?? dayStart);
    observed += Math.max(0, (Math.min(dayStart + DAY_MS, nowMs) - from) / 1000);
    down += weightedDowntime(d.major_outage_seconds, d.partial_outage_seconds);
  }
  return observed > 0 ? floor2(100 * (1 - down / observed)) : null;
}

interface UptimeComponentRow {
  id: string;
  status: ComponentStatus;
  start_date: string | null;
  created_at: string;
  before_status: ComponentStatus | null;
  /** JSON `[[at, from_status, to_status], ...]`, ascending. */
  changes: string;
}

interface UptimeIncidentRow {
  component_id: string;
  id: string;
  name: string;
  impact: Impact;
  started_at: string;
  ended_at: string;
}

/**
 * Daily uptime of every component of a page (the first by default) over the last `days` days, with each day's incidents. Two indexed
 * reads: per component, the last change before the window and the changes inside it (both on
 * status_changes_component_at_idx), and the incidents open during the window. Raw SQL: the changes
 * come aggregated per component (json_group_array of a correlated subquery), which drizzle cannot write.
 */
export function uptimeRead(db: D1Database, opts: { now?: Date; days?: number; page?: number } = {}): Read<Record<string, ComponentUptime>> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? UPTIME_DAYS;
  const startIso = new Date(uptimeWindowStart(now, days)).toISOString();
  const nowIso = now.toISOString();
  return {
    statements: [
      db
        .prepare(
          `SELECT c.id, c.status, c.start_date, c.created_at,
             (SELECT to_status FROM component_status_changes WHERE component_id = c.id AND at < ?1 ORDER BY at DESC, id DESC LIMIT 1) AS before_status,
             (SELECT json_group_array(json_array(at, from_status, to_status)) FROM
                (SELECT at, from_status, to_status FROM component_status_changes
                 WHERE component_id = c.id AND at >= ?1 AND at <= ?2 ORDER BY at, id)) AS changes
           FROM components c WHERE c.page = ?3`,
        )
        .bind(startIso, nowIso, opts.page ?? 1),
      db
        .prepare(
          `SELECT ic.component_id, i.id, i.name, i.impact, i.started_at, coalesce(i.resolved_at, ?2) AS ended_at
           FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
           WHERE i.page = ?3 AND i.kind = 'incident' AND ${PUBLISHED} AND i.started_at <= ?2 AND (i.resolved_at IS NULL OR i.resolved_at >= ?1)
           ORDER BY i.started_at`,
        )
        .bind(startIso, nowIso, opts.page ?? 1),
      db.prepare("SELECT key_prefix, key_hash FROM integrations"),
    ],
    async result([comps, incs, keys]) {
      const incidents = rowsOf<UptimeIncidentRow>(incs);
      const masker = await new KeyMasker(rowsOf<KeyRecord>(keys)).prepare(incidents.map((r) => r.name));
      const out: Record<string, ComponentUptime> = {};
      for (const r of rowsOf<UptimeComponentRow>(comps)) {
        const raw = JSON.parse(r.changes) as [string, ComponentStatus, ComponentStatus][];
        const changes = raw.map(([at, , to]): StatusChange => ({ at, to }));
        // Before the window: the last change's new status; else the first change's old one; else now's.
        const statusAtStart = r.before_status ?? raw[0]?.[1] ?? r.status;
        const sinceRaw = r.start_date || r.created_at;
        const sinceMs = sinceRaw ? Date.parse(sinceRaw) : NaN;
        const since = Number.isNaN(sinceMs) ? null : new Date(sinceMs);
        const daysOut = dailyUptime({ statusAtStart, changes, now, days, since }).map((d) => ({ ...d, incidents: [] as UptimeIncident[] }));
        out[r.id] = { component_id: r.id, uptime: windowUptime(daysOut, now, since), days: daysOut };
      }
      const start = uptimeWindowStart(now, days);
      for (const r of incidents) {
        const u = out[r.component_id];
        if (!u) continue;
        const first = Math.max(0, Math.floor((utcMidnight(Date.parse(r.started_at)) - start) / DAY_MS));
        const last = Math.min(days - 1, Math.floor((Date.parse(r.ended_at) - start) / DAY_MS));
        for (let d = first; d <= last; d++) {
          u.days[d]!.incidents.push({ id: r.id, name: masker.mask(r.name), impact: r.impact });
        }
      }
      return out;
    },
  };
}

export const getUptime = (db: D1Database, opts: { now?: Date; days?: number; page?: number } = {}) => readOne(db, uptimeRead(db, opts));

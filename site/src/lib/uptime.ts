// How a day of uptime is drawn: its colour level and the text shown on hover or tap.
import type { ComponentUptime, UptimeDay } from "../../../db/queries";

/**
 * Colour level of a day, from its weighted downtime (db/queries.ts: major outage counts fully,
 * partial outage 30 %): "" operational all day; l1 degraded or under 10 min down; l2 under an hour;
 * l3 an hour or more; l0 no data.
 */
export function dayLevel(d: UptimeDay): "" | "l0" | "l1" | "l2" | "l3" {
  if (d.uptime === null) return "l0";
  const down = (d.major_outage_seconds + 0.3 * d.partial_outage_seconds) / 60;
  if (down >= 60) return "l3";
  if (down >= 10) return "l2";
  // uptime below 100 catches an outage shorter than the second the durations are counted in.
  if (down > 0 || d.degraded_performance_seconds > 0 || d.uptime < 100) return "l1";
  return "";
}

const duration = (s: number) => {
  const m = Math.round(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
};

export const percent = (u: number | null) => (u === null ? "No data" : `${u.toFixed(u === 100 ? 0 : 2)} % uptime`);

/** Lines of the day's tooltip after its date: uptime, time per status, then incident names. */
export function dayLines(d: UptimeDay): string[] {
  const lines = [percent(d.uptime)];
  const parts = [
    d.major_outage_seconds && `Major outage ${duration(d.major_outage_seconds)}`,
    d.partial_outage_seconds && `Partial outage ${duration(d.partial_outage_seconds)}`,
    d.degraded_performance_seconds && `Degraded ${duration(d.degraded_performance_seconds)}`,
  ].filter(Boolean);
  if (parts.length) lines.push(parts.join(" · "));
  return [...lines, ...d.incidents.map((i) => i.name)];
}

/** Days worth a tooltip of their own (any downtime, degradation or incident); the rest are plain. */
export const notable = (d: UptimeDay) => dayLevel(d) !== "" || d.incidents.length > 0;

export const emptyUptime = (id: string): ComponentUptime => ({ component_id: id, uptime: null, days: [] });

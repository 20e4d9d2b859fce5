// How a day of uptime is drawn: its colour level and the text shown on hover or tap.
import type { ComponentUptime, UptimeDay } from "../../../db/queries";
import { durationText, format, type Language, messages, percentText } from "../../../i18n";

/**
 * Colour level of a day, from its weighted downtime (db/uptime.ts: major outage counts fully,
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

export const percent = (u: number | null, lang: Language = "en") =>
  u === null ? messages(lang).page.no_data : format(messages(lang).page.uptime, { percent: percentText(lang, u) });

/** Lines of the day's tooltip after its date: uptime, time per status, then incident names. */
export function dayLines(d: UptimeDay, lang: Language = "en"): string[] {
  const lines = [percent(d.uptime, lang)];
  const status = messages(lang).status;
  const parts = [
    d.major_outage_seconds && `${status.major_outage} ${durationText(lang, d.major_outage_seconds)}`,
    d.partial_outage_seconds && `${status.partial_outage} ${durationText(lang, d.partial_outage_seconds)}`,
    d.degraded_performance_seconds && `${status.degraded_performance} ${durationText(lang, d.degraded_performance_seconds)}`,
  ].filter(Boolean);
  if (parts.length) lines.push(parts.join(" · "));
  return [...lines, ...d.incidents.map((i) => i.name)];
}

/** Days worth a tooltip of their own (any downtime, degradation or incident); the rest are plain. */
export const notable = (d: UptimeDay) => dayLevel(d) !== "" || d.incidents.length > 0;

export const emptyUptime = (id: string): ComponentUptime => ({ component_id: id, uptime: null, days: [] });

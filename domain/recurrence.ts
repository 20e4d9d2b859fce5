// Recurring maintenance: a rule (weekly on given days at a time in the page's time zone, or every N
// days from its first day; a duration; an optional last day) and the occurrences it makes. Pure: the
// cron creates the occurrences that start in the next days (worker/ingestor-maintenance.ts).
import { zonedToUtc } from "./maintenance";

export interface RecurrenceRule {
  frequency: "weekly" | "interval";
  /** weekly: ISO weekdays, 1 (Monday) to 7 (Sunday). */
  weekdays: number[];
  /** interval: every this many days from `startsOn`. */
  intervalDays: number | null;
  /** `HH:MM`, wall-clock time in the page's time zone. */
  startTime: string;
  /** `YYYY-MM-DD`: the first day an occurrence may start on. */
  startsOn: string;
  /** `YYYY-MM-DD`: the last day an occurrence may start on; null: no end. */
  endsOn: string | null;
  durationMinutes: number;
}

export interface Occurrence {
  scheduledFor: string;
  scheduledUntil: string;
}

/** How far ahead the cron creates occurrences. */
export const OCCURRENCE_HORIZON_DAYS = 14;
const DAY = 86_400_000;

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
/** ISO weekday (1 Monday … 7 Sunday) of a calendar date. */
const isoWeekday = (n: number) => ((new Date(n * DAY).getUTCDay() + 6) % 7) + 1;

/** The occurrences whose start falls in [from, to), soonest first. */
export function occurrences(rule: RecurrenceRule, timeZone: string, from: string, to: string): Occurrence[] {
  const [start, end] = [Date.parse(from), Date.parse(to)];
  const first = dayNumber(rule.startsOn);
  // Calendar days around the window (a zone is at most 14 hours from UTC), within the rule's own days.
  let day = Math.max(first, Math.floor(start / DAY) - 1);
  const last = Math.min(rule.endsOn ? dayNumber(rule.endsOn) : Number.POSITIVE_INFINITY, Math.floor(end / DAY) + 1);
  const out: Occurrence[] = [];
  for (; day <= last; day++) {
    const on = rule.frequency === "weekly" ? rule.weekdays.includes(isoWeekday(day)) : (day - first) % Math.max(1, rule.intervalDays ?? 1) === 0;
    if (!on) continue;
    const at = zonedToUtc(`${dateOf(day)}T${rule.startTime}`, timeZone);
    if (!at || at.getTime() < start || at.getTime() >= end) continue;
    out.push({ scheduledFor: at.toISOString(), scheduledUntil: new Date(at.getTime() + rule.durationMinutes * 60_000).toISOString() });
  }
  return out;
}

/** Why a rule cannot be kept, naming the field; null when it can. Its occurrences never overlap one another. */
export function ruleError(rule: RecurrenceRule): { field: string; error: string } | null {
  if (rule.endsOn && rule.endsOn < rule.startsOn) return { field: "ends_on", error: "`ends_on` must not be before `starts_on`" };
  let gapDays: number;
  if (rule.frequency === "weekly") {
    const days = [...new Set(rule.weekdays)].sort((a, b) => a - b);
    if (!days.length) return { field: "weekdays", error: "`weekdays` must name at least one day (1 Monday … 7 Sunday)" };
    gapDays = days.length === 1 ? 7 : Math.min(...days.map((d, i) => (i === 0 ? d + 7 - days.at(-1)! : d - days[i - 1]!)));
  } else {
    if (!rule.intervalDays || rule.intervalDays < 1) return { field: "interval_days", error: "`interval_days` must be a whole number of days, at least 1" };
    gapDays = rule.intervalDays;
  }
  if (rule.durationMinutes > gapDays * 1440)
    return { field: "duration_minutes", error: `\`duration_minutes\` must not exceed the ${gapDays * 1440} minutes between two occurrences` };
  return null;
}

// The time-driven decisions the cron trigger makes (worker/scheduled.ts): maintenance windows opening
// and closing, and quiet incidents resolving on their own. Pure: the ingestor loads, decides, writes.
import type { ComponentPatch } from "./admin-actions";
import type { MaintenanceStatus } from "./status";

export interface MaintenanceWindow {
  id: string;
  status: MaintenanceStatus;
  scheduledFor: string;
  scheduledUntil: string;
  componentIds: string[];
}

/** A maintenance shows its components under_maintenance while in progress or being verified. */
export const isActive = (status: MaintenanceStatus) => status === "in_progress" || status === "verifying";

export type MaintenanceTransition = { id: string; to: "in_progress" | "completed" };

/**
 * The windows that start or end at `now`. A window the cron missed entirely (scheduled, already
 * over) completes without ever starting: showing a past maintenance as active would be wrong.
 */
export function dueMaintenanceTransitions(windows: MaintenanceWindow[], now: string): MaintenanceTransition[] {
  const out: MaintenanceTransition[] = [];
  const t = Date.parse(now);
  for (const w of windows) {
    const over = Date.parse(w.scheduledUntil) <= t;
    if (w.status === "scheduled") {
      if (over) out.push({ id: w.id, to: "completed" });
      else if (Date.parse(w.scheduledFor) <= t) out.push({ id: w.id, to: "in_progress" });
    } else if (isActive(w.status) && over) {
      out.push({ id: w.id, to: "completed" });
    }
  }
  return out;
}

/**
 * The in_maintenance flag of every component of the windows that change, once `transitions` apply
 * to `open` (every window not completed). A component stays in maintenance while any other active
 * window still covers it.
 */
export function maintenanceFlagPatches(open: MaintenanceWindow[], transitions: Map<string, MaintenanceStatus>): Map<string, ComponentPatch> {
  const after = open.map((w) => ({ ...w, status: transitions.get(w.id) ?? w.status }));
  const covered = new Set(after.filter((w) => isActive(w.status)).flatMap((w) => w.componentIds));
  const patches = new Map<string, ComponentPatch>();
  for (const w of after) {
    if (!transitions.has(w.id)) continue;
    for (const id of w.componentIds) patches.set(id, { inMaintenance: covered.has(id) });
  }
  return patches;
}

export interface QuietCandidate {
  id: string;
  status: string;
  resolvedAt: string | null;
  monitoringAt: string | null;
  lastAlertAt: string | null;
}

/**
 * Incidents to auto-resolve: in `monitoring`, with no alert activity (last alert, or the move to
 * monitoring) for `minutes`. Null or zero minutes: an operator resolves.
 */
export function dueAutoResolve(incidents: QuietCandidate[], minutes: number | null, now: string): string[] {
  if (!minutes || minutes <= 0) return [];
  const cutoff = Date.parse(now) - minutes * 60_000;
  return incidents
    .filter((i) => {
      if (i.status !== "monitoring" || i.resolvedAt) return false;
      const last = Math.max(Date.parse(i.monitoringAt ?? "") || 0, Date.parse(i.lastAlertAt ?? "") || 0);
      return last > 0 && last <= cutoff;
    })
    .map((i) => i.id);
}

/** A window is valid when it ends after it starts and has not ended already. */
export function windowError(scheduledFor: string, scheduledUntil: string, now: string): { field: string; error: string } | null {
  if (Date.parse(scheduledUntil) <= Date.parse(scheduledFor)) return { field: "scheduled_until", error: "`scheduled_until` must be after `scheduled_for`" };
  if (Date.parse(scheduledUntil) <= Date.parse(now)) return { field: "scheduled_until", error: "`scheduled_until` is in the past" };
  return null;
}

/**
 * A wall-clock time ("2026-11-20T09:30", as an HTML datetime-local field sends it) in an IANA time
 * zone, as an instant. Null when unparseable. DST gaps resolve forward, as clocks do.
 */
export function zonedToUtc(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(wall)) return null;
  // The zone's offset at a guess, refined once: enough for every real zone's transitions.
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return new Date(guess);
}

/** The zone's offset from UTC at `instant`, in ms (positive east of Greenwich). */
export function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant as a datetime-local value in the zone ("2026-11-20T09:30"). */
export function utcToZonedLocal(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  return new Date(t + offsetMs(t, timeZone)).toISOString().slice(0, 16);
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface ReminderCandidate {
  id: string;
  status: MaintenanceStatus;
  scheduledFor: string;
  createdAt: string;
  /** Null: the page's setting; 0: no reminder. */
  remindMinutes: number | null;
}

/**
 * The scheduled windows whose reminder is due at `now`: within their reminder minutes before the start,
 * and scheduled earlier than that (one scheduled closer to its start was just announced, and its start
 * is told next). A window already begun gets none. The caller leaves out those already reminded.
 */
export function dueReminders(windows: ReminderCandidate[], pageMinutes: number, now: string): string[] {
  const t = Date.parse(now);
  return windows
    .filter((w) => {
      const minutes = w.remindMinutes ?? pageMinutes;
      if (w.status !== "scheduled" || minutes <= 0) return false;
      const start = Date.parse(w.scheduledFor);
      const remindAt = start - minutes * 60_000;
      return remindAt <= t && t < start && Date.parse(w.createdAt) < remindAt;
    })
    .map((w) => w.id);
}

import type { ComponentStatus, Severity } from "./status";

/** The canonical alert event every sender's payload is turned into. */
export interface AlertEvent {
  /** Identifies one alert across trigger and resolve, per integration. */
  dedupKey: string;
  action: "trigger" | "acknowledge" | "resolve";
  severity: Severity;
  /** One line, shown as the incident title. */
  summary: string;
  /** Body text, shown in the incident update. */
  details?: string;
  monitor?: { id?: string; name?: string };
  /** Datadog tags `k:v`, Alertmanager/Grafana labels, PagerDuty custom_details. */
  tags: Record<string, string>;
  /** Back to the monitor; shown to operators only. */
  link?: string;
  /** From the payload when present, else receipt time. */
  occurredAt: Date;
  /**
   * A reminder for an alert that already fires (Datadog Renotify, Uptrends Reminder): it keeps the
   * alert firing and attaches to its open incident, but never opens a new one.
   */
  renotify?: boolean;
  /**
   * A status the sender itself asks for while the alert fires (Uptime Kuma maintenance), instead of
   * the one derived from severity. Links may still override it.
   */
  status?: ComponentStatus;
  /**
   * For a trigger the sender re-confirms on a schedule while the problem lasts (Uptime Kuma's
   * "resend if down"): with no further event for this long, the alert is resolved. The sender goes
   * silent without a recovery when a down monitor enters maintenance, comes back up from it, or is
   * paused.
   */
  expiresInSeconds?: number;
}

export const ALERT_ACTIONS = ["trigger", "acknowledge", "resolve"] as const;

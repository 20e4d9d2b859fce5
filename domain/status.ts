// One source of truth for the Statuspage enums and the rules that combine them.

export const SEVERITIES = ["critical", "error", "warning", "info"] as const;

/** An alert's state: firing until its monitor resolves it (acknowledged still fires). */
export const ALERT_STATUSES = ["firing", "acknowledged", "resolved"] as const;

/**
 * Publication. An integration's policy decides what its alerts do in public: `publish` (at
 * once, or after a grace period), `review` (a draft only operators see until one publishes it),
 * `status_only` (components change, no incident), `private` (recorded for operators only).
 */
export const PUBLICATION_POLICIES = ["publish", "review", "status_only", "private"] as const;
export type PublicationPolicy = (typeof PUBLICATION_POLICIES)[number];
/** Where an automatic incident stands: only `published` ones reach the public and the notifications. */
export const INCIDENT_PUBLICATIONS = ["published", "draft", "pending", "suppressed", "discarded"] as const;
export type IncidentPublication = (typeof INCIDENT_PUBLICATIONS)[number];
/** Whether a firing alert counts in its components' public status: `held` until its incident is published. */
export const ALERT_VISIBILITIES = ["public", "held", "private"] as const;
export type AlertVisibility = (typeof ALERT_VISIBILITIES)[number];

/** What a delivery did, in the delivery log (`test`: the sender's own test notification, which changes nothing). */
export const DELIVERY_OUTCOMES = ["accepted", "test", "rejected", "unauthorized", "failed"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const COMPONENT_STATUSES = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved", "postmortem"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "verifying", "completed"] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];
/** Notifications that are not an incident update: before a maintenance starts, and a postmortem published. */
export const NOTICE_KINDS = ["maintenance.reminder", "incident.postmortem"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
/** Recurring maintenance: weekly on given days, or every N days. */
export const RULE_FREQUENCIES = ["weekly", "interval"] as const;

export const IMPACTS = ["none", "minor", "major", "critical"] as const;
export type Impact = (typeof IMPACTS)[number];

export type Indicator = Impact | "maintenance";

/** Severity → component status while the alert fires; `null` means "no change" (info). */
export const statusForSeverity = (severity: Severity): ComponentStatus | null => STATUS_FOR_SEVERITY[severity];
const STATUS_FOR_SEVERITY: Record<Severity, ComponentStatus | null> = {
  critical: "major_outage",
  error: "partial_outage",
  warning: "degraded_performance",
  info: null,
};

export const impactForSeverity = (severity: Severity): Impact => IMPACT_FOR_SEVERITY[severity];
const IMPACT_FOR_SEVERITY: Record<Severity, Impact> = { critical: "critical", error: "major", warning: "minor", info: "none" };

// Ranks follow COMPONENT_STATUSES: maintenance is worse than operational, better than any outage.
const rank = (s: ComponentStatus) => COMPONENT_STATUSES.indexOf(s);

export function worstStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = "operational";
  for (const s of statuses) if (rank(s) > rank(worst)) worst = s;
  return worst;
}

export function worstImpact(impacts: Iterable<Impact>): Impact {
  let worst: Impact = "none";
  for (const i of impacts) if (IMPACTS.indexOf(i) > IMPACTS.indexOf(worst)) worst = i;
  return worst;
}

export function worstSeverity(severities: Iterable<Severity>): Severity | null {
  let worst: Severity | null = null;
  for (const s of severities) if (worst === null || SEVERITIES.indexOf(s) < SEVERITIES.indexOf(worst)) worst = s;
  return worst;
}

/** What a reader sees: an override wins, then active maintenance, then the alerts. */
export function effectiveStatus(c: { autoStatus: ComponentStatus; overrideStatus: ComponentStatus | null; inMaintenance: boolean }): ComponentStatus {
  if (c.overrideStatus) return c.overrideStatus;
  if (c.inMaintenance) return "under_maintenance";
  return c.autoStatus;
}

const INDICATOR_DESCRIPTIONS: Record<Indicator, string> = {
  none: "All Systems Operational",
  minor: "Minor Service Outage",
  major: "Partial System Outage",
  critical: "Major Service Outage",
  maintenance: "Service Under Maintenance",
};

const INDICATOR_FOR_STATUS: Record<ComponentStatus, Impact> = {
  operational: "none",
  under_maintenance: "none",
  degraded_performance: "minor",
  partial_outage: "major",
  major_outage: "critical",
};

/**
 * The page's overall indicator, as Statuspage computes it: the worst of the components and of the
 * impacts of incidents still being worked on. Incidents in `monitoring` no longer raise it: their
 * alerts have recovered and the components say so.
 */
export function pageStatus(
  componentStatuses: ComponentStatus[],
  activeIncidentImpacts: Impact[],
  maintenanceInProgress = false,
): { indicator: Indicator; description: string } {
  const fromComponents = worstImpact(componentStatuses.map((s) => INDICATOR_FOR_STATUS[s]));
  const impact = worstImpact([fromComponents, ...activeIncidentImpacts]);
  const indicator: Indicator = impact === "none" && (maintenanceInProgress || componentStatuses.includes("under_maintenance")) ? "maintenance" : impact;
  return { indicator, description: INDICATOR_DESCRIPTIONS[indicator] };
}

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: "Operational",
  under_maintenance: "Under Maintenance",
  degraded_performance: "Degraded Performance",
  partial_outage: "Partial Outage",
  major_outage: "Major Outage",
};

/**
 * How much of the time in `partial_outage` counts as downtime (Statuspage's uptime showcase: most users
 * still get through); time in `major_outage` counts fully, `degraded_performance` and `under_maintenance` as up.
 */
export const PARTIAL_OUTAGE_WEIGHT = 0.3;

/** Downtime, in seconds, of time spent in a major and a partial outage. */
export const weightedDowntime = (majorOutageSeconds: number, partialOutageSeconds: number) => majorOutageSeconds + PARTIAL_OUTAGE_WEIGHT * partialOutageSeconds;

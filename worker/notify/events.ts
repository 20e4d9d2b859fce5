// The events recipients hear of, loaded from D1 once per committed change (worker/notify/load.ts).
import type { IncidentJson, IncidentUpdateJson } from "../../db/queries";

export type EventType =
  | "incident.created"
  | "incident.updated"
  | "incident.resolved"
  | "incident.postmortem"
  | "maintenance.scheduled"
  | "maintenance.reminder"
  | "maintenance.started"
  | "maintenance.updated"
  | "maintenance.completed"
  | "component.updated"
  | "test";

/** What an operator channel can ask to hear (NULL events: incident + maintenance). */
export const NOTIFY_GROUPS = ["incident", "maintenance", "component"] as const;
export type NotifyGroup = (typeof NOTIFY_GROUPS)[number];
export const DEFAULT_GROUPS: NotifyGroup[] = ["incident", "maintenance"];
export const groupOf = (type: EventType): NotifyGroup =>
  type.startsWith("maintenance.") ? "maintenance" : type === "component.updated" ? "component" : "incident";

export interface PageRef {
  id: string;
  name: string;
  url: string;
  status_indicator: string;
  status_description: string;
}

export interface NotifyEvent {
  /** Stable per change: the incident update id, `csc<n>` for a component status change, `ntc<n>` for a notice. */
  id: string;
  type: EventType;
  /** The components it touches: recipients limited to components hear only of these. */
  componentIds: string[];
  page: PageRef;
  /** The page it happened on (`page_settings.id`; absent: page 1): only that page's subscribers, and channels of that page or of every page, hear of it. */
  pageNumber?: number;
  /** The base URL of that page's links (its host name or prefix); absent: the public base URL. */
  base?: string;
  /** The incident or maintenance, its updates newest first (Statuspage's shape). */
  incident?: IncidentJson;
  /** The update this event is about. */
  update?: IncidentUpdateJson;
  component_update?: { id: string; component_id: string; old_status: string; new_status: string; created_at: string };
  component?: { id: string; name: string; status: string; created_at: string };
  generated_at: string;
}

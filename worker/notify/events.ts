// The events recipients hear of, as loaded from D1 once per change.
export type EventType =
  | "incident.created"
  | "incident.updated"
  | "incident.resolved"
  | "maintenance.scheduled"
  | "maintenance.started"
  | "maintenance.updated"
  | "maintenance.completed"
  | "component.updated"
  | "test";

export interface NotifyEvent {
  /** Stable per change: the incident update id, or `csc_<n>` for a component status change. */
  id: string;
  type: EventType;
  /** Which components it touches (subscribers and channels limited to components hear only of these). */
  componentIds: string[];
  /** Statuspage webhook body parts, filled by the fan-out (worker/notify/load.ts). */
  page: { id: string; name: string; status_indicator: string; status_description: string };
  incident?: Record<string, unknown> & { id: string; name: string; status: string; impact: string; shortlink: string | null };
  component_update?: { id: string; component_id: string; old_status: string; new_status: string; created_at: string };
  component?: { id: string; name: string; status: string; created_at: string };
  generated_at: string;
}

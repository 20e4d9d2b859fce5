// What the incident pages and the dashboard share: an incident's links, components, update and resolve
// forms, the component checklist, and a draft's publish and discard.
import type { FC } from "hono/jsx";
import { displayOrder } from "../../db/queries";
import { INCIDENT_UPDATE_STATUSES } from "../../domain/admin-actions";
import { COMPONENT_STATUS_LABELS, MAINTENANCE_STATUSES, type Severity, statusForSeverity, worstStatus } from "../../domain/status";
import type { ComponentJson, GroupJson } from "./catalog";
import type { AdminIncidentJson } from "./incidents";
import { Field, MessageField, PostForm, Status, StatusSelect, Time } from "./layout";

/** The components an incident affects, each with its status. */
export const ComponentTags: FC<{ components: AdminIncidentJson["components"] }> = ({ components }) => (
  <>
    {components.map((c) => (
      <span class="tag">
        {c.name} <Status status={c.status} />
      </span>
    ))}
  </>
);

/** An incident's or maintenance's name, linking to its page. */
export const IncidentLink: FC<{ incident: AdminIncidentJson }> = ({ incident }) => <a href={`/admin/incidents/${incident.id}`}>{incident.name}</a>;

/** A maintenance window, from start to end, in the page's time zone. */
export const Window: FC<{ maintenance: AdminIncidentJson; tz: string }> = ({ maintenance: m, tz }) => (
  <>
    <Time iso={m.scheduled_for} tz={tz} /> – <Time iso={m.scheduled_until} tz={tz} />
  </>
);

/** The status an operator most likely posts next: preselected, never submitted without a click. */
function nextStatus(i: AdminIncidentJson): string {
  if (i.kind === "maintenance") return i.status === "scheduled" ? "in_progress" : i.status;
  return i.status === "investigating" ? "identified" : i.status === "identified" ? "monitoring" : i.status;
}

export const ResolveButton: FC<{ incident: AdminIncidentJson }> = ({ incident }) =>
  incident.kind === "maintenance" ? (
    <PostForm action={`/admin/incidents/${incident.id}/updates`} class="inline">
      <input type="hidden" name="status" value="completed" />
      <button type="submit" class="resolve">
        Complete maintenance
      </button>
    </PostForm>
  ) : (
    <PostForm action={`/admin/incidents/${incident.id}/resolve`} class="inline">
      <button type="submit" class="resolve">
        Resolve
      </button>
    </PostForm>
  );

/** Dismisses a firing alert the monitor will never clear: resolved as if the monitor had sent it. */
export const ResolveAlertForm: FC<{ id: string }> = ({ id }) => (
  <PostForm action={`/admin/alerts/${id}/resolve`} class="inline">
    <button type="submit" title="Resolve this alert as if its monitor had: its components follow their other alerts">
      Resolve alert
    </button>
  </PostForm>
);

export const UpdateForm: FC<{ incident: AdminIncidentJson; components: ComponentJson[] }> = ({ incident, components }) => {
  const statuses =
    incident.kind === "maintenance" ? MAINTENANCE_STATUSES.filter((s) => s !== "scheduled" || incident.status === "scheduled") : INCIDENT_UPDATE_STATUSES;
  const selected = nextStatus(incident);
  const own = new Set(incident.components.map((c) => c.id));
  return (
    <PostForm action={`/admin/incidents/${incident.id}/updates`} class="stack">
      <div class="row">
        <label>
          New status{" "}
          <select name="status">
            {statuses.map((s) => (
              <option value={s} selected={s === selected}>
                {s.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
      </div>
      <MessageField placeholder="What is happening, for the public page (a standard text is used when empty)" />
      <details>
        <summary>Component statuses</summary>
        <div class="checks">
          {[...incident.components, ...components.filter((c) => !own.has(c.id))].map((c) => (
            <label>
              {c.name} <Status status={c.status} /> <StatusSelect name={`component_${c.id}`} noChange automatic label={`status of ${c.name}`} />
            </label>
          ))}
        </div>
        <p class="muted">Resolving also clears the overrides on the incident's components unless set here.</p>
      </details>
      <div>
        <button type="submit" class="primary">
          Post update
        </button>
      </div>
    </PostForm>
  );
};

export const inDisplayOrder = (components: ComponentJson[], groups: GroupJson[]): ComponentJson[] => displayOrder(groups, components).flatMap((t) => t.members);

export const ComponentChecks: FC<{ components: ComponentJson[]; groups: GroupJson[]; name?: string; checked?: string[] }> = ({
  components,
  groups,
  name = "component_ids",
  checked = [],
}) => {
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return (
    <div class="checks">
      {inDisplayOrder(components, groups).map((c) => (
        <label>
          <input type="checkbox" name={name} value={c.id} checked={checked.includes(c.id)} /> {c.name}
          {c.group_id && <span class="muted"> ({groupName.get(c.group_id)})</span>}
        </label>
      ))}
    </div>
  );
};

// ── Drafts, grace periods and suppressed blips ──────────────────────

/** What the draft's firing alerts would show on its components once published. */
function wouldShow(i: AdminIncidentJson): string {
  const statuses = i.alerts.filter((a) => a.status !== "resolved").flatMap((a) => statusForSeverity(a.severity as Severity) ?? []);
  return statuses.length ? COMPONENT_STATUS_LABELS[worstStatus(statuses)] : "no change (its alerts recovered)";
}

/** Publish (optionally with a new name and first update) and discard: one action each. */
export const DraftActions: FC<{ incident: AdminIncidentJson }> = ({ incident: i }) => {
  const first = i.incident_updates.at(-1);
  return (
    <div class="stack">
      <PostForm action={`/admin/incidents/${i.id}/publish`} class="stack">
        <Field label="Public name" name="name" value={i.name} required maxlength={255} />
        <label>
          First update
          <textarea name="body" rows={3} maxlength={10000} required>
            {first?.body ?? ""}
          </textarea>
        </label>
        <div>
          <button type="submit" class="primary">
            Publish
          </button>{" "}
          <span class="muted">shown everywhere and notified once; its components go to {wouldShow(i)}</span>
        </div>
      </PostForm>
      <PostForm action={`/admin/incidents/${i.id}/discard`} class="inline">
        <label>
          <input type="checkbox" name="confirm" value="yes" required /> sure (it never reaches the public)
        </label>
        <button type="submit" class="danger">
          Discard
        </button>
      </PostForm>
    </div>
  );
};

/** Where an incident that is not public stands, in words. */
export const PublicationNote: FC<{ incident: AdminIncidentJson; tz: string }> = ({ incident: i, tz }) => {
  switch (i.publication) {
    case "draft":
      return <span class="tag">draft: only operators see it{i.status === "monitoring" ? "; its alerts recovered" : ""}</span>;
    case "pending":
      return (
        <span class="tag">
          grace period: published at <Time iso={i.publish_at} tz={tz} /> if still firing
        </span>
      );
    case "suppressed":
      return <span class="tag">suppressed blip: recovered within its grace period, never public</span>;
    case "discarded":
      return <span class="tag">discarded: never public</span>;
    default:
      return null;
  }
};

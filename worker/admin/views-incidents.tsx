// The pages operators use during an incident: the dashboard, an incident, maintenance.
import type { FC } from "hono/jsx";
import { displayOrder } from "../../db/queries";
import { INCIDENT_UPDATE_STATUSES } from "../../domain/admin-actions";
import { utcToZonedLocal } from "../../domain/maintenance";
import { COMPONENT_STATUS_LABELS, IMPACTS, MAINTENANCE_STATUSES, type Severity, statusForSeverity, worstStatus } from "../../domain/status";
import type { ComponentJson, GroupJson } from "./catalog";
import type { AdminIncidentJson } from "./incidents";
import type { AlertJson } from "./integrations";
import { Choice, type Common, Empty, Field, Head, IncidentStatus, Layout, MessageField, PostForm, Status, StatusSelect, Table, Time, TimeCell } from "./layout";

/** The components an incident affects, each with its status. */
const ComponentTags: FC<{ components: AdminIncidentJson["components"] }> = ({ components }) => (
  <>
    {components.map((c) => (
      <span class="tag">
        {c.name} <Status status={c.status} />
      </span>
    ))}
  </>
);

/** An incident's or maintenance's name, linking to its page. */
const IncidentLink: FC<{ incident: AdminIncidentJson }> = ({ incident }) => <a href={`/admin/incidents/${incident.id}`}>{incident.name}</a>;

/** A maintenance window, from start to end, in the page's time zone. */
const Window: FC<{ maintenance: AdminIncidentJson; tz: string }> = ({ maintenance: m, tz }) => (
  <>
    <Time iso={m.scheduled_for} tz={tz} /> – <Time iso={m.scheduled_until} tz={tz} />
  </>
);

/** The status an operator most likely posts next: preselected, never submitted without a click. */
function nextStatus(i: AdminIncidentJson): string {
  if (i.kind === "maintenance") return i.status === "scheduled" ? "in_progress" : i.status;
  return i.status === "investigating" ? "identified" : i.status === "identified" ? "monitoring" : i.status;
}

const ResolveButton: FC<{ incident: AdminIncidentJson }> = ({ incident }) =>
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
const ResolveAlertForm: FC<{ id: string }> = ({ id }) => (
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

const IncidentCard: FC<{ incident: AdminIncidentJson; tz: string; components: ComponentJson[] }> = ({ incident: i, tz, components }) => {
  const firing = i.alerts.filter((a) => a.status !== "resolved").length;
  const latest = i.incident_updates[0];
  return (
    <article class="card" data-incident={i.id}>
      <h3>
        <a href={`/admin/incidents/${i.id}`}>{i.name}</a>
      </h3>
      <div class="row">
        <IncidentStatus status={i.status} /> <span class="muted">impact {i.impact}</span>
        <span class="muted">
          started <Time iso={i.started_at} tz={tz} />
        </span>
        <span class="muted">{i.automatic ? `${firing} of ${i.alerts.length} alerts firing` : "opened by an operator"}</span>
      </div>
      <p>
        <ComponentTags components={i.components} />
      </p>
      {latest && (
        <p class="muted">
          Latest ({latest.status}, <Time iso={latest.created_at} tz={tz} />
          ): {latest.body}
        </p>
      )}
      <div class="row">
        <ResolveButton incident={i} />
      </div>
      <details>
        <summary>Post an update</summary>
        <UpdateForm incident={i} components={components} />
      </details>
    </article>
  );
};

/** Components as the public page orders them: top-level groups and components by position, members within. */
/** The components in the page's order (db/queries.ts): each group's members after it. */
const inDisplayOrder = (components: ComponentJson[], groups: GroupJson[]): ComponentJson[] => displayOrder(groups, components).flatMap((t) => t.members);

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

export const OverrideForms: FC<{ component: ComponentJson }> = ({ component: c }) => (
  <div class="row">
    <PostForm action={`/admin/components/${c.id}/status`} class="inline">
      <StatusSelect name="status" value={c.override_status ?? c.status} label={`override status of ${c.name}`} />
      <button type="submit">Override</button>
    </PostForm>
    {c.override_status && (
      <PostForm action={`/admin/components/${c.id}/status/clear`} class="inline">
        <button type="submit">Clear override</button>
      </PostForm>
    )}
  </div>
);

function statusSource(c: ComponentJson): string {
  if (c.override_status) return `override (alerts say ${c.auto_status.replace(/_/g, " ")})`;
  if (c.in_maintenance) return "maintenance";
  return "alerts";
}

export const UnroutedAlerts: FC<{ alerts: AlertJson[]; components: ComponentJson[]; tz: string }> = ({ alerts, components, tz }) =>
  alerts.length ? (
    <table>
      <Head columns={["Last event", "Integration", "Alert", "Link it to a component"]} />
      <tbody>
        {alerts.map((a) => (
          <tr data-alert={a.id}>
            <TimeCell iso={a.last_event_at} tz={tz} />
            <td>{a.integration_name ?? a.integration_id}</td>
            <td>
              <strong dir="auto">{a.summary}</strong>{" "}
              <span class="muted">
                ({a.severity}, {a.status})
              </span>
              <br />
              {a.monitor.name || a.monitor.id ? <span class="muted">monitor: {a.monitor.name ?? a.monitor.id} </span> : null}
              {Object.entries(a.tags).map(([k, v]) => (
                <span class="tag">
                  {k}:{v}
                </span>
              ))}
            </td>
            <td>
              {a.match_options?.length ? (
                <PostForm action={`/admin/alerts/${a.id}/link`} class="inline">
                  <select name="match" aria-label="match by">
                    {a.match_options.map((m) => {
                      const [type, value] = Object.entries(m)[0]!;
                      return <option value={`${type}:${value}`}>{`${type} ${value}`}</option>;
                    })}
                  </select>
                  →
                  <select name="component_id" aria-label="component">
                    {components.map((c) => (
                      <option value={c.id}>{c.name}</option>
                    ))}
                  </select>
                  <button type="submit" class="primary">
                    Link
                  </button>
                </PostForm>
              ) : (
                <span class="muted">no monitor or tags to link by</span>
              )}{" "}
              <ResolveAlertForm id={a.id} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <Empty>No unrouted alerts.</Empty>
  );

// ── Drafts, grace periods and suppressed blips ──────────────────────

/** What the draft's firing alerts would show on its components once published. */
function wouldShow(i: AdminIncidentJson): string {
  const statuses = i.alerts.filter((a) => a.status !== "resolved").flatMap((a) => statusForSeverity(a.severity as Severity) ?? []);
  return statuses.length ? COMPONENT_STATUS_LABELS[worstStatus(statuses)] : "no change (its alerts recovered)";
}

/** Publish (optionally with a new name and first update) and discard: one action each. */
const DraftActions: FC<{ incident: AdminIncidentJson }> = ({ incident: i }) => {
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
const PublicationNote: FC<{ incident: AdminIncidentJson; tz: string }> = ({ incident: i, tz }) => {
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

const DraftCard: FC<{ incident: AdminIncidentJson; tz: string }> = ({ incident: i, tz }) => {
  const firing = i.alerts.filter((a) => a.status !== "resolved").length;
  return (
    <article class="card" data-draft={i.id}>
      <h3>
        <a href={`/admin/incidents/${i.id}`}>{i.name}</a>
      </h3>
      <div class="row">
        <PublicationNote incident={i} tz={tz} /> <IncidentStatus status={i.status} /> <span class="muted">impact {i.impact}</span>
        <span class="muted">
          started <Time iso={i.started_at} tz={tz} />
        </span>
        <span class="muted">
          {firing} of {i.alerts.length} alerts firing
        </span>
      </div>
      <p>
        {i.components.map((c) => (
          <span class="tag">{c.name}</span>
        ))}
      </p>
      <DraftActions incident={i} />
    </article>
  );
};

/** Suppressed blips and discarded drafts: what the public never saw. */
const NotPublished: FC<{ incidents: AdminIncidentJson[]; tz: string; empty: string }> = ({ incidents, tz, empty }) => (
  <Table
    columns={["Incident", "Components", "Started", "Ended", "Alerts"]}
    items={incidents}
    empty={<Empty>{empty}</Empty>}
    row={(i) => (
      <tr data-unpublished={i.id}>
        <td>
          <IncidentLink incident={i} />
        </td>
        <td>{i.components.map((c) => c.name).join(", ")}</td>
        <TimeCell iso={i.started_at} tz={tz} />
        <TimeCell iso={i.resolved_at} tz={tz} />
        <td>{i.alerts.map((a) => a.summary).join("; ")}</td>
      </tr>
    )}
  />
);

export const DashboardPage: FC<
  Common & {
    incidents: AdminIncidentJson[];
    drafts: AdminIncidentJson[];
    blips: AdminIncidentJson[];
    discarded: AdminIncidentJson[];
    maintenances: AdminIncidentJson[];
    components: ComponentJson[];
    groups: GroupJson[];
    unrouted: AlertJson[];
  }
> = ({ actor, tz, flash, incidents, drafts, blips, discarded, maintenances, components, groups, unrouted }) => {
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return (
    <Layout title="Dashboard" actor={actor} active="/admin" flash={flash}>
      {drafts.length > 0 && (
        <>
          <h2>Drafts and grace periods ({drafts.length})</h2>
          <p class="muted">Not public: nothing of them is on the page, in the API or in any notification until published.</p>
          {drafts.map((i) => (
            <DraftCard incident={i} tz={tz} />
          ))}
        </>
      )}
      <h2>Open incidents ({incidents.length})</h2>
      {incidents.length ? incidents.map((i) => <IncidentCard incident={i} tz={tz} components={components} />) : <Empty>No open incidents.</Empty>}
      <details>
        <summary>Open an incident by hand</summary>
        <section>
          <PostForm action="/admin/incidents" class="stack">
            <Field label="Title" name="name" required maxlength={255} />
            <MessageField placeholder="What readers of the status page should know" />
            <div class="row">
              <label>
                Status{" "}
                <select name="status">
                  <option value="investigating">investigating</option>
                  <option value="identified">identified</option>
                  <option value="monitoring">monitoring</option>
                </select>
              </label>
              <Choice label="Impact" name="impact" none="from the component status" options={IMPACTS} />
            </div>
            <div>
              Affected components
              <ComponentChecks components={components} groups={groups} />
            </div>
            <label>
              Set them to <StatusSelect name="component_status" noChange />
            </label>
            <div>
              <button type="submit" class="primary">
                Open incident
              </button>
            </div>
          </PostForm>
        </section>
      </details>

      {maintenances.length > 0 && (
        <>
          <h2>Maintenance</h2>
          <section>
            <table>
              <tbody>
                {maintenances.map((m) => (
                  <tr>
                    <td>
                      <IncidentLink incident={m} />
                    </td>
                    <td>
                      <IncidentStatus status={m.status} />
                    </td>
                    <td>
                      <Window maintenance={m} tz={tz} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}

      <h2>Components</h2>
      <section>
        <table>
          <Head columns={["Component", "Status", "From", "Override"]} />
          <tbody>
            {inDisplayOrder(components, groups).map((c) => (
              <tr data-component={c.id}>
                <td>
                  {c.name}
                  {c.group_id && <span class="muted"> · {groupName.get(c.group_id)}</span>}
                </td>
                <td>
                  <Status status={c.status} />
                </td>
                <td class="muted">{statusSource(c)}</td>
                <td>
                  <OverrideForms component={c} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <details>
        <summary>
          Suppressed blips ({blips.length}) and discarded drafts ({discarded.length})
        </summary>
        <section>
          <h3>Suppressed blips</h3>
          <NotPublished incidents={blips} tz={tz} empty="No suppressed blips." />
          <h3>Discarded drafts</h3>
          <NotPublished incidents={discarded} tz={tz} empty="No discarded drafts." />
        </section>
      </details>

      <h2>Unrouted alerts ({unrouted.length})</h2>
      <section>
        <p class="muted">Firing alerts that reached no component. Linking creates a rule for this integration and routes them at once.</p>
        <UnroutedAlerts alerts={unrouted} components={components} tz={tz} />
      </section>
    </Layout>
  );
};

export const IncidentPage: FC<Common & { incident: AdminIncidentJson; components: ComponentJson[] }> = ({ actor, tz, flash, incident: i, components }) => {
  const unpublished = i.publication === "draft" || i.publication === "pending";
  const open = (i.kind === "maintenance" ? i.status !== "completed" : !i.resolved_at) && i.publication === "published";
  return (
    <Layout title={i.name} actor={actor} flash={flash} active={i.kind === "maintenance" ? "/admin/maintenances" : "/admin"}>
      <section>
        <div class="row">
          <IncidentStatus status={i.status} /> <span class="muted">impact {i.impact}</span>
          <span class="muted">{i.kind === "maintenance" ? "maintenance" : i.automatic ? "opened by an alert" : "opened by an operator"}</span>
          <PublicationNote incident={i} tz={tz} />
        </div>
        <table>
          <tbody>
            {i.kind === "maintenance" ? (
              <tr>
                <th>Window</th>
                <td>
                  <Time iso={i.scheduled_for} tz={tz} /> – <Time iso={i.scheduled_until} tz={tz} />
                </td>
              </tr>
            ) : (
              <tr>
                <th>Started</th>
                <TimeCell iso={i.started_at} tz={tz} />
              </tr>
            )}
            <tr>
              <th>Monitoring since</th>
              <TimeCell iso={i.monitoring_at} tz={tz} />
            </tr>
            <tr>
              <th>{i.kind === "maintenance" ? "Completed" : "Resolved"}</th>
              <TimeCell iso={i.resolved_at} tz={tz} />
            </tr>
            <tr>
              <th>Components</th>
              <td>
                <ComponentTags components={i.components} />
              </td>
            </tr>
            <tr>
              <th>Public link</th>
              <td>{i.publication === "published" ? <a href={i.shortlink}>{i.shortlink}</a> : <span class="muted">none: it is not public</span>}</td>
            </tr>
          </tbody>
        </table>
      </section>
      {unpublished && (
        <section>
          <h2>Publish or discard</h2>
          <DraftActions incident={i} />
        </section>
      )}
      {open && (
        <section>
          <div class="row">
            <ResolveButton incident={i} />
          </div>
          <h2>Post an update</h2>
          <UpdateForm incident={i} components={components} />
        </section>
      )}
      {i.kind === "incident" && (
        <>
          <h2>Alerts ({i.alerts.length})</h2>
          <section>
            <Table
              columns={["Alert", "Status", "Severity", "First triggered", "Last event"]}
              items={i.alerts}
              empty={<Empty>No alerts: an operator opened this incident.</Empty>}
              row={(a) => (
                <tr>
                  <td dir="auto">
                    {a.summary}
                    <br />
                    <span class="muted">
                      {a.integration_name} · {a.dedup_key}
                    </span>{" "}
                    {a.link && /^https?:\/\//.test(a.link) && (
                      <a href={a.link} rel="noopener noreferrer">
                        monitor
                      </a>
                    )}
                  </td>
                  <td>
                    {a.status} {a.status !== "resolved" && <ResolveAlertForm id={a.id} />}
                  </td>
                  <td>{a.severity}</td>
                  <TimeCell iso={a.first_triggered_at} tz={tz} />
                  <TimeCell iso={a.last_event_at} tz={tz} />
                </tr>
              )}
            />
          </section>
        </>
      )}
      <h2>Updates</h2>
      <section>
        {i.incident_updates.map((u) => (
          <article data-update={u.id}>
            <p>
              <strong>{u.status.replace(/_/g, " ")}</strong> · <Time iso={u.created_at} tz={tz} />
            </p>
            <p style="white-space:pre-wrap">{u.body}</p>
            {u.affected_components && (
              <p class="muted">
                {u.affected_components.map((a) => (
                  <span class="tag">
                    {a.name}: {a.old_status.replace(/_/g, " ")} → {a.new_status.replace(/_/g, " ")}
                  </span>
                ))}
              </p>
            )}
            <hr />
          </article>
        ))}
      </section>
      <p>
        <a href={`/admin/audit?target_id=${i.id}`}>Audit log for this {i.kind}</a>
      </p>
    </Layout>
  );
};

export const MaintenancePage: FC<
  Common & { open: AdminIncidentJson[]; completed: AdminIncidentJson[]; components: ComponentJson[]; groups: GroupJson[]; now: string }
> = ({ actor, tz, flash, open, completed, components, groups, now }) => {
  const start = utcToZonedLocal(new Date(Math.ceil(Date.parse(now) / 3_600_000) * 3_600_000).toISOString(), tz);
  const end = utcToZonedLocal(new Date(Math.ceil(Date.parse(now) / 3_600_000) * 3_600_000 + 3_600_000).toISOString(), tz);
  return (
    <Layout title="Maintenance" actor={actor} flash={flash} active="/admin/maintenances">
      <h2>Schedule maintenance</h2>
      <section>
        <PostForm action="/admin/maintenances" class="stack">
          <Field label="Title" name="name" required maxlength={255} />
          <MessageField placeholder="What will happen and what readers may notice" />
          <div class="row">
            <Field label="Starts" type="datetime-local" name="scheduled_for" required value={start} />
            <Field label="Ends" type="datetime-local" name="scheduled_until" required value={end} />
            <span class="muted">time zone {tz}</span>
          </div>
          <div>
            Components
            <ComponentChecks components={components} groups={groups} />
          </div>
          <p class="muted">It starts and ends on its own (checked every minute); its components show “Under Maintenance” while it runs.</p>
          <div>
            <button type="submit" class="primary">
              Schedule
            </button>
          </div>
        </PostForm>
      </section>
      <h2>Scheduled and in progress</h2>
      {open.length ? (
        open.map((m) => (
          <article class="card" data-maintenance={m.id}>
            <h3>
              <IncidentLink incident={m} />
            </h3>
            <div class="row">
              <IncidentStatus status={m.status} />
              <span class="muted">
                <Window maintenance={m} tz={tz} />
              </span>
              {m.components.map((c) => (
                <span class="tag">{c.name}</span>
              ))}
            </div>
            <div class="row">
              {m.status === "scheduled" && (
                <PostForm action={`/admin/incidents/${m.id}/updates`} class="inline">
                  <input type="hidden" name="status" value="in_progress" />
                  <button type="submit">Start now</button>
                </PostForm>
              )}
              <ResolveButton incident={m} />
            </div>
          </article>
        ))
      ) : (
        <Empty>No maintenance scheduled.</Empty>
      )}
      <h2>Recently completed</h2>
      <section>
        <Table
          items={completed}
          empty={<Empty>None.</Empty>}
          row={(m) => (
            <tr>
              <td>
                <IncidentLink incident={m} />
              </td>
              <td>
                <Window maintenance={m} tz={tz} />
              </td>
            </tr>
          )}
        />
      </section>
    </Layout>
  );
};

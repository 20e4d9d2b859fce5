// The dashboard: open incidents, drafts and grace periods, maintenance, components and their overrides,
// unrouted alerts, and what the public never saw.
import type { FC } from "hono/jsx";
import { IMPACTS } from "../../domain/status";
import type { ComponentJson, GroupJson } from "./catalog";
import type { IncidentTemplateJson } from "./incident-templates";
import type { AdminIncidentJson } from "./incidents";
import type { AlertJson } from "./integrations";
import { Choice, type Common, Empty, Field, Head, IncidentStatus, Layout, MessageField, PostForm, Status, StatusSelect, Table, Time, TimeCell } from "./layout";
import { OPENING_STATUSES } from "./schemas";

import {
  ComponentChecks,
  ComponentTags,
  DraftActions,
  IncidentLink,
  inDisplayOrder,
  PublicationNote,
  ResolveAlertForm,
  ResolveButton,
  UpdateForm,
  Window,
} from "./views-incident-parts";

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
    templates: IncidentTemplateJson[];
  }
> = ({ actor, tz, flash, incidents, drafts, blips, discarded, maintenances, components, groups, unrouted, templates }) => {
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
      {templates.length > 0 && (
        <PostForm action="/admin/incidents" class="row">
          <Choice label="Open an incident from a template" name="template_id" options={templates.map((t) => ({ value: t.id, label: t.name }))} />
          <button type="submit">Open from template</button>
        </PostForm>
      )}
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
                  {OPENING_STATUSES.options.map((s) => (
                    <option value={s}>{s}</option>
                  ))}
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

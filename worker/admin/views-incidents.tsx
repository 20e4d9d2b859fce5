// An incident's own page and a maintenance's: their updates, alerts and publication, and the forms that change them.
import type { FC } from "hono/jsx";
import { utcToZonedLocal } from "../../domain/maintenance";
import type { ComponentJson, GroupJson } from "./catalog";
import type { AdminIncidentJson } from "./incidents";
import { type Common, Empty, Field, IncidentStatus, Layout, MessageField, PostForm, Table, Time, TimeCell } from "./layout";
import type { MaintenanceRuleJson, PostmortemJson } from "./postmortems";

import {
  ComponentChecks,
  ComponentTags,
  DraftActions,
  IncidentLink,
  PublicationNote,
  ResolveAlertForm,
  ResolveButton,
  UpdateForm,
  Window,
} from "./views-incident-parts";
import { PostmortemSection, RulesSection } from "./views-postmortem";

export const IncidentPage: FC<Common & { incident: AdminIncidentJson; components: ComponentJson[]; postmortem?: PostmortemJson | null }> = ({
  actor,
  tz,
  flash,
  incident: i,
  components,
  postmortem,
}) => {
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
      {postmortem && <PostmortemSection incidentId={i.id} postmortem={postmortem} tz={tz} />}
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
  Common & {
    open: AdminIncidentJson[];
    completed: AdminIncidentJson[];
    components: ComponentJson[];
    groups: GroupJson[];
    rules: MaintenanceRuleJson[];
    now: string;
  }
> = ({ actor, tz, flash, open, completed, components, groups, rules, now }) => {
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
          <Field
            label="Remind subscribers"
            type="number"
            name="remind_minutes"
            min={0}
            max={10_080}
            unit="minutes before it starts (empty: the page's setting; 0: no reminder)"
          />
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
      <RulesSection rules={rules} components={components} groups={groups} tz={tz} today={utcToZonedLocal(now, tz).slice(0, 10)} />
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

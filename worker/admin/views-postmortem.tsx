// The admin UI's postmortem (on a resolved incident's page) and recurring maintenance (on the
// maintenance page): their forms, the postmortem's preview and each rule's next occurrences.
import type { FC } from "hono/jsx";
import type { ComponentJson, GroupJson } from "./catalog";
import { Empty, Field, PostForm, Time } from "./layout";
import type { MaintenanceRuleJson, PostmortemJson } from "./postmortems";
import { ComponentChecks } from "./views-incident-parts";

export const PostmortemSection: FC<{ incidentId: string; postmortem: PostmortemJson; tz: string }> = ({ incidentId, postmortem: p, tz }) => (
  <section id="postmortem">
    <h2>Postmortem</h2>
    <p class="muted">
      {p.published_at ? (
        <>
          Published <Time iso={p.published_at} tz={tz} />
          {p.notified_at ? " and told to subscribers and channels" : ""}: shown on the incident's public page, in the API and the feeds. Edits show at once.
        </>
      ) : p.body ? (
        "A draft: only operators see it until it is published."
      ) : (
        "What happened, why, and what changes now. Markdown; raw HTML shows as text."
      )}
    </p>
    <PostForm action={`/admin/incidents/${incidentId}/postmortem`} class="stack">
      <label>
        Postmortem (Markdown){" "}
        <textarea name="body" rows={12} maxlength={50_000} required>
          {p.body ?? ""}
        </textarea>
      </label>
      <div>
        <button type="submit">{p.published_at ? "Save (published)" : "Save draft"}</button>
      </div>
    </PostForm>
    {p.body_html && (
      <details open>
        <summary>Preview</summary>
        <div class="postmortem" dangerouslySetInnerHTML={{ __html: p.body_html }} />
      </details>
    )}
    <div class="row">
      {p.body && !p.published_at && (
        <PostForm action={`/admin/incidents/${incidentId}/postmortem/publish`} class="inline">
          <label>
            <input type="checkbox" name="notify" value="yes" checked /> Notify subscribers and channels
          </label>{" "}
          <button type="submit" class="primary">
            Publish
          </button>
        </PostForm>
      )}
      {p.body && (
        <PostForm action={`/admin/incidents/${incidentId}/postmortem/delete`} class="inline">
          <label>
            <input type="checkbox" name="confirm" value="yes" /> sure
          </label>{" "}
          <button type="submit">{p.published_at ? "Withdraw" : "Delete draft"}</button>
        </PostForm>
      )}
    </div>
  </section>
);

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const RuleForm: FC<{ rule?: MaintenanceRuleJson; components: ComponentJson[]; groups: GroupJson[]; today: string }> = ({
  rule: r,
  components,
  groups,
  today,
}) => (
  <PostForm action={r ? `/admin/maintenance-rules/${r.id}` : "/admin/maintenance-rules"} class="stack">
    <Field label="Title" name="name" required maxlength={255} value={r?.name ?? ""} />
    <label>
      Message <textarea name="body">{r?.body ?? ""}</textarea>
    </label>
    <div class="row">
      <label>
        <input type="radio" name="frequency" value="weekly" checked={!r || r.frequency === "weekly"} /> Weekly on
      </label>
      {WEEKDAYS.map((d, i) => (
        <label>
          <input type="checkbox" name="weekdays" value={String(i + 1)} checked={r?.weekdays.includes(i + 1)} /> {d}
        </label>
      ))}
    </div>
    <div class="row">
      <label>
        <input type="radio" name="frequency" value="interval" checked={r?.frequency === "interval"} /> Every
      </label>
      <Field label="" type="number" name="interval_days" min={1} max={366} value={r?.interval_days ?? ""} unit="days" />
    </div>
    <div class="row">
      <Field label="At" type="time" name="start_time" required value={r?.start_time ?? "03:00"} />
      <Field label="For" type="number" name="duration_minutes" required min={1} max={10_080} value={r?.duration_minutes ?? 60} unit="minutes" />
      <Field label="From" type="date" name="starts_on" required value={r?.starts_on ?? today} />
      <Field label="Until" type="date" name="ends_on" value={r?.ends_on ?? ""} unit="(optional)" />
      <Field
        label="Remind"
        type="number"
        name="remind_minutes"
        min={0}
        max={10_080}
        value={r?.remind_minutes ?? ""}
        unit="minutes before (empty: the page's setting)"
      />
    </div>
    <div>
      Components
      <ComponentChecks components={components} groups={groups} checked={r?.component_ids ?? []} />
    </div>
    <div>
      <button type="submit" class="primary">
        {r ? "Save: future occurrences follow" : "Create rule"}
      </button>
    </div>
  </PostForm>
);

export const RulesSection: FC<{ rules: MaintenanceRuleJson[]; components: ComponentJson[]; groups: GroupJson[]; tz: string; today: string }> = ({
  rules,
  components,
  groups,
  tz,
  today,
}) => (
  <>
    <h2>Recurring maintenance</h2>
    <section>
      <p class="muted">
        Each rule's occurrences are scheduled 14 days ahead (checked every minute), at its time in {tz}. Editing a rule changes the occurrences still to come,
        never those begun or past.
      </p>
      {rules.length ? (
        rules.map((r) => (
          <article class="card" data-rule={r.id}>
            <h3>{r.name}</h3>
            <p class="muted">
              {r.frequency === "weekly" ? `Weekly on ${r.weekdays.map((d) => WEEKDAYS[d - 1]).join(", ")}` : `Every ${r.interval_days} days`} at {r.start_time}{" "}
              for {r.duration_minutes} minutes, from {r.starts_on}
              {r.ends_on ? ` until ${r.ends_on}` : ""}
            </p>
            <p>Next occurrences:</p>
            <ul data-next>
              {r.next_occurrences.length ? (
                r.next_occurrences.map((o) => (
                  <li>
                    <Time iso={o.scheduled_for} tz={tz} /> – <Time iso={o.scheduled_until} tz={tz} />
                    {o.maintenance_id && (
                      <>
                        {" "}
                        <a href={`/admin/incidents/${o.maintenance_id}`}>scheduled</a>
                      </>
                    )}
                  </li>
                ))
              ) : (
                <li class="muted">none: the rule has ended</li>
              )}
            </ul>
            <details>
              <summary>Edit</summary>
              <RuleForm rule={r} components={components} groups={groups} today={today} />
            </details>
            <PostForm action={`/admin/maintenance-rules/${r.id}/delete`} class="inline">
              <label>
                <input type="checkbox" name="confirm" value="yes" /> sure
              </label>{" "}
              <button type="submit">Delete rule and its future occurrences</button>
            </PostForm>
          </article>
        ))
      ) : (
        <Empty>No recurring maintenance.</Empty>
      )}
      <details>
        <summary>New recurring maintenance</summary>
        <RuleForm components={components} groups={groups} today={today} />
      </details>
    </section>
  </>
);

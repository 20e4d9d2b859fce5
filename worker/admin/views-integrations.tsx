// The integrations page: each sender's card (its key, components, publication, links and the settings
// its registry entry gives it), the create form, and the custom mapping's preview.
import type { FC } from "hono/jsx";
import { DEFAULT_GRACE_SECONDS, DEFAULT_PERIOD_SECONDS } from "../../domain/heartbeat";
import { COMPONENT_STATUS_LABELS, COMPONENT_STATUSES, SEVERITIES } from "../../domain/status";
import { type SettingsForm, SOURCES, senderOf } from "../sources/registry";
import type { ComponentJson, GroupJson } from "./catalog";
import type { MappingPreview } from "./deliveries";
import type { IncidentTemplateJson } from "./incident-templates";
import type { IntegrationJson, IntegrationWithKey, LinkJson } from "./integrations";
import { Choice, type Common, Empty, Field, Layout, PostForm, Status, Time } from "./layout";
import { ComponentChecks } from "./views-incident-parts";

const linkLabel = (l: LinkJson) => {
  const [type, value] = Object.entries(l.match)[0] ?? ["?", "?"];
  return `${type} ${value}`;
};

export const IntegrationsPage: FC<
  Common & {
    integrations: IntegrationJson[];
    links: LinkJson[];
    components: ComponentJson[];
    groups: GroupJson[];
    created?: IntegrationWithKey & { rotated: boolean };
    templates: IncidentTemplateJson[];
  }
> = ({ actor, tz, flash, integrations, links, components, groups, created, templates }) => {
  const componentName = new Map(components.map((c) => [c.id, c.name]));
  return (
    <Layout title="Integrations" actor={actor} flash={flash} active="/admin/integrations">
      {created && (
        <section class="secret" data-new-key>
          <p>
            <strong>
              {created.rotated ? "New key for" : "Created"} “{created.name}”. Copy the key now: it is shown only this once.
            </strong>
          </p>
          <p>
            Key: <code>{created.key}</code>
          </p>
          <p>
            Webhook URL: <code>{created.webhook_url}</code>
          </p>
          {created.source === "pagerduty" && <p>Send PagerDuty Events API v2 events to that URL with the key as `routing_key`.</p>}
        </section>
      )}
      {integrations.length ? (
        integrations.map((i) => (
          <article class="card" data-integration={i.id}>
            <h3>
              {i.name} <span class="muted">({i.source})</span> {i.disabled && <span class="tag">disabled</span>}
            </h3>
            <p class="muted">
              In public: <strong>{publicationLabel(i)}</strong> · Publishes:{" "}
              {i.public_text === "template" ? <q dir="auto">{i.public_template}</q> : i.public_text} · Webhook: <code>{i.webhook_url_template}</code> · last
              delivery <Time iso={i.last_delivery_at} tz={tz} /> ·{" "}
              <span data-last-test>
                {i.last_test_at ? (
                  <>
                    test received at <Time iso={i.last_test_at} tz={tz} />
                  </>
                ) : (
                  "no test received yet"
                )}
              </span>{" "}
              · <a href={`/admin/deliveries?integration_id=${i.id}`}>deliveries</a>
            </p>
            <div class="row">
              <PostForm action={`/admin/integrations/${i.id}/rotate`} class="inline">
                <label>
                  <input type="checkbox" name="confirm" value="yes" required /> sure (the old key stops working)
                </label>
                <button type="submit">Rotate key</button>
              </PostForm>
              <PostForm action={`/admin/integrations/${i.id}`} class="inline">
                <input type="hidden" name="disabled" value={i.disabled ? "false" : "true"} />
                <button type="submit" class={i.disabled ? "" : "danger"}>
                  {i.disabled ? "Enable" : "Disable"}
                </button>
              </PostForm>
              <PostForm action={`/admin/integrations/${i.id}/delete`} class="inline">
                <label>
                  <input type="checkbox" name="confirm" value="yes" required /> sure (its alerts are resolved, its links removed)
                </label>
                <button type="submit" class="danger" aria-label={`delete integration ${i.name}`}>
                  Delete
                </button>
              </PostForm>
            </div>
            <details>
              <summary>
                Its own components: {i.component_ids.length ? i.component_ids.map((id) => componentName.get(id) ?? id).join(", ") : "none"}{" "}
                <span class="muted">(every alert it sends affects them)</span>
              </summary>
              <PostForm action={`/admin/integrations/${i.id}/components`} class="stack">
                <ComponentChecks components={components} groups={groups} checked={i.component_ids} />
                <div>
                  <button type="submit">Save components</button>
                </div>
              </PostForm>
            </details>
            <details>
              <summary>What its alerts do in public: {publicationLabel(i)}</summary>
              <PostForm action={`/admin/integrations/${i.id}/publication`} class="stack">
                <PublicationFields integration={i} />
                <p class="muted">Drafts and grace periods already open keep theirs: publish or discard them on the dashboard.</p>
                <div>
                  <button type="submit">Save</button>
                </div>
              </PostForm>
            </details>
            {templates.length > 0 && (
              <PostForm action={`/admin/integrations/${i.id}/template`} class="row">
                <Choice
                  label="Its alerts open incidents with the template"
                  name="incident_template_id"
                  none="none (the public text's words)"
                  options={templates.map((t) => ({ value: t.id, label: t.name }))}
                  selected={i.incident_template_id ?? ""}
                />
                <button type="submit">Save</button>
              </PostForm>
            )}
            <SenderSettings integration={i} />
            <h4>Links</h4>
            {links.filter((l) => l.integration_id === i.id).length ? (
              <table>
                <tbody>
                  {links
                    .filter((l) => l.integration_id === i.id)
                    .map((l) => (
                      <tr data-link={l.id}>
                        <td>{linkLabel(l)}</td>
                        <td>→ {l.component_ids.map((id) => componentName.get(id) ?? id).join(", ")}</td>
                        <td>{l.status ? <Status status={l.status} /> : <span class="muted">status from severity</span>}</td>
                        <td>
                          <PostForm action={`/admin/links/${l.id}/delete`} class="inline">
                            <button type="submit">Remove</button>
                          </PostForm>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            ) : (
              <Empty>No links.</Empty>
            )}
            <PostForm action="/admin/links" class="inline">
              <input type="hidden" name="integration_id" value={i.id} />
              <select name="match_type" aria-label="match type">
                <option value="monitor">monitor</option>
                <option value="tag">tag</option>
                <option value="label">label</option>
              </select>
              <input type="text" name="match" required placeholder="monitor name, or key=value" aria-label="match" />→
              <select name="component_ids" aria-label="component">
                {components.map((c) => (
                  <option value={c.id}>{c.name}</option>
                ))}
              </select>
              <select name="status" aria-label="status while firing">
                <option value="">status from severity</option>
                {COMPONENT_STATUSES.filter((s) => s !== "operational").map((s) => (
                  <option value={s}>{COMPONENT_STATUS_LABELS[s]}</option>
                ))}
              </select>
              <button type="submit">Add link</button>
            </PostForm>
          </article>
        ))
      ) : (
        <Empty>No integrations yet.</Empty>
      )}
      <section>
        <h2>New integration</h2>
        <PostForm action="/admin/integrations" class="stack">
          <Field label="Name" name="name" required maxlength={120} />
          <label>
            Sender{" "}
            <select name="source">
              {SOURCES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <div>
            Its own components (optional)
            <ComponentChecks components={components} groups={groups} />
          </div>
          <PublicationFields />
          <label>
            What its alerts publish{" "}
            <select name="public_text">
              <option value="summary" selected>
                the alert's title only, cleaned (default)
              </option>
              <option value="full">the alert's title and details, verbatim</option>
              <option value="template">my own wording (below)</option>
            </select>
          </label>
          <label>
            Wording <input type="text" name="public_template" maxlength={255} placeholder="Degraded {{components}}" />{" "}
            <span class="muted">
              ({"{{components}}"}, {"{{severity}}"}, {"{{title}}"})
            </span>
          </label>
          <div>
            <button type="submit" class="primary">
              Create integration
            </button>
          </div>
        </PostForm>
      </section>
    </Layout>
  );
};

/** CloudWatch through SNS: signature verification, and the subscriptions this page confirmed. */
const SnsForm: FC<{ integration: IntegrationJson }> = ({ integration: i }) => (
  <details data-sns>
    <summary>
      SNS: signatures {i.options.verify_signatures === false ? "not verified" : "verified"};{" "}
      {i.sns_subscriptions?.length ? `${i.sns_subscriptions.length} subscription(s) confirmed` : "no subscription confirmed yet"}
    </summary>
    {i.sns_subscriptions?.length ? (
      <ul>
        {i.sns_subscriptions.map((sub) => (
          <li>
            {sub.topic_arn ?? "a topic"} <span class="muted">confirmed {sub.confirmed_at}</span>
          </li>
        ))}
      </ul>
    ) : null}
    <PostForm action={`/admin/integrations/${i.id}/sns`} class="stack">
      <label>
        <input type="checkbox" name="verify_signatures" value="yes" checked={i.options.verify_signatures !== false} /> verify each message's SNS signature{" "}
        <span class="muted">(off only for a relay that re-posts SNS messages, or for tests)</span>
      </label>
      <div>
        <button type="submit">Save SNS settings</button>
      </div>
    </PostForm>
  </details>
);

/** Sentry: whether an issue being created or unresolved is an alert (by default only alert rules are). */
const SentryForm: FC<{ integration: IntegrationJson }> = ({ integration: i }) => (
  <details data-sentry>
    <summary>
      Sentry issues: {i.options.sentry_issue_events === "trigger" ? "every new or regressed issue is an alert" : "only alert rules open incidents"}
    </summary>
    <PostForm action={`/admin/integrations/${i.id}/sentry`} class="stack">
      <label>
        <input type="checkbox" name="sentry_issue_events" value="trigger" checked={i.options.sentry_issue_events === "trigger"} /> treat every new or regressed
        issue (issue webhook <code>created</code>, <code>unresolved</code>) as an alert{" "}
        <span class="muted">(off: only alert rules open incidents; resolved, ignored and archived issues resolve theirs either way)</span>
      </label>
      <div>
        <button type="submit">Save Sentry settings</button>
      </div>
    </PostForm>
  </details>
);

/** The custom receiver's mapping, as JSON, with a preview against the last delivery received. */
const MappingForm: FC<{ integration: IntegrationJson }> = ({ integration: i }) => (
  <details data-mapping open={!i.options.mapping}>
    <summary>
      Mapping:{" "}
      {i.options.mapping
        ? `dedup by ${i.options.mapping.dedup_key}, action from ${i.options.mapping.action.from}`
        : "not set (deliveries are refused until it is)"}
    </summary>
    <PostForm action={`/admin/integrations/${i.id}/mapping`} class="stack">
      <label>
        Mapping (JSON: dotted paths into the sender's payload; see the README's Opsgenie example)
        <textarea name="mapping" rows={14} cols={80} maxlength={20000} spellcheck={false}>
          {i.options.mapping ? JSON.stringify(i.options.mapping, null, 2) : ""}
        </textarea>
      </label>
      <div>
        <button type="submit" name="intent" value="preview">
          Preview against the last delivery
        </button>{" "}
        <button type="submit" name="intent" value="save" class="primary">
          Save mapping
        </button>
      </div>
    </PostForm>
  </details>
);

/** What a mapping made of the last delivery. */
export const MappingPreviewPage: FC<{ preview: MappingPreview; mapping: unknown; back: string; actor?: string }> = ({ preview, mapping, back, actor }) => (
  <Layout title="Mapping preview" actor={actor}>
    <section data-mapping-preview>
      {preview.delivery ? (
        <p>
          Last delivery received <time datetime={preview.delivery.received_at}>{preview.delivery.received_at}</time>:{" "}
          {preview.error ? (
            <strong>refused: {preview.error}</strong>
          ) : preview.events.length ? (
            "the mapping makes these events"
          ) : (
            <strong>ignored (its action is not mapped)</strong>
          )}
        </p>
      ) : (
        <p>No delivery received yet: send one from the tool (even before the mapping is right: it is logged), then preview.</p>
      )}
      {preview.events.length ? <pre data-preview-events>{JSON.stringify(preview.events, null, 2)}</pre> : null}
      <h3>Mapping (not saved)</h3>
      <pre>{JSON.stringify(mapping, null, 2)}</pre>
      {preview.delivery?.payload ? (
        <>
          <h3>The delivery, as logged (secrets redacted, long ones cut)</h3>
          <pre>{preview.delivery.payload}</pre>
        </>
      ) : null}
      <p>
        <a href={back}>Back</a>
      </p>
    </section>
  </Layout>
);

/** A heartbeat's state: its last ping and its lateness, as the ingestor keeps them. */
const HeartbeatState: FC<{ integration: IntegrationJson }> = ({ integration: i }) => {
  const h = i.heartbeat;
  if (!h) return <span data-heartbeat-status="off">no Watchdog alert named</span>;
  return (
    <span data-heartbeat-status={h.status}>
      <strong>{h.status}</strong> · last ping {h.last_ping_at ? <time datetime={h.last_ping_at}>{h.last_ping_at}</time> : "never"}
      {h.last_signal && h.last_signal !== "success" ? ` (${h.last_signal})` : ""} · {h.due_at ? "late after " : "late: not before the first ping"}
      {h.due_at && <time datetime={h.due_at}>{h.due_at}</time>}
    </span>
  );
};

/** Period, grace, severity and scope of a heartbeat; an Alertmanager integration also names its Watchdog alert. */
const HeartbeatFields: FC<{ integration: IntegrationJson; watchdog: boolean }> = ({ integration: i, watchdog }) => (
  <details data-heartbeat open={watchdog ? false : !i.heartbeat?.last_ping_at}>
    <summary>
      {watchdog ? "Watchdog: " : "Heartbeat: "}
      <HeartbeatState integration={i} />
    </summary>
    {!watchdog && (
      <p class="muted">
        Ping <code>{i.webhook_url_template}</code> (GET or POST) when the job succeeds; add <code>/start</code> when it starts, <code>/fail</code> or{" "}
        <code>/$?</code> (its exit status) when it fails.
      </p>
    )}
    <PostForm action={`/admin/integrations/${i.id}/heartbeat`} class="stack">
      {watchdog && (
        <>
          <input type="hidden" name="has_watchdog" value="yes" />
          <Field
            label="Alert that must keep arriving (alertname)"
            name="watchdog_alert"
            value={i.options.watchdog_alert ?? ""}
            placeholder="Watchdog (empty: none)"
            maxlength={200}
          />
        </>
      )}
      <Field
        label="Period"
        unit="seconds"
        type="number"
        name="heartbeat_period_seconds"
        min={60}
        value={String(i.options.heartbeat_period_seconds ?? "")}
        placeholder={String(DEFAULT_PERIOD_SECONDS)}
      />
      <Field
        label="Grace"
        unit="seconds"
        type="number"
        name="heartbeat_grace_seconds"
        min={0}
        value={String(i.options.heartbeat_grace_seconds ?? "")}
        placeholder={String(DEFAULT_GRACE_SECONDS)}
      />
      <label>
        Severity when late{" "}
        <select name="heartbeat_severity">
          {SEVERITIES.map((sev) => (
            <option value={sev} selected={(i.options.heartbeat_severity ?? "critical") === sev}>
              {sev}
            </option>
          ))}
        </select>
      </label>
      <label>
        Its silence is{" "}
        <select name="heartbeat_scope">
          <option value="components" selected={i.options.heartbeat_scope !== "operators"}>
            an outage of the integration's components
          </option>
          <option value="operators" selected={i.options.heartbeat_scope === "operators"}>
            an alert for operators only
          </option>
        </select>
      </label>
      <div>
        <button type="submit">Save heartbeat settings</button>
      </div>
    </PostForm>
  </details>
);

const HeartbeatForm: FC<{ integration: IntegrationJson }> = ({ integration }) => <HeartbeatFields integration={integration} watchdog={false} />;
const WatchdogForm: FC<{ integration: IntegrationJson }> = ({ integration }) => <HeartbeatFields integration={integration} watchdog={true} />;

/** The form of each kind of sender settings (the registry entry's `settings`). */
const SETTINGS_FORMS: Record<SettingsForm, FC<{ integration: IntegrationJson }>> = {
  sns: SnsForm,
  sentry: SentryForm,
  mapping: MappingForm,
  heartbeat: HeartbeatForm,
  watchdog: WatchdogForm,
};

/** The settings the integration's sender has beyond the common ones, as its registry entry says. */
const SenderSettings: FC<{ integration: IntegrationJson }> = ({ integration: i }) => {
  const sender = senderOf(i.source);
  const signature = sender?.signature;
  const Settings = sender?.settings ? SETTINGS_FORMS[sender.settings] : undefined;
  return (
    <>
      {signature && <SignatureForm integration={i} header={signature.header} shown={signature.shown} />}
      {Settings && <Settings integration={i} />}
    </>
  );
};

/** A signing sender's HMAC settings: the secret, and the header names the user chose in the sender. */
const SignatureForm: FC<{ integration: IntegrationJson; header: string; shown: string }> = ({ integration: i, header, shown }) => (
  <details data-grafana-signature>
    <summary>
      Signature: {i.signed ? "checked" : "not checked"}{" "}
      <span class="muted">
        (header {i.options.signature_header ?? header}
        {i.options.timestamp_header ? `, timestamp in ${i.options.timestamp_header}` : ""})
      </span>
    </summary>
    <PostForm action={`/admin/integrations/${i.id}/signature`} class="stack">
      <label>
        Secret <input type="password" name="signing_secret" autocomplete="new-password" minlength={8} maxlength={256} />{" "}
        <span class="muted">(empty: keep the current one)</span>
      </label>
      <Field label="Signature header" name="signature_header" value={i.options.signature_header ?? ""} placeholder={shown} maxlength={100} />
      <label>
        Timestamp header <input type="text" name="timestamp_header" value={i.options.timestamp_header ?? ""} placeholder="none" maxlength={100} />{" "}
        <span class="muted">(as typed in Grafana; then the signed string is timestamp:body)</span>
      </label>
      <div>
        <button type="submit">Save signature settings</button>
      </div>
    </PostForm>
  </details>
);

/** An integration's publication policy, as operators read it. */
function publicationLabel(i: Pick<IntegrationJson, "publication" | "publish_after_seconds">): string {
  switch (i.publication) {
    case "publish":
      return i.publish_after_seconds ? `published once firing for ${i.publish_after_seconds} s (shorter blips suppressed)` : "published at once";
    case "review":
      return "drafts, published by an operator";
    case "status_only":
      return "component status only, no incident";
    case "private":
      return "private: operators only";
  }
}

/** The policy and the grace period: shared by the create form and each integration's own form. */
const PublicationFields: FC<{ integration?: IntegrationJson }> = ({ integration: i }) => {
  const current = i?.publication ?? "publish";
  const options: Array<[string, string]> = [
    ["publish", "publish: incidents and statuses go public (after the grace period below, if any)"],
    ["review", "review: drafts only operators see, until one publishes them"],
    ["status_only", "status only: components change, no incident opens"],
    ["private", "private: recorded for operators only, nothing public, nothing notified"],
  ];
  return (
    <>
      <label>
        In public{" "}
        <select name="publication">
          {options.map(([value, label]) => (
            <option value={value} selected={value === current}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Grace period (seconds, with publish){" "}
        <input type="number" name="publish_after_seconds" min={0} max={86400} step={1} value={i?.publish_after_seconds ?? ""} placeholder="0: at once" />{" "}
        <span class="muted">an incident still firing after it is published; one that recovers sooner is suppressed</span>
      </label>
    </>
  );
};

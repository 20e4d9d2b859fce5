// Sign-in, the logs operators read (deliveries, audit) and the page settings.

import type { FC } from "hono/jsx";
import type { AuditEntry } from "../../db/audit";
import type { FailedAttemptsJson } from "../../db/failed-attempts";
import { DELIVERY_OUTCOMES } from "../../domain/status";
import { LANGUAGES, MESSAGES } from "../../i18n";
import type { InboxStatus } from "../ingestor";
import type { RefusedJson } from "../security/refusals";
import type { SettingsJson } from "./catalog";
import type { DeliveryJson } from "./deliveries";
import type { IntegrationJson } from "./integrations";
import { Choice, type Common, Empty, Field, FilterForm, Layout, NumberField, named, PostForm, Table, Time, TimeCell } from "./layout";

/** One of the brand's links, set or cleared (empty). */
const BrandUrl: FC<{ label: string; name: "logo_url" | "favicon_url" | "support_url"; settings: SettingsJson; example: string }> = ({
  label,
  name,
  settings,
  example,
}) => <Field label={label} type="url" name={name} value={settings[name] ?? ""} placeholder={`https://example.com/${example}`} />;

export const LoginPage: FC<{ error?: string; accessConfigured: boolean }> = ({ error, accessConfigured }) => (
  <Layout title="Sign in" flash={{ error }}>
    <section>
      <form method="post" action="/admin/login" class="stack">
        <Field label="Admin token" type="password" name="token" required autocomplete="current-password" autofocus />
        <Field label="Your name, for the audit log (optional)" name="name" maxlength={60} autocomplete="nickname" />
        <div>
          <button type="submit" class="primary">
            Sign in
          </button>
        </div>
      </form>
      <p class="muted">The session lasts 12 hours.{accessConfigured ? " Signed in to Cloudflare Access? Open /admin through Access instead." : ""}</p>
    </section>
  </Layout>
);

export const MessagePage: FC<{ title: string; message: string; actor?: string; back?: string }> = ({ title, message, actor, back }) => (
  <Layout title={title} actor={actor} flash={back ? { error: message } : undefined}>
    <section>
      {!back && <p>{message}</p>}
      <p>
        {back && back !== "/admin" && (
          <>
            <a href={back}>Back</a> ·{" "}
          </>
        )}
        <a href="/admin">Back to the dashboard</a>
      </p>
    </section>
  </Layout>
);

/**
 * The Ingestor's inbox: deliveries answered 2xx and kept, not yet in D1 (the public page shows D1),
 * and why, when D1 refuses them.
 */
export const IngestPanel: FC<{ status: InboxStatus; tz: string }> = ({ status, tz }) => {
  const { backlog, lastError } = status;
  return (
    <section id="ingest" aria-labelledby="ingest-title">
      <h2 id="ingest-title">Ingestion</h2>
      {backlog.deliveries ? (
        <p role="status">
          <strong>
            {backlog.deliveries} {backlog.deliveries === 1 ? "delivery" : "deliveries"} accepted, not yet on the public page
          </strong>{" "}
          ({(backlog.bytes / 1024).toFixed(1)} KB of {(status.limits.bytes / 1024 / 1024).toFixed(0)} MB, {backlog.deliveries} of {status.limits.deliveries}
          {"; past either, senders get 503 and retry)"}
          {backlog.oldestAcceptedAt && (
            <>
              , the oldest since <Time iso={backlog.oldestAcceptedAt} tz={tz} />
            </>
          )}
          {status.nextRetryAt && (
            <>
              . Next retry <Time iso={status.nextRetryAt} tz={tz} />
            </>
          )}
          .
        </p>
      ) : (
        <p role="status">Every accepted delivery is in the database{status.lastProjectedAt ? "" : " (none since the last restart)"}.</p>
      )}
      {lastError && (
        <p>
          Last database error
          {status.lastErrorAt && (
            <>
              {" "}
              (<Time iso={status.lastErrorAt} tz={tz} />)
            </>
          )}
          : <code>{lastError}</code>
          {status.failures ? ` — ${status.failures} failed attempts in a row` : ""}
        </p>
      )}
      {backlog.deliveries > 0 && (
        <PostForm action="/admin/deliveries/retry" class="inline">
          <button type="submit">Retry now</button>
        </PostForm>
      )}
    </section>
  );
};

export const DeliveriesPage: FC<
  Common & {
    deliveries: DeliveryJson[];
    refused: RefusedJson[];
    integrations: IntegrationJson[];
    filter: { integrationId?: string; outcome?: string };
    ingest: InboxStatus;
  }
> = ({ actor, tz, flash, deliveries, refused, integrations, filter, ingest }) => {
  const older = deliveries.length ? deliveries[deliveries.length - 1]!.received_at : null;
  const query = (extra: Record<string, string>) =>
    `?${new URLSearchParams({ ...(filter.integrationId ? { integration_id: filter.integrationId } : {}), ...(filter.outcome ? { outcome: filter.outcome } : {}), ...extra }).toString()}`;
  return (
    <Layout title="Deliveries" actor={actor} flash={flash} active="/admin/deliveries">
      <IngestPanel status={ingest} tz={tz} />
      <FilterForm action="/admin/deliveries">
        <Choice label="Integration" name="integration_id" none="all" options={named(integrations)} selected={filter.integrationId} />
        <Choice label="Outcome" name="outcome" none="all" options={DELIVERY_OUTCOMES} selected={filter.outcome} />
      </FilterForm>
      <section>
        <Table
          columns={["Received", "Integration", "Outcome", "Events", "Error", "Payload (redacted)"]}
          items={deliveries}
          empty={<Empty>No deliveries match.</Empty>}
          row={(d) => (
            <tr data-delivery={d.id}>
              <TimeCell iso={d.received_at} tz={tz} />
              <td>
                {d.integration_name ?? <span class="muted">unknown key</span>} <span class="muted">{d.source}</span>
              </td>
              <td>
                {d.outcome} <span class="muted">{d.http_status || ""}</span>
              </td>
              <td>
                {d.event_count}
                {d.summary && (
                  <span class="muted">
                    {" "}
                    {Object.entries(d.summary)
                      .map(([k, n]) => `${n} ${k}`)
                      .join(", ")}
                  </span>
                )}
              </td>
              <td>{d.error}</td>
              <td>
                {d.payload ? (
                  <details>
                    <summary>show</summary>
                    <pre>{d.payload}</pre>
                  </details>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
            </tr>
          )}
        />
      </section>
      {older && deliveries.length >= 100 && <a href={`/admin/deliveries${query({ before: older })}`}>Older deliveries →</a>}
      <section id="refused">
        <h2>Refused for a missing or unknown key</h2>
        <p class="muted">Counted per hour and key prefix; their payloads are not kept.</p>
        <Table
          columns={["Hour (UTC)", "Receiver", "Key prefix", "Count", "Last error"]}
          items={refused}
          empty={<Empty>None refused.</Empty>}
          row={(r) => (
            <tr data-refused={`${r.hour} ${r.source} ${r.key_prefix}`}>
              <td>{r.hour}</td>
              <td>{r.source}</td>
              <td>
                <code>{r.key_prefix ? `${r.key_prefix}…` : "(none)"}</code>
              </td>
              <td>{r.count}</td>
              <td dir="auto">{r.last_error}</td>
            </tr>
          )}
        />
      </section>
    </Layout>
  );
};

const json = (v: unknown) => (v == null ? "" : JSON.stringify(v, null, 1));

export const AuditPage: FC<Common & { entries: AuditEntry[]; failed: FailedAttemptsJson[]; targetId?: string }> = ({
  actor,
  tz,
  flash,
  entries,
  failed,
  targetId,
}) => {
  const older = entries.length >= 100 ? entries[entries.length - 1]!.id : null;
  return (
    <Layout title="Audit log" actor={actor} flash={flash} active="/admin/audit">
      {targetId && (
        <p>
          Showing entries for <code>{targetId}</code>. <a href="/admin/audit">Show all</a>
        </p>
      )}
      <section>
        <Table
          columns={["Time", "Actor", "Action", "Target", "Before", "After"]}
          items={entries}
          empty={<Empty>No entries.</Empty>}
          row={(e) => (
            <tr data-audit={e.id}>
              <TimeCell iso={e.at} tz={tz} />
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                {e.target_type} {e.target_id && <a href={`/admin/audit?target_id=${encodeURIComponent(e.target_id)}`}>{e.target_id}</a>}
              </td>
              <td>{e.before != null && <pre>{json(e.before)}</pre>}</td>
              <td>{e.after != null && <pre>{json(e.after)}</pre>}</td>
            </tr>
          )}
        />
      </section>
      {older && <a href={`/admin/audit?before=${older}${targetId ? `&target_id=${encodeURIComponent(targetId)}` : ""}`}>Older entries →</a>}
      <section id="failed-attempts">
        <h2>Failed sign-ins and guesses</h2>
        <p class="muted">
          Wrong admin tokens, page passwords and subscribe requests, counted per hour and client (IPv4 address or IPv6 /64; past 100 clients an hour, one{" "}
          <code>*</code> row); refused: attempts answered 429 while a limit held.
        </p>
        <Table
          columns={["Hour (UTC)", "Kind", "Client", "Failures", "Refused", "Last"]}
          items={failed}
          empty={<Empty>None.</Empty>}
          row={(f) => (
            <tr data-failed={`${f.hour} ${f.kind} ${f.client}`}>
              <td>{f.hour}</td>
              <td>{f.kind}</td>
              <td>
                <code>{f.client}</code>
              </td>
              <td>{f.failures}</td>
              <td>{f.refused}</td>
              <TimeCell iso={f.last_at} tz={tz} />
            </tr>
          )}
        />
      </section>
    </Layout>
  );
};

export const SettingsPage: FC<Common & { settings: SettingsJson }> = ({ actor, tz, flash, settings }) => (
  <Layout title="Settings" actor={actor} flash={flash} active="/admin/settings">
    <section>
      <PostForm action="/admin/settings" class="stack">
        <Field label="Page name" name="name" value={settings.name} required maxlength={120} />
        <Field label="Page URL" type="url" name="url" value={settings.url} placeholder="https://status.example.com (empty: this site)" />
        <Field label="Time zone" name="time_zone" value={settings.time_zone} required placeholder="Europe/Paris" />
        <NumberField
          label="Auto-resolve incidents in monitoring after"
          name="auto_resolve_minutes"
          value={settings.auto_resolve_minutes}
          min={1}
          max={10080}
          unit={
            <>
              quiet minutes <span class="muted">(empty: an operator resolves)</span>
            </>
          }
        />
        <NumberField
          label="Remind subscribers of maintenance"
          name="maintenance_remind_minutes"
          value={settings.maintenance_remind_minutes}
          min={0}
          max={10080}
          unit={
            <>
              minutes before it starts <span class="muted">(0: no reminder; a maintenance may set its own)</span>
            </>
          }
        />
        {(["delivery", "audit"] as const).map((log) => (
          <NumberField
            label={`Keep the ${log} log for`}
            name={`${log}_retention_days`}
            value={settings[`${log}_retention_days`]}
            min={1}
            max={3650}
            unit="days"
          />
        ))}
        <label>
          <input type="checkbox" name="allow_framing" value="true" checked={settings.allow_framing} /> Other sites may show the status page in a frame
        </label>
        <h3>Language and brand</h3>
        <label>
          Default language{" "}
          <select name="language">
            {LANGUAGES.map((l) => (
              <option value={l} selected={settings.language === l}>
                {MESSAGES[l].language} ({l})
              </option>
            ))}
          </select>{" "}
          <span class="muted">readers get their own (?lang=, their browser's Accept-Language) when the page has it</span>
        </label>
        <BrandUrl label="Logo URL" name="logo_url" settings={settings} example="logo.svg" />
        <BrandUrl label="Favicon URL" name="favicon_url" settings={settings} example="favicon.png" />
        <label>
          Brand colour{" "}
          <input type="text" name="brand_color" value={settings.brand_color ?? ""} placeholder="#0550ae" pattern="#[0-9a-fA-F]{6}" style="width:8em" />{" "}
          <span class="muted">must keep text readable (WCAG AA, 4.5:1) in light and dark mode</span>
        </label>
        <label>
          Header links <span class="muted">(one per line: Label | https://…)</span>
          <textarea name="header_links" rows={3}>
            {settings.header_links.map((l) => `${l.label} | ${l.url}`).join("\n")}
          </textarea>
        </label>
        <BrandUrl label="Support URL" name="support_url" settings={settings} example="support" />
        <Field label="Footer text" name="footer_text" value={settings.footer_text ?? ""} maxlength={500} />
        <h3>Audience</h3>
        <label>
          Visibility{" "}
          <select name="visibility">
            <option value="public" selected={settings.visibility === "public"}>
              Public: anyone may read the page
            </option>
            <option value="private" selected={settings.visibility === "private"}>
              Private: the page password or Cloudflare Access
            </option>
          </select>
        </label>
        <Field
          label="Page password"
          type="password"
          name="page_password"
          autocomplete="new-password"
          minlength={8}
          placeholder={settings.page_password_set ? "set (empty: keep it)" : "not set"}
        />
        {settings.page_password_set && (
          <label>
            <input type="checkbox" name="clear_password" value="yes" /> Remove the page password
          </label>
        )}
        <h3>Alerts on this page</h3>
        <p class="muted">How the incidents that alerts open on this page read in public, and when they are published. Empty: each integration's own.</p>
        <label>
          Public text{" "}
          <select name="public_text">
            <option value="" selected={settings.public_text === null}>
              Each integration's
            </option>
            <option value="summary" selected={settings.public_text === "summary"}>
              Summary: the alert's title cleaned, a neutral body
            </option>
            <option value="full" selected={settings.public_text === "full"}>
              Full: the alert's title and details verbatim
            </option>
            <option value="template" selected={settings.public_text === "template"}>
              Template: the wording below
            </option>
          </select>
        </label>
        <Field label="Wording" name="public_template" value={settings.public_template ?? ""} maxlength={255} placeholder="{{components}} is having issues" />
        <label>
          Publication{" "}
          <select name="publication">
            <option value="" selected={settings.publication === null}>
              Each integration's
            </option>
            <option value="publish" selected={settings.publication === "publish"}>
              Publish (at once, or after the grace period below)
            </option>
            <option value="review" selected={settings.publication === "review"}>
              Review: a draft an operator publishes
            </option>
            <option value="status_only" selected={settings.publication === "status_only"}>
              Status only: component statuses, no incident
            </option>
            <option value="private" selected={settings.publication === "private"}>
              Private: operators only
            </option>
          </select>
        </label>
        <NumberField
          label="Publish after"
          name="publish_after_seconds"
          value={settings.publish_after_seconds}
          min={0}
          max={86400}
          unit={
            <>
              seconds of firing <span class="muted">(with Publish; empty: at once)</span>
            </>
          }
        />
        <h3>Subscribe form</h3>
        <label>
          Turnstile site key <input type="text" name="turnstile_site_key" value={settings.turnstile_site_key ?? ""} maxlength={100} autocomplete="off" />{" "}
          <span class="muted">set: readers pass a Cloudflare Turnstile check to subscribe (the worker needs the TURNSTILE_SECRET secret); empty: no check</span>
        </label>
        <div>
          <button type="submit" class="primary">
            Save settings
          </button>
        </div>
      </PostForm>
      <p class="muted">Times in this admin are shown in {tz}.</p>
    </section>
  </Layout>
);

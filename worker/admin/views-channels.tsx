// The admin pages for notifications: operator channels (create, the secret shown once, test, delete)
// and the notification log (what was sent, to whom, attempts, last error).
import type { FC } from "hono/jsx";
import { NOTIFICATION_STATUSES } from "../../db/notifications";
import { CHANNEL_KINDS, type ChannelKind } from "../../domain/channels";
import { NOTIFY_GROUPS } from "../notify/events";
import { type ChannelJson, DATADOG_SITES, type NotificationJson } from "./channels";
import { Choice, type Common, Empty, FilterForm, Layout, named, PostForm, Table, TimeCell } from "./layout";

const KIND_HELP: Record<ChannelKind, string> = {
  webhook: "Statuspage's webhook body, signed (Standard Webhooks)",
  slack: "Slack incoming webhook URL",
  discord: "Discord channel webhook URL",
  teams: "Teams Workflows webhook URL",
  datadog: "Datadog event stream: API key and site",
  email: "A team address",
};

export const ChannelsPage: FC<
  Common & {
    channels: ChannelJson[];
    components: { id: string; name: string }[];
    created?: ChannelJson & { secret?: string };
    tested?: { name: string; ok: boolean; status: number | null; error: string | null };
  }
> = ({ actor, tz, flash, channels, components, created, tested }) => {
  const componentName = new Map(components.map((c) => [c.id, c.name]));
  return (
    <Layout title="Channels" actor={actor} active="/admin/channels" flash={flash}>
      <h1>Notification channels</h1>
      {created?.secret && (
        <div class="secret" role="status">
          <p>
            Channel <strong>{created.name}</strong> created. Its signing secret is shown <strong>this once</strong>: verify each delivery's{" "}
            <code>webhook-signature</code> with it (Standard Webhooks).
          </p>
          <code>{created.secret}</code>
        </div>
      )}
      {tested && (
        <div class={`flash ${tested.ok ? "ok" : "error"}`} role="status">
          Test of <strong>{tested.name}</strong>: {tested.ok ? `delivered${tested.status ? ` (HTTP ${tested.status})` : ""}.` : `failed: ${tested.error}`}
        </div>
      )}
      <section>
        <Table
          columns={["Name", "Kind", "Where", "Hears of", "Components", "Created", ""]}
          items={channels}
          empty={<Empty>No channels yet: add one below, and every incident, update and maintenance reaches it.</Empty>}
          row={(c) => (
            <tr>
              <td>
                <bdi>{c.name}</bdi>
              </td>
              <td>
                <span class="tag">{c.kind}</span>
                {c.signed && <span class="tag">signed</span>}
              </td>
              <td>
                <code>{c.target}</code>
              </td>
              <td>{c.events.join(", ")}</td>
              <td>{c.component_ids ? c.component_ids.map((id) => <span class="tag">{componentName.get(id) ?? id}</span>) : "all"}</td>
              <TimeCell iso={c.created_at} tz={tz} />
              <td>
                <div class="row">
                  <PostForm action={`/admin/channels/${c.id}/test`} class="inline">
                    <button type="submit">Send a test</button>
                  </PostForm>
                  <a href={`/admin/notifications?recipient_id=${c.id}`}>Log</a>
                  <PostForm action={`/admin/channels/${c.id}/delete`} class="inline">
                    <label>
                      <input type="checkbox" name="confirm" value="yes" required /> sure
                    </label>
                    <button type="submit" class="danger">
                      Delete
                    </button>
                  </PostForm>
                </div>
              </td>
            </tr>
          )}
        />
      </section>
      <h2>Add a channel</h2>
      <section>
        <PostForm action="/admin/channels" class="stack">
          <label>
            Name <input type="text" name="name" required maxlength={120} />
          </label>
          <fieldset>
            <legend>Kind</legend>
            {CHANNEL_KINDS.map((k, i) => (
              <label style="display:block">
                <input type="radio" name="kind" value={k} checked={i === 0} required /> {k} <span class="muted">— {KIND_HELP[k]}</span>
              </label>
            ))}
          </fieldset>
          <label>
            URL (webhook, Slack, Discord, Teams; https to a public host) <input type="url" name="url" maxlength={2000} />
          </label>
          <label>
            Email address (email) <input type="text" name="email" maxlength={254} autocomplete="off" />
          </label>
          <div class="row">
            <label>
              Datadog API key <input type="password" name="api_key" maxlength={64} autocomplete="off" />
            </label>
            <Choice label="Datadog site" name="site" options={DATADOG_SITES} />
          </div>
          <fieldset>
            <legend>Hears of (none ticked: incidents and maintenance)</legend>
            <div class="checks">
              {NOTIFY_GROUPS.map((g) => (
                <label>
                  <input type="checkbox" name="events" value={g} /> {g === "component" ? "component status changes" : g}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend>Only these components (none ticked: all)</legend>
            <div class="checks">
              {components.map((c) => (
                <label>
                  <input type="checkbox" name="component_ids" value={c.id} /> <bdi>{c.name}</bdi>
                </label>
              ))}
            </div>
          </fieldset>
          <label>
            <input type="checkbox" name="all_pages" value="yes" /> Hears of every page (else only of the page selected above)
          </label>
          <div>
            <button type="submit" class="primary">
              Add channel
            </button>
          </div>
        </PostForm>
      </section>
    </Layout>
  );
};

export const NotificationsPage: FC<
  Common & { notifications: NotificationJson[]; channels: ChannelJson[]; filter: { status?: string; recipientId?: string } }
> = ({ actor, tz, flash, notifications, channels, filter }) => {
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return (
    <Layout title="Notifications" actor={actor} active="/admin/notifications" flash={flash}>
      <h1>Notification log</h1>
      <FilterForm action="/admin/notifications">
        <Choice label="Status" name="status" none="any" options={NOTIFICATION_STATUSES} selected={filter.status} />
        <Choice label="Channel" name="recipient_id" none="any recipient" options={named(channels)} selected={filter.recipientId} />
      </FilterForm>
      <section>
        <Table
          columns={["When", "Event", "To", "Status", "Attempts", "Last error"]}
          items={notifications}
          empty={<Empty>Nothing sent yet.</Empty>}
          row={(n) => (
            <tr>
              <TimeCell iso={n.created_at} tz={tz} />
              <td>
                {n.event_type}
                {n.incident_id && (
                  <>
                    {" "}
                    <a href={`/admin/incidents/${n.incident_id}`}>incident</a>
                  </>
                )}
              </td>
              <td>
                <span class="tag">{n.channel_kind}</span>{" "}
                {n.recipient_type === "channel" ? <bdi>{channelName.get(n.recipient_id) ?? n.recipient_id}</bdi> : "subscriber"} <code>{n.target}</code>
              </td>
              <td>
                <span class="tag">{n.status}</span>
                {n.http_status !== null && <span class="muted"> HTTP {n.http_status}</span>}
              </td>
              <td>{n.attempts}</td>
              <td>{n.last_error ?? ""}</td>
            </tr>
          )}
        />
      </section>
    </Layout>
  );
};

// The admin pages for notifications: operator channels (create, the secret shown once, test, delete)
// and the notification log (what was sent, to whom, attempts, last error).
import type { FC } from "hono/jsx";
import { NOTIFICATION_STATUSES } from "../../db/notifications";
import { NOTIFY_GROUPS } from "../notify/events";
import { CHANNEL_KINDS, type ChannelJson, DATADOG_SITES, type NotificationJson } from "./channels";
import { type Common, Empty, Layout, PostForm, Time } from "./layout";


const KIND_HELP: Record<(typeof CHANNEL_KINDS)[number], string> = {
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
        {channels.length ? (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Where</th>
                <th>Hears of</th>
                <th>Components</th>
                <th>Created</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
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
                  <td>
                    <Time iso={c.created_at} tz={tz} />
                  </td>
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
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No channels yet: add one below, and every incident, update and maintenance reaches it.</Empty>
        )}
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
            <label>
              Datadog site{" "}
              <select name="site">
                {DATADOG_SITES.map((s) => (
                  <option value={s}>{s}</option>
                ))}
              </select>
            </label>
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

export const NotificationsPage: FC<Common & { notifications: NotificationJson[]; channels: ChannelJson[]; filter: { status?: string; recipientId?: string } }> = ({
  actor,
  tz,
  flash,
  notifications,
  channels,
  filter,
}) => {
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return (
    <Layout title="Notifications" actor={actor} active="/admin/notifications" flash={flash}>
      <h1>Notification log</h1>
      <form method="get" action="/admin/notifications" class="inline">
        <label>
          Status{" "}
          <select name="status">
            <option value="">any</option>
            {NOTIFICATION_STATUSES.map((s) => (
              <option value={s} selected={filter.status === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Channel{" "}
          <select name="recipient_id">
            <option value="">any recipient</option>
            {channels.map((c) => (
              <option value={c.id} selected={filter.recipientId === c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <section>
        {notifications.length ? (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Event</th>
                <th>To</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {notifications.map((n) => (
                <tr>
                  <td>
                    <Time iso={n.created_at} tz={tz} />
                  </td>
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
                    <span class="tag">{n.channel_kind}</span> {n.recipient_type === "channel" ? <bdi>{channelName.get(n.recipient_id) ?? n.recipient_id}</bdi> : "subscriber"}{" "}
                    <code>{n.target}</code>
                  </td>
                  <td>
                    <span class="tag">{n.status}</span>
                    {n.http_status !== null && <span class="muted"> HTTP {n.http_status}</span>}
                  </td>
                  <td>{n.attempts}</td>
                  <td>{n.last_error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>Nothing sent yet.</Empty>
        )}
      </section>
    </Layout>
  );
};

// The admin's subscribers page: counts, the CSV export, the add form (confirmed at once) and the list
// with a remove button per subscriber. No script; every form carries the session's CSRF token.
import type { FC } from "hono/jsx";
import { LANGUAGES, MESSAGES } from "../../i18n";
import type { SubscriberJson } from "../subscriptions/subscribe";
import { Empty, type Flash, Layout, PostForm, Table } from "./layout";

interface Props {
  actor: string;
  flash: Flash;
  subscribers: SubscriberJson[];
  counts: { confirmed: number; pending: number };
  components: Array<{ id: string; name: string }>;
}

export const SubscribersPage: FC<Props> = ({ actor, flash, subscribers, counts, components }) => {
  const names = new Map(components.map((c) => [c.id, c.name]));
  return (
    <Layout title="Subscribers" actor={actor} flash={flash} active="/admin/subscribers">
      <p>
        {counts.confirmed} confirmed, {counts.pending} waiting for their confirmation (deleted after 7 days).{" "}
        <a href="/admin/subscribers.csv" download>
          Export as CSV
        </a>
      </p>
      <section>
        <h2>Add a subscriber</h2>
        <p class="muted">Added here, a subscriber is confirmed at once: no confirmation email is sent.</p>
        <PostForm action="/admin/subscribers" class="stack">
          <label>
            Email <input type="text" name="email" required maxlength={254} autocomplete="off" />
          </label>
          <label>
            Webhook URL (optional, https) <input type="url" name="webhook_url" maxlength={2000} />
          </label>
          <label>
            Language{" "}
            <select name="language">
              {LANGUAGES.map((l) => (
                <option value={l}>{MESSAGES[l].language}</option>
              ))}
            </select>
          </label>
          {components.length > 0 && (
            <fieldset>
              <legend>Components (none ticked: every component)</legend>
              <div class="checks">
                {components.map((c) => (
                  <label>
                    <input type="checkbox" name="component_ids" value={c.id} /> {c.name}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          <button type="submit" class="primary">
            Add subscriber
          </button>
        </PostForm>
      </section>
      <section>
        <h2>Subscribers</h2>
        <Table
          columns={["Email", "Webhook", "Components", "Language", "Status", "Added", ""]}
          items={subscribers}
          empty={<Empty>No subscribers yet.</Empty>}
          row={(s) => (
            <tr>
              <td>
                <bdi>{s.email}</bdi>
              </td>
              <td>{s.webhook_url ? <code>{s.webhook_url}</code> : <span class="muted">—</span>}</td>
              <td>
                {s.component_ids ? s.component_ids.map((id) => <span class="tag">{names.get(id) ?? id}</span>) : <span class="muted">every component</span>}
              </td>
              <td>{s.language}</td>
              <td>
                <span class="tag">{s.status}</span>
                {s.disabled_at ? (
                  <span class="tag" title={`Every delivery failed for a day; turned off at ${s.disabled_at}`}>
                    turned off: failing
                  </span>
                ) : (
                  s.failing_since && (
                    <span class="tag" title={`Every delivery has failed since ${s.failing_since}`}>
                      failing
                    </span>
                  )
                )}
              </td>
              <td>
                <time datetime={s.created_at}>{s.created_at.slice(0, 16).replace("T", " ")}</time> <span class="muted">by {s.created_by}</span>
              </td>
              <td>
                <PostForm action={`/admin/subscribers/${s.id}/delete`} class="inline">
                  <button type="submit" class="danger" aria-label={`Remove ${s.email}`}>
                    Remove
                  </button>
                </PostForm>
              </td>
            </tr>
          )}
        />
      </section>
    </Layout>
  );
};

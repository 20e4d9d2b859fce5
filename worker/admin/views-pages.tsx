// The admin's Pages page: the install's pages with their host names (create, rename, hosts, delete), and
// the operator keys (created here and shown once, listed, revoked). No script; every form carries the CSRF token.
import type { FC } from "hono/jsx";
import { Empty, Field, type Flash, Layout, PostForm, Table } from "./layout";
import type { KeyJson, PageJson } from "./pages";

interface Props {
  actor: string;
  flash: Flash;
  pages: PageJson[];
  /** Shown to operators of every page only. */
  keys: KeyJson[] | null;
  /** A key just created: shown this once. */
  newKey?: { name: string; key: string };
  /** The page the admin acts on. */
  current: number;
}

const pageNames = (pages: PageJson[], ids: number[] | null) =>
  ids === null ? "every page" : ids.map((id) => pages.find((p) => p.id === id)?.name ?? `page ${id}`).join(", ");

export const PagesPage: FC<Props> = ({ actor, flash, pages, keys, newKey, current }) => (
  <Layout title="Pages" actor={actor} flash={flash} active="/admin/pages">
    <p class="muted">
      Each page has its own components, incidents, maintenance, settings and subscribers. Readers reach a page by one of its host names, by{" "}
      <code>/p/&lt;slug&gt;/</code> on any host, or locally at <code>&lt;slug&gt;.localhost</code>. An install has up to 100 pages.
    </p>
    <Table
      columns={["Page", "Slug", "Host names", ""]}
      items={pages}
      row={(p) => (
        <tr>
          <td>
            <strong>{p.name}</strong> {p.id === current && <span class="tag">selected</span>}
            <div class="muted">id {p.id}</div>
          </td>
          <td>
            <code>{p.slug}</code>
          </td>
          <td>
            <PostForm action={`/admin/pages/${p.id}`} class="stack">
              <Field label="Name" name="name" value={p.name} required maxlength={120} />
              <Field label="Slug" name="slug" value={p.slug} required maxlength={40} />
              <label>
                Host names, one a line <textarea name="hosts">{p.hosts.join("\n")}</textarea>
              </label>
              <button type="submit">Save</button>
            </PostForm>
          </td>
          <td>
            {p.id !== 1 && (
              <PostForm action={`/admin/pages/${p.id}/delete`} class="inline">
                <label>
                  <input type="checkbox" name="confirm" value="yes" /> sure
                </label>
                <button type="submit" class="danger">
                  Delete
                </button>
              </PostForm>
            )}
          </td>
        </tr>
      )}
    />
    {keys && (
      <section>
        <h2>New page</h2>
        <PostForm action="/admin/pages" class="stack">
          <Field label="Name" name="name" required maxlength={120} />
          <Field label="Slug" name="slug" required maxlength={40} placeholder="internal" />
          <label>
            Host names, one a line (optional) <textarea name="hosts" placeholder="internal.example.com"></textarea>
          </label>
          <button type="submit" class="primary">
            Create page
          </button>
        </PostForm>
      </section>
    )}
    {keys && (
      <section>
        <h2>Operator keys</h2>
        <p class="muted">
          For scripts and CI: <code>Authorization: Bearer &lt;key&gt;</code> on <code>/admin/api</code>, limited to the pages ticked (none ticked: every page).
          A key limited to some pages gets 403 elsewhere.
        </p>
        {newKey && (
          <div class="secret" role="status">
            Key <strong>{newKey.name}</strong>, shown this once: <code>{newKey.key}</code>
          </div>
        )}
        <Table
          columns={["Name", "Prefix", "Pages", "Created", "Last used", ""]}
          items={keys}
          empty={<Empty>No operator keys yet.</Empty>}
          row={(k) => (
            <tr>
              <td>{k.name}</td>
              <td>
                <code>{k.key_prefix}…</code>
              </td>
              <td>{pageNames(pages, k.pages)}</td>
              <td>
                {k.created_at.slice(0, 16).replace("T", " ")} <span class="muted">by {k.created_by}</span>
              </td>
              <td>{k.last_used_at ? k.last_used_at.slice(0, 16).replace("T", " ") : "never"}</td>
              <td>
                {k.revoked_at ? (
                  <span class="tag">revoked</span>
                ) : (
                  <PostForm action={`/admin/keys/${k.id}/revoke`} class="inline">
                    <button type="submit" class="danger">
                      Revoke
                    </button>
                  </PostForm>
                )}
              </td>
            </tr>
          )}
        />
        <PostForm action="/admin/keys" class="stack">
          <Field label="Name" name="name" required maxlength={120} placeholder="deploy-bot" />
          <fieldset>
            <legend>Pages (none ticked: every page)</legend>
            <div class="checks">
              {pages.map((p) => (
                <label>
                  <input type="checkbox" name="pages" value={String(p.id)} /> {p.name}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="submit" class="primary">
            Create key
          </button>
        </PostForm>
      </section>
    )}
  </Layout>
);

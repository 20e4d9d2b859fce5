// The admin's import page: a Statuspage page's URL (the worker reads its public v2 API), the page here to
// import it into, and optionally Statuspage's subscriber CSV export. The result lists what was added.
import type { FC } from "hono/jsx";
import { type Flash, Layout, PostForm } from "./layout";

interface Props {
  actor: string;
  flash: Flash;
  values: { url?: string; slug?: string; name?: string };
  imported?: Record<string, number>;
  pageSlug?: string;
}

export const ImportPage: FC<Props> = ({ actor, flash, values, imported, pageSlug }) => (
  <Layout title="Import" actor={actor} flash={flash} active="/admin/import">
    <p>
      Bring a page from Atlassian Statuspage (or another install of this page) here: its groups, components, incidents with every update and maintenances, none
      of it notified. Importing again adds only what is new. From a terminal: <code>npm run import</code>.
    </p>
    {imported && (
      <section>
        <h2>Imported into {pageSlug}</h2>
        <ul>
          {Object.entries(imported).map(([k, v]) => (
            <li>
              {k.replace(/_/g, " ")}: {v}
            </li>
          ))}
        </ul>
      </section>
    )}
    <PostForm action="/admin/import" class="stack">
      <label>
        The page's address (https) <input type="url" name="url" required maxlength={2000} value={values.url ?? ""} placeholder="https://status.example.com" />
      </label>
      <label>
        Into the page (its slug; made when new) <input type="text" name="slug" required maxlength={63} pattern="[a-z0-9][a-z0-9-]*" value={values.slug ?? ""} />
      </label>
      <label>
        Its name, when it is made (default: the source page's) <input type="text" name="name" maxlength={120} value={values.name ?? ""} />
      </label>
      <label>
        Subscribers (optional): paste Statuspage's subscriber CSV export <textarea name="csv" rows={4} />
      </label>
      <label>
        <input type="checkbox" name="confirm" value="1" /> Confirm them at once (otherwise each is sent a confirmation email)
      </label>
      <button type="submit" class="primary">
        Import
      </button>
    </PostForm>
  </Layout>
);

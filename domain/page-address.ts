// Where a reader's request says its page is. Three ways, strongest first: a `/p/<slug>/` path prefix
// (under any host, so one `*.workers.dev` host serves every page), the host name (a page's own, looked
// up in page_hosts), and `<slug>.localhost` (browsers send every `*.localhost` to loopback, so each
// page has its own origin under `npm start`). None of them: the first page. Pure: db/settings.ts reads
// the page this names.

/** What a page's slug may be: lower-case letters, digits and inner hyphens, as in a host label. */
export const PAGE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface PageAddress {
  /** The request's host name: lower case, no port. */
  host: string;
  /** The slug the request names (by prefix or `<slug>.localhost`); null: none. */
  slug: string | null;
  /** `/p/<slug>` when the request came by the path prefix (its links keep it), else "". */
  prefix: string;
}

const PREFIX = /^\/p\/([^/?#]*)(?=\/|$)/;

/**
 * Where a page's links lead outside a request (notifications): the first page at the install's public
 * base URL, as before pages existed; another page on its first host name, else under its prefix there.
 */
export function pageLinkBase(publicBase: string, page: { id: number; slug: string; host: string | null }): string {
  if (page.id === 1) return publicBase;
  return page.host ? `https://${page.host}` : `${publicBase}/p/${page.slug}`;
}

/** The path a request names once its `/p/<slug>` prefix is taken off (`/p/x` and `/p/x/` are `/`). */
export function withoutPrefix(path: string): string {
  const m = PREFIX.exec(path);
  if (!m) return path;
  return path.slice(m[0].length) || "/";
}

/** The page a request's URL names. A prefix whose slug cannot be one still names it (and finds no page). */
export function pageAddress(url: URL): PageAddress {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const m = PREFIX.exec(url.pathname);
  if (m) {
    let slug = m[1]!;
    try {
      slug = decodeURIComponent(slug);
    } catch {}
    return { host, slug: slug.toLowerCase(), prefix: `/p/${m[1]}` };
  }
  const local = /^([a-z0-9-]+)\.localhost$/.exec(host)?.[1];
  return { host, slug: local && PAGE_SLUG.test(local) ? local : null, prefix: "" };
}

// The security headers of every public response the worker renders (worker/cache.ts cachedPublic:
// the Statuspage API, feeds, badges, the Astro pages): no MIME sniffing, a Content-Security-Policy
// fitting the type, a referrer policy, and the page's frame policy. They are computed when a response
// is rendered and cached with it; a change of the page settings purges the cache, so they follow it.
// Static assets (live.js, through the ASSETS binding) never reach the worker: site/public/_headers
// gives them the same headers, with framing allowed (the default setting).

/** Scripts and styles from the page's own origin only; no plugins, no base tag, forms to itself. */
const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'";
const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";
/** An SVG opened on its own runs no script and loads nothing; its inline styles stay. */
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";
/** Data (JSON, feeds): nothing to run or load if a browser renders it. */
const DATA_CSP = "default-src 'none'";

/**
 * `imageOrigins`: where the page's own logo and favicon live (page settings, http(s) URLs only), the
 * only other place a page may load an image from.
 */
export function publicSecurityHeaders(contentType: string, allowFraming: boolean, imageOrigins: string[] = [], turnstile = false): Record<string, string> {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const frame = allowFraming ? "frame-ancestors *" : "frame-ancestors 'none'";
  let html = imageOrigins.length ? HTML_CSP.replace("img-src 'self' data:", `img-src 'self' data: ${imageOrigins.join(" ")}`) : HTML_CSP;
  // The subscribe form's Turnstile widget (worker/security/turnstile.ts): Cloudflare's script and frame.
  if (turnstile) html = `${html.replace("script-src 'self'", `script-src 'self' ${TURNSTILE_ORIGIN}`)}; frame-src ${TURNSTILE_ORIGIN}`;
  const csp = type === "text/html" ? `${html}; ${frame}` : type === "image/svg+xml" ? SVG_CSP : `${DATA_CSP}; ${frame}`;
  return {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": csp,
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // Browsers that predate frame-ancestors; only ever DENY (there is no "allow from anywhere" value).
    ...(allowFraming ? {} : { "X-Frame-Options": "DENY" }),
  };
}

/** An http(s) URL's origin, for a CSP source list; null for anything else. */
const originOf = (url: string | null | undefined): string | null => {
  try {
    const u = new URL(url ?? "");
    return u.protocol === "https:" || u.protocol === "http:" ? u.origin : null;
  } catch {
    return null;
  }
};

/** The page settings the headers follow: the frame policy (allowed when unset), the brand images' origins, Turnstile. */
export async function headerSettings(db: D1Database): Promise<{ allowFraming: boolean; imageOrigins: string[]; turnstile: boolean }> {
  const row = await db
    .prepare("SELECT allow_framing, logo_url, favicon_url, turnstile_site_key FROM page_settings WHERE id = 1")
    .first<{ allow_framing: number; logo_url: string | null; favicon_url: string | null; turnstile_site_key: string | null }>();
  const origins = [originOf(row?.logo_url), originOf(row?.favicon_url)].filter((o): o is string => !!o);
  return { allowFraming: row ? !!row.allow_framing : true, imageOrigins: [...new Set(origins)], turnstile: !!row?.turnstile_site_key };
}

/** The headers for a public response of `contentType`, with the page's frame policy. */
export async function publicHeaders(db: D1Database, contentType: string): Promise<Record<string, string>> {
  const { allowFraming, imageOrigins, turnstile } = await headerSettings(db);
  return publicSecurityHeaders(contentType, allowFraming, imageOrigins, turnstile);
}

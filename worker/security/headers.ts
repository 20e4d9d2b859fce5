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
/** An SVG opened on its own runs no script and loads nothing; its inline styles stay. */
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";
/** Data (JSON, feeds): nothing to run or load if a browser renders it. */
const DATA_CSP = "default-src 'none'";

export function publicSecurityHeaders(contentType: string, allowFraming: boolean): Record<string, string> {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const frame = allowFraming ? "frame-ancestors *" : "frame-ancestors 'none'";
  const csp = type === "text/html" ? `${HTML_CSP}; ${frame}` : type === "image/svg+xml" ? SVG_CSP : `${DATA_CSP}; ${frame}`;
  return {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": csp,
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // Browsers that predate frame-ancestors; only ever DENY (there is no "allow from anywhere" value).
    ...(allowFraming ? {} : { "X-Frame-Options": "DENY" }),
  };
}

/** The page setting (page_settings.allow_framing; allowed when unset). */
export async function framingAllowed(db: D1Database): Promise<boolean> {
  const row = await db.prepare("SELECT allow_framing FROM page_settings WHERE id = 1").first<{ allow_framing: number }>();
  return row ? !!row.allow_framing : true;
}

/** The headers for a public response of `contentType`, with the page's frame policy. */
export async function publicHeaders(db: D1Database, contentType: string): Promise<Record<string, string>> {
  return publicSecurityHeaders(contentType, await framingAllowed(db));
}

// The security headers of every public response the worker renders (worker/cache.ts cachedPublic:
// the Statuspage API, feeds, badges, the Astro pages): no MIME sniffing, a Content-Security-Policy
// fitting the type, a referrer policy, and the page's frame policy. They are computed when a response
// is rendered and cached with it; a change of the page settings purges the cache, so they follow it.
// Static assets (live.js, through the ASSETS binding) never reach the worker: site/public/_headers
// gives them the same headers, with framing allowed (the default setting).

import type { PageSettings } from "../../db/settings";

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

/** The page settings the headers follow: the frame policy, the brand images' origins, Turnstile. */
export function headerSettings(settings: PageSettings): { allowFraming: boolean; imageOrigins: string[]; turnstile: boolean } {
  const origins = [originOf(settings.logoUrl), originOf(settings.faviconUrl)].filter((o): o is string => !!o);
  return { allowFraming: settings.allowFraming, imageOrigins: [...new Set(origins)], turnstile: !!settings.turnstileSiteKey };
}

/** The headers for a public response of `contentType`, with the page's frame policy. */
export function publicHeaders(settings: PageSettings, contentType: string): Record<string, string> {
  const { allowFraming, imageOrigins, turnstile } = headerSettings(settings);
  return publicSecurityHeaders(contentType, allowFraming, imageOrigins, turnstile);
}

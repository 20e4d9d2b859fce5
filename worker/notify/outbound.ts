// Outbound safety for every URL the worker posts notifications to (operator channels and subscriber
// webhooks): https to a public host name only. Redirects are never followed (worker/notify/send.ts).
import type { Env } from "../env";

/** Suffixes of names that never point at the public internet. */
const PRIVATE_SUFFIXES = ["localhost", "local", "internal", "localdomain", "home.arpa", "lan", "intranet"];

const isIpv4 = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
const isIpv6 = (host: string) => host.startsWith("[");
const isLoopback = (host: string) => host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Why `url` may not receive notifications, or null when it may. `new URL()` normalises every IPv4
 * spelling (`0x7f.1`, `2130706433`, `0177.0.0.1`) to dotted decimal and IPv6 to brackets, so checking
 * its `hostname` covers them all. With OUTBOUND_ALLOW_LOOPBACK (npm start, tests) loopback hosts are
 * accepted over http too, for local capture servers; nothing else changes.
 */
export function checkOutboundUrl(env: Pick<Env, "OUTBOUND_ALLOW_LOOPBACK">, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid absolute URL";
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (env.OUTBOUND_ALLOW_LOOPBACK && isLoopback(host) && (parsed.protocol === "http:" || parsed.protocol === "https:")) return null;
  if (parsed.protocol !== "https:") return `must use https (got ${parsed.protocol.replace(/:$/, "")})`;
  if (parsed.username || parsed.password) return "must not carry a user name or password";
  if (isIpv4(host) || isIpv6(host)) return "must name a host, not an IP address";
  if (!host.includes(".")) return `must name a public host: "${host}" is a single-label name`;
  const suffix = PRIVATE_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  if (suffix) return `must name a public host: .${suffix} names are private`;
  return null;
}

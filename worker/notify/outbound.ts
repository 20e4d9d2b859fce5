// Outbound safety for every URL the worker posts notifications to (operator channels and subscriber
// webhooks): https to a public host name on port 443 or 8443 only. Redirects are never followed
// (worker/notify/send.ts). Two checks:
// - checkOutboundUrl, synchronous, at every send and every save: the URL's form (scheme, port, no IP
//   literal, no single-label or well-known private name, wildcard-DNS services included);
// - checkOutboundTarget, when a URL is saved: the same, then the name resolved through DNS over HTTPS
//   (OUTBOUND_DNS_URL, Cloudflare's JSON API by default), refused when any address it resolves to is
//   private, loopback, link-local, CGNAT or otherwise not on the public internet.
// What remains: DNS can change after the check (a name that resolved to a public address when saved
// may point elsewhere later). Cloudflare's network refuses private targets from Workers today.
import { config } from "../config";
import type { Env } from "../env";
import { HttpError } from "../errors";

/** Suffixes of names that never point at the public internet, and wildcard services that answer any address. */
const PRIVATE_SUFFIXES = [
  "localhost",
  "local",
  "internal",
  "localdomain",
  "home.arpa",
  "lan",
  "intranet",
  "corp",
  "private",
  "svc",
  "cluster.local",
  "invalid",
  "onion",
  "nip.io",
  "sslip.io",
  "xip.io",
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "lacolhost.com",
  "localhost.direct",
];

/** Ports a notification may go to (the loopback allowance of npm start and the tests keeps any). */
export const OUTBOUND_PORTS = ["443", "8443"] as const;

/** Cloudflare's resolver, JSON API (https://developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json/). */
export const DEFAULT_DNS_URL = "https://cloudflare-dns.com/dns-query";

const isIpv4 = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
const isIpv6 = (host: string) => host.startsWith("[");
const isLoopback = (host: string) => host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Why `url` may not receive notifications, or null when it may. `new URL()` normalises every IPv4
 * spelling (`0x7f.1`, `2130706433`, `0177.0.0.1`) to dotted decimal and IPv6 to brackets, so checking
 * its `hostname` covers them all. With OUTBOUND_ALLOW_LOOPBACK (npm start, tests) loopback hosts are
 * accepted over http too and on any port, for local capture servers; nothing else changes.
 */
export function checkOutboundUrl(env: Pick<Env, "OUTBOUND_ALLOW_LOOPBACK">, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid absolute URL";
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (config(env).test.outboundAllowLoopback && isLoopback(host) && (parsed.protocol === "http:" || parsed.protocol === "https:")) return null;
  if (parsed.protocol !== "https:") return `must use https (got ${parsed.protocol.replace(/:$/, "")})`;
  if (parsed.username || parsed.password) return "must not carry a user name or password";
  if (isIpv4(host) || isIpv6(host)) return "must name a host, not an IP address";
  if (!host.includes(".")) return `must name a public host: "${host}" is a single-label name`;
  const suffix = PRIVATE_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  if (suffix) return `must name a public host: .${suffix} names are private`;
  const port = parsed.port || "443";
  if (!(OUTBOUND_PORTS as readonly string[]).includes(port)) return `must use port 443 or 8443 (got ${port})`;
  return null;
}

// ── Addresses ───────────────────────────────────────────────────────────────

const v4 = (a: string) => a.split(".").map(Number);

/** Why an IPv4 address is not a public one, or null. */
function privateV4(address: string): string | null {
  const [a = 0, b = 0] = v4(address);
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 169 && b === 254) return "link-local";
  if (a === 100 && b >= 64 && b <= 127) return "carrier-grade NAT (CGNAT)";
  if (a === 0 || a >= 224 || (a === 192 && b === 0 && v4(address)[2] === 0) || (a === 198 && (b === 18 || b === 19))) return "reserved";
  return null;
}

/** The 8 groups of an IPv6 address (as DNS answers give it), or null when it is not one. */
function v6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = v4(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (s: string) => (s ? s.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...Array<number>(fill).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Why an IPv6 address is not a public one, or null. */
function privateV6(address: string): string | null {
  const g = v6Groups(address);
  if (!g) return "not an address";
  if (g.every((x) => x === 0)) return "unspecified";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96): the IPv4 address inside decides.
  if ((g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) || (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)))
    return privateV4(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  if ((g[0]! & 0xfe00) === 0xfc00) return "private (unique local)";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  return null;
}

/** Why an address (IPv4 or IPv6) is not on the public internet, or null when it is. */
export function nonPublicAddress(address: string): string | null {
  return isIpv4(address) ? privateV4(address) : privateV6(address);
}

// ── DNS ─────────────────────────────────────────────────────────────────────

interface DnsJson {
  Status?: number;
  Answer?: Array<{ type?: number; data?: string }>;
}

const A = 1;
const AAAA = 28;

/** The addresses a name resolves to (A and AAAA, CNAMEs followed by the resolver). */
async function resolve(env: Pick<Env, "OUTBOUND_DNS_URL">, host: string): Promise<{ addresses: string[]; status: number }> {
  const base = config(env).outboundDnsUrl ?? DEFAULT_DNS_URL;
  const answers = await Promise.all(
    ["A", "AAAA"].map(async (type) => {
      const url = `${base}?name=${encodeURIComponent(host)}&type=${type}`;
      const res = await fetch(url, { headers: { Accept: "application/dns-json" }, redirect: "manual", signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`DNS over HTTPS answered ${res.status}`);
      return (await res.json()) as DnsJson;
    }),
  );
  const status = answers.find((a) => a.Status !== 0)?.Status ?? 0;
  const addresses = answers.flatMap((a) => (a.Answer ?? []).filter((r) => r.type === A || r.type === AAAA).map((r) => String(r.data ?? "")));
  return { addresses, status };
}

/**
 * The check made when a URL is saved: its form, then its name resolved. Throws a 400 naming `field`
 * when it is refused, a 503 when the resolver cannot be reached now.
 */
export async function checkOutboundTarget(env: Pick<Env, "OUTBOUND_ALLOW_LOOPBACK" | "OUTBOUND_DNS_URL">, url: string, field: string): Promise<void> {
  const problem = checkOutboundUrl(env, url);
  if (problem) throw new HttpError(400, `\`${field}\` ${problem}`, field);
  const host = new URL(url).hostname.toLowerCase().replace(/\.$/, "");
  if (config(env).test.outboundAllowLoopback && isLoopback(host)) return;
  let found: { addresses: string[]; status: number };
  try {
    found = await resolve(env, host);
  } catch (error) {
    console.error("outbound DNS check failed", { error: String((error as Error)?.message ?? error) });
    throw new HttpError(503, `\`${field}\`: its host name could not be checked now (DNS over HTTPS unavailable); try again later`);
  }
  if (found.status === 3 || (!found.addresses.length && found.status === 0))
    throw new HttpError(400, `\`${field}\` must name a host that exists: "${host}" does not resolve`, field);
  if (found.status !== 0) throw new HttpError(503, `\`${field}\`: its host name could not be resolved now (DNS status ${found.status}); try again later`);
  for (const address of found.addresses) {
    const why = nonPublicAddress(address);
    if (why) throw new HttpError(400, `\`${field}\` must name a public host: "${host}" resolves to ${address}, a ${why} address`, field);
  }
}

// A local stand-in for Cloudflare's DNS over HTTPS JSON API (https://cloudflare-dns.com/dns-query), which
// the worker asks when a channel or subscriber webhook URL is saved (OUTBOUND_DNS_URL,
// worker/notify/outbound.ts). It answers a few names under dns.example.com as an attacker's DNS would
// (private, loopback, CGNAT, link-local, unique-local, IPv4-mapped, through a CNAME, NXDOMAIN) and
// every other name with public addresses (198.51.100.7 and 2001:db8::7), so the tests' hosts resolve.
// GET /_requests lists the names asked.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

type Record = { name: string; type: number; TTL: number; data: string };

const A = 1;
const AAAA = 28;
const CNAME = 5;

/** Names under dns.example.com with their answers: [type, data][]; `null`: NXDOMAIN. */
export const DNS_ANSWERS: { [name: string]: Array<[number, string]> | null } = {
  "private.dns.example.com": [[A, "10.1.2.3"]],
  "mixed.dns.example.com": [
    [A, "198.51.100.8"],
    [A, "192.168.1.10"],
  ],
  "loopback.dns.example.com": [[A, "127.0.0.1"]],
  "cgnat.dns.example.com": [[A, "100.64.0.1"]],
  "metadata.dns.example.com": [[A, "169.254.169.254"]],
  "ula.dns.example.com": [[AAAA, "fd00::1"]],
  "mapped.dns.example.com": [[AAAA, "::ffff:127.0.0.1"]],
  "cname.dns.example.com": [
    [CNAME, "internal-lb.dns.example.com."],
    [A, "10.0.0.9"],
  ],
  "nxdomain.dns.example.com": null,
};

export interface DnsStandIn {
  url: string;
  close: () => Promise<void>;
}

export async function startDnsStandIn(): Promise<DnsStandIn> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://dns");
    const answer = (status: number, body: unknown) => res.writeHead(status, { "Content-Type": "application/dns-json" }).end(JSON.stringify(body));
    if (url.pathname === "/_requests") return answer(200, asked);
    if (url.pathname !== "/dns-query") return answer(404, { error: "not here" });
    const name = (url.searchParams.get("name") ?? "").toLowerCase().replace(/\.$/, "");
    const type = url.searchParams.get("type") === "AAAA" ? AAAA : A;
    asked.push(`${name} ${type === A ? "A" : "AAAA"}`);
    const question = [{ name, type }];
    const known = Object.hasOwn(DNS_ANSWERS, name) ? DNS_ANSWERS[name] : undefined;
    if (known === null) return answer(200, { Status: 3, TC: false, RD: true, RA: true, AD: false, CD: false, Question: question });
    const records: Record[] = (
      known ?? [
        [A, "198.51.100.7"],
        [AAAA, "2001:db8::7"],
      ]
    )
      .filter(([t]) => t === type || t === CNAME)
      .map(([t, data]) => ({ name, type: t, TTL: 300, data }));
    return answer(200, { Status: 0, TC: false, RD: true, RA: true, AD: false, CD: false, Question: question, Answer: records });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/dns-query`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

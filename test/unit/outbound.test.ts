// Outbound safety (worker/notify/outbound.ts) without OUTBOUND_ALLOW_LOOPBACK, as in production.
import { describe, expect, it } from "vitest";
import { checkOutboundUrl, nonPublicAddress } from "../../worker/notify/outbound";

const prod = {};
const local = { OUTBOUND_ALLOW_LOOPBACK: "1" };

describe("checkOutboundUrl", () => {
  it("accepts https to public host names", () => {
    for (const url of [
      "https://hooks.slack.com/services/T0/B0/xyz",
      "https://discord.com/api/webhooks/1/abc",
      "https://api.datadoghq.eu",
      "https://example.com:8443/hook?x=1",
      "https://example.com./h",
    ])
      expect(checkOutboundUrl(prod, url), url).toBeNull();
  });

  it("refuses every spelling of an IP literal, loopback included", () => {
    for (const url of [
      "https://127.0.0.1/h",
      "https://0x7f.1/h",
      "https://2130706433/h",
      "https://0177.0.0.1/h",
      "https://127.1/h",
      "https://0x7f000001/h",
      "https://10.0.0.1/h",
      "https://169.254.169.254/latest",
      "https://8.8.8.8/h",
      "https://[::1]/h",
      "https://[::ffff:127.0.0.1]/h",
      "https://[0:0:0:0:0:0:0:1]/h",
      "https://[fe80::1]/h",
      "https://%31%32%37.0.0.1/h",
    ])
      expect(checkOutboundUrl(prod, url), url).toBe("must name a host, not an IP address");
  });

  it("refuses private and single-label names, other schemes, credentials", () => {
    expect(checkOutboundUrl(prod, "https://localhost/h")).toMatch(/single-label/);
    expect(checkOutboundUrl(prod, "https://LOCALHOST./h")).toMatch(/single-label/);
    expect(checkOutboundUrl(prod, "https://a.localhost/h")).toBe("must name a public host: .localhost names are private");
    expect(checkOutboundUrl(prod, "https://nas.local/h")).toBe("must name a public host: .local names are private");
    expect(checkOutboundUrl(prod, "https://db.svc.internal/h")).toBe("must name a public host: .internal names are private");
    expect(checkOutboundUrl(prod, "https://router.home.arpa/h")).toMatch(/home\.arpa/);
    expect(checkOutboundUrl(prod, "https://metadata/h")).toBe('must name a public host: "metadata" is a single-label name');
    expect(checkOutboundUrl(prod, "http://example.com/h")).toBe("must use https (got http)");
    expect(checkOutboundUrl(prod, "ftp://example.com/h")).toBe("must use https (got ftp)");
    expect(checkOutboundUrl(prod, "https://u:p@example.com/h")).toBe("must not carry a user name or password");
    expect(checkOutboundUrl(prod, "example.com/h")).toBe("is not a valid absolute URL");
  });

  it("with OUTBOUND_ALLOW_LOOPBACK, loopback capture servers over http are accepted, and nothing else changes", () => {
    expect(checkOutboundUrl(local, "http://127.0.0.1:9999/ok")).toBeNull();
    expect(checkOutboundUrl(local, "http://localhost:9999/ok")).toBeNull();
    expect(checkOutboundUrl(local, "http://[::1]:9999/ok")).toBeNull();
    expect(checkOutboundUrl(local, "http://10.0.0.1/h")).toBe("must use https (got http)");
    expect(checkOutboundUrl(local, "https://10.0.0.1/h")).toBe("must name a host, not an IP address");
    expect(checkOutboundUrl(local, "https://nas.local/h")).toMatch(/private/);
  });
});

// Ports, wildcard-DNS services and internal suffixes; the addresses DNS may answer.
describe("ports and names chosen to reach inside", () => {
  it("allows only ports 443 and 8443 (the loopback allowance keeps any port)", () => {
    expect(checkOutboundUrl(prod, "https://example.com:443/h")).toBeNull();
    expect(checkOutboundUrl(prod, "https://example.com:8443/h")).toBeNull();
    for (const port of [22, 25, 80, 6379, 8080, 9200, 11211])
      expect(checkOutboundUrl(prod, `https://example.com:${port}/h`), String(port)).toBe(`must use port 443 or 8443 (got ${port})`);
    expect(checkOutboundUrl(local, "http://127.0.0.1:6379/ok")).toBeNull();
    expect(checkOutboundUrl(local, "https://example.com:6379/h")).toMatch(/port 443 or 8443/);
  });

  it("refuses wildcard-DNS services and internal suffixes", () => {
    for (const [url, suffix] of [
      ["https://127.0.0.1.nip.io/h", "nip.io"],
      ["https://10-0-0-1.sslip.io/h", "sslip.io"],
      ["https://localtest.me/h", "localtest.me"],
      ["https://app.localtest.me/h", "localtest.me"],
      ["https://kubernetes.default.svc/h", "svc"],
      ["https://redis.default.svc.cluster.local/h", "local"],
      ["https://router.lan/h", "lan"],
      ["https://printer.home.arpa/h", "home.arpa"],
      ["https://a.lvh.me/h", "lvh.me"],
    ])
      expect(checkOutboundUrl(prod, url!), url).toBe(`must name a public host: .${suffix} names are private`);
    expect(checkOutboundUrl(prod, "https://kubernetes/h")).toMatch(/single-label/);
  });

  it("tells public addresses from private, loopback, link-local, CGNAT and reserved ones", () => {
    for (const a of ["198.51.100.7", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2001:db8::7", "172.32.0.1", "100.128.0.1"])
      expect(nonPublicAddress(a), a).toBeNull();
    for (const [a, why] of [
      ["10.1.2.3", "private"],
      ["172.16.0.1", "private"],
      ["172.31.255.255", "private"],
      ["192.168.1.1", "private"],
      ["127.0.0.1", "loopback"],
      ["169.254.169.254", "link-local"],
      ["100.64.0.1", "carrier-grade NAT (CGNAT)"],
      ["100.127.255.254", "carrier-grade NAT (CGNAT)"],
      ["0.0.0.0", "reserved"],
      ["224.0.0.1", "reserved"],
      ["::1", "loopback"],
      ["::", "unspecified"],
      ["fd00::1", "private (unique local)"],
      ["fc12:3456::1", "private (unique local)"],
      ["fe80::1", "link-local"],
      ["::ffff:127.0.0.1", "loopback"],
      ["::ffff:a00:1", "private"],
      ["64:ff9b::a9fe:a9fe", "link-local"],
      ["ff02::1", "multicast"],
    ])
      expect(nonPublicAddress(a!), a).toBe(why);
  });
});

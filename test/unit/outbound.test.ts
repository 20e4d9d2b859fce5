// Outbound safety (worker/notify/outbound.ts) without OUTBOUND_ALLOW_LOOPBACK, as in production.
import { describe, expect, it } from "vitest";
import { checkOutboundUrl } from "../../worker/notify/outbound";

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

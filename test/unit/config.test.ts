// The environment parsed once (worker/config.ts): numbers are numbers, booleans are "1"/"true" only,
// and a value that does not parse fails with the variable's name.
import { describe, expect, it } from "vitest";
import { ConfigError, config, parseConfig } from "../../worker/config";
import { checkOutboundUrl } from "../../worker/notify/outbound";

describe("parseConfig", () => {
  it("missing settings take their defaults", () => {
    const c = parseConfig({});
    expect(c.inbox).toEqual({ maxDeliveries: 10_000, maxBytes: 50 * 1024 * 1024, projectionWaitMs: 2_000 });
    expect(c.behindCloudflare).toBe(true);
    expect(c.test).toEqual({ outboundAllowLoopback: false, snsHosts: [] });
    expect(c.bench).toEqual({ countD1: false, noEdgeCache: false });
    expect(c.publicUrl).toBeNull();
    expect(c.access).toBeNull();
    expect(c.outboundDnsUrl).toBeNull();
    expect(c.turnstileVerifyUrl).toBeNull();
  });

  it("numbers are numbers", () => {
    expect(parseConfig({ INBOX_MAX_DELIVERIES: "25", INBOX_MAX_BYTES: " 1024 ", PROJECTION_WAIT_MS: "0" }).inbox).toEqual({
      maxDeliveries: 25,
      maxBytes: 1024,
      projectionWaitMs: 0,
    });
  });

  it("LIVE_SHARDS: 8 hub shards by default, 0 turns push off, at most 1000, a bad value names the variable", () => {
    expect(parseConfig({}).live).toEqual({ shards: 8 });
    expect(parseConfig({ LIVE_SHARDS: "0" }).live).toEqual({ shards: 0 });
    expect(parseConfig({ LIVE_SHARDS: "128" }).live).toEqual({ shards: 128 });
    expect(parseConfig({ LIVE_SHARDS: "5000" }).live).toEqual({ shards: 1000 });
    expect(() => parseConfig({ LIVE_SHARDS: "many" })).toThrow(/^LIVE_SHARDS must be a whole number/);
  });

  it.each(["ten", "1e4", "-5", "12.5", "NaN"])("a bad number (%s) fails naming the variable", (value) => {
    expect(() => parseConfig({ INBOX_MAX_DELIVERIES: value })).toThrow(ConfigError);
    expect(() => parseConfig({ INBOX_MAX_DELIVERIES: value })).toThrow(/^INBOX_MAX_DELIVERIES must be a whole number/);
  });

  it('booleans are "1" or "true": "false", "0" and empty leave loopback off', () => {
    expect(parseConfig({ OUTBOUND_ALLOW_LOOPBACK: "1" }).test.outboundAllowLoopback).toBe(true);
    expect(parseConfig({ OUTBOUND_ALLOW_LOOPBACK: "true" }).test.outboundAllowLoopback).toBe(true);
    expect(parseConfig({ OUTBOUND_ALLOW_LOOPBACK: "false" }).test.outboundAllowLoopback).toBe(false);
    expect(parseConfig({ OUTBOUND_ALLOW_LOOPBACK: "0" }).test.outboundAllowLoopback).toBe(false);
    expect(parseConfig({ OUTBOUND_ALLOW_LOOPBACK: "" }).test.outboundAllowLoopback).toBe(false);
    expect(parseConfig({ BEHIND_CLOUDFLARE: "false" }).behindCloudflare).toBe(false);
    expect(parseConfig({ BENCH_COUNT_D1: "1" }).bench.countD1).toBe(true);
  });

  it('OUTBOUND_ALLOW_LOOPBACK="false" keeps outbound loopback refused', () => {
    expect(checkOutboundUrl({ OUTBOUND_ALLOW_LOOPBACK: "false" }, "http://127.0.0.1:8080/hook")).not.toBeNull();
    expect(checkOutboundUrl({ OUTBOUND_ALLOW_LOOPBACK: "true" }, "http://127.0.0.1:8080/hook")).toBeNull();
  });

  it("any other boolean fails naming the variable", () => {
    expect(() => parseConfig({ OUTBOUND_ALLOW_LOOPBACK: "yes" })).toThrow(/^OUTBOUND_ALLOW_LOOPBACK must be "1" or "true"/);
  });

  it("URLs must be http(s); test hosts are a list", () => {
    expect(() => parseConfig({ OUTBOUND_DNS_URL: "not a url" })).toThrow(/^OUTBOUND_DNS_URL must be an http\(s\) URL/);
    expect(parseConfig({ PUBLIC_URL: "https://status.example.com/" }).publicUrl).toBe("https://status.example.com");
    expect(parseConfig({ SNS_TEST_HOSTS: "127.0.0.1:1, 127.0.0.1:2," }).test.snsHosts).toEqual(["127.0.0.1:1", "127.0.0.1:2"]);
  });

  it("Access needs both the team domain and the audience", () => {
    expect(parseConfig({ ACCESS_TEAM_DOMAIN: "https://team.cloudflareaccess.com/" }).access).toBeNull();
    expect(parseConfig({ ACCESS_TEAM_DOMAIN: " https://team.cloudflareaccess.com/ ", ACCESS_AUD: "aud" }).access).toEqual({
      teamDomain: "team.cloudflareaccess.com",
      audience: "aud",
    });
  });

  it("config() parses an environment once", () => {
    const env = { INBOX_MAX_DELIVERIES: "7" };
    expect(config(env)).toBe(config(env));
    expect(config(env).inbox.maxDeliveries).toBe(7);
  });
});

import { describe, expect, it } from "vitest";
import { PAGE_SLUG, pageAddress, withoutPrefix } from "../../../domain/page-address";

describe("pageAddress", () => {
  it.each([
    ["https://status.example.com/", { host: "status.example.com", slug: null, prefix: "" }],
    ["https://Status.Example.COM:8443/history", { host: "status.example.com", slug: null, prefix: "" }],
    ["https://status.example.com./", { host: "status.example.com", slug: null, prefix: "" }],
    ["http://internal.localhost:8787/", { host: "internal.localhost", slug: "internal", prefix: "" }],
    ["http://Internal.LOCALHOST:9999/api/v2/summary.json", { host: "internal.localhost", slug: "internal", prefix: "" }],
    ["http://localhost:8787/", { host: "localhost", slug: null, prefix: "" }],
    ["http://a.b.localhost/", { host: "a.b.localhost", slug: null, prefix: "" }],
    ["https://x.workers.dev/p/internal/", { host: "x.workers.dev", slug: "internal", prefix: "/p/internal" }],
    ["https://x.workers.dev/p/internal", { host: "x.workers.dev", slug: "internal", prefix: "/p/internal" }],
    ["https://x.workers.dev/p/Internal/history", { host: "x.workers.dev", slug: "internal", prefix: "/p/Internal" }],
    // The prefix wins over the host: any host serves any page by its prefix.
    ["http://internal.localhost:8787/p/product/badge.svg", { host: "internal.localhost", slug: "product", prefix: "/p/product" }],
    ["https://x.workers.dev/p//", { host: "x.workers.dev", slug: "", prefix: "/p/" }],
    ["https://x.workers.dev/pages/x", { host: "x.workers.dev", slug: null, prefix: "" }],
    ["https://x.workers.dev/px/y", { host: "x.workers.dev", slug: null, prefix: "" }],
  ])("%s", (url, expected) => {
    expect(pageAddress(new URL(url))).toEqual(expected);
  });
});

describe("withoutPrefix", () => {
  it.each([
    ["/p/x", "/"],
    ["/p/x/", "/"],
    ["/p/x/history", "/history"],
    ["/p/x/api/v2/summary.json", "/api/v2/summary.json"],
    ["/p/x/p/y/history", "/p/y/history"],
    ["/history", "/history"],
    ["/pages", "/pages"],
    ["/", "/"],
  ])("%s is %s", (path, expected) => expect(withoutPrefix(path)).toBe(expected));
});

describe("PAGE_SLUG", () => {
  it.each(["main", "internal", "a", "product-2", "x1"])("accepts %s", (s) => expect(PAGE_SLUG.test(s)).toBe(true));
  it.each(["", "-a", "a-", "A", "a_b", "a.b", "a".repeat(64)])("refuses %s", (s) => expect(PAGE_SLUG.test(s)).toBe(false));
});

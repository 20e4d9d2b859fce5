// The sender registry is the one description of a sender: every entry has a guide, every guide an entry,
// and what the routes and forms read from it is consistent.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOOK_ADAPTERS, SENDERS, SOURCES, senderOf } from "../../../worker/sources/registry";

const GUIDES = join(import.meta.dirname, "../../../docs/senders");

describe("worker/sources/registry.ts", () => {
  it("gives every sender a guide in docs/senders/ naming its endpoint, and no guide lacks a sender", () => {
    for (const source of SOURCES) {
      const guide = join(GUIDES, `${source}.md`);
      expect(existsSync(guide), guide).toBe(true);
      expect(readFileSync(guide, "utf8")).toContain(source === "pagerduty" ? "/v2/enqueue" : `/hooks/${source}/`);
    }
    const guides = readdirSync(GUIDES).filter((f) => f.endsWith(".md") && f !== "README.md");
    expect(guides.map((f) => f.slice(0, -3)).sort()).toEqual([...SOURCES].sort());
  });

  it("lists the senders' guides in the senders' overview", () => {
    const overview = readFileSync(join(GUIDES, "README.md"), "utf8");
    for (const source of SOURCES) expect(overview).toContain(`(${source}.md)`);
  });

  it("has a /hooks receiver for every sender but PagerDuty, whose key is in the body, and the pinged heartbeat", () => {
    expect(Object.keys(HOOK_ADAPTERS).sort()).toEqual(SOURCES.filter((s) => s !== "pagerduty" && s !== "heartbeat").sort());
    expect(SOURCES.filter((s) => senderOf(s)?.ping)).toEqual(["heartbeat"]);
  });

  it("names a signature header and its spelling for each signing sender", () => {
    for (const source of SOURCES) {
      const signature = senderOf(source)?.signature;
      if (signature) expect(signature.shown.toLowerCase()).toBe(signature.header);
    }
    expect(SOURCES.filter((s) => senderOf(s)?.signature)).toEqual(["grafana", "sentry"]);
  });

  it("knows no source outside the registry", () => {
    expect(senderOf("nagios")).toBeUndefined();
    expect(senderOf("__proto__")).toBeUndefined();
    expect(Object.keys(SENDERS)).toEqual(SOURCES);
  });
});

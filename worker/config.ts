// The environment's settings, parsed once per environment object into typed values: numbers are
// numbers, booleans are "1"/"true" (or "0"/"false"/empty) and nothing else, and a value that does not
// parse fails loudly with the variable's name. Secrets (ADMIN_TOKEN, TURNSTILE_SECRET) stay in the
// environment; settings only local runs, tests or benchmarks use are grouped under `test` and `bench`.
import { z } from "zod";
import type { Env } from "./env";

/** A variable that does not parse: the worker refuses to run on it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = "ConfigError";
  }
}

const text = z
  .string()
  .optional()
  .transform((v) => v?.trim() || null);

const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const s = v?.trim().toLowerCase();
      if (s === undefined || s === "") return fallback;
      if (s === "1" || s === "true") return true;
      if (s === "0" || s === "false") return false;
      ctx.addIssue({ code: "custom", message: 'must be "1" or "true" to turn it on, "0", "false" or empty to turn it off' });
      return z.NEVER;
    });

const count = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const s = v?.trim();
      if (!s) return fallback;
      if (!/^\d{1,15}$/.test(s)) {
        ctx.addIssue({ code: "custom", message: "must be a whole number, 0 or more" });
        return z.NEVER;
      }
      return Number(s);
    });

const url = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const s = v?.trim();
    if (!s) return null;
    if (!URL.canParse(s) || !/^https?:$/.test(new URL(s).protocol)) {
      ctx.addIssue({ code: "custom", message: "must be an http(s) URL" });
      return z.NEVER;
    }
    return s.replace(/\/+$/, "");
  });

const schema = z.object({
  PUBLIC_URL: url,
  BEHIND_CLOUDFLARE: flag(true),
  INBOX_MAX_DELIVERIES: count(10_000),
  INBOX_MAX_BYTES: count(50 * 1024 * 1024),
  PROJECTION_WAIT_MS: count(2_000),
  LIVE_SHARDS: count(8),
  ACCESS_TEAM_DOMAIN: text,
  ACCESS_AUD: text,
  OUTBOUND_DNS_URL: url,
  TURNSTILE_VERIFY_URL: url,
  OUTBOUND_ALLOW_LOOPBACK: flag(false),
  SNS_TEST_HOSTS: text,
  BENCH_COUNT_D1: flag(false),
  BENCH_NO_EDGE_CACHE: flag(false),
});

export type EnvSettings = Partial<Record<keyof z.input<typeof schema>, string>>;

export interface Config {
  /** Public base URL for webhook URLs, feeds and notifications; null: the request's origin. */
  publicUrl: string | null;
  /** CF-Connecting-IP is trusted as the client address when Cloudflare fronted the request. */
  behindCloudflare: boolean;
  inbox: { maxDeliveries: number; maxBytes: number; projectionWaitMs: number };
  /** Open tabs told of changes over WebSockets (worker/live-hub.ts): hub shards per page; 0 turns push off (tabs poll). */
  live: { shards: number };
  /** Cloudflare Access on /admin, when both the team domain and the audience are set. */
  access: { teamDomain: string; audience: string } | null;
  /** DNS over HTTPS (JSON API) that resolves outbound webhook hosts; null: Cloudflare's. */
  outboundDnsUrl: string | null;
  /** Turnstile's siteverify; null: Cloudflare's. */
  turnstileVerifyUrl: string | null;
  /** Local runs and tests only, never set in production. */
  test: {
    /** Outbound webhooks may go to loopback capture servers, over http too. */
    outboundAllowLoopback: boolean;
    /** host:port pairs of a local server standing in for SNS (certificates, subscription confirmations). */
    snsHosts: string[];
  };
  /** Benchmarks only. */
  bench: {
    /** Count the Ingestor's D1 round trips and report them. */
    countD1: boolean;
    /** Bypass the edge cache for public responses. */
    noEdgeCache: boolean;
  };
}

/** Parses the settings; throws a ConfigError naming the first variable that does not parse. */
export function parseConfig(env: EnvSettings): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? "the environment"), issue.message);
  }
  const v = parsed.data;
  const team = v.ACCESS_TEAM_DOMAIN?.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  return {
    publicUrl: v.PUBLIC_URL,
    behindCloudflare: v.BEHIND_CLOUDFLARE,
    inbox: { maxDeliveries: v.INBOX_MAX_DELIVERIES, maxBytes: v.INBOX_MAX_BYTES, projectionWaitMs: v.PROJECTION_WAIT_MS },
    live: { shards: Math.min(v.LIVE_SHARDS, 1000) },
    access: team && v.ACCESS_AUD ? { teamDomain: team, audience: v.ACCESS_AUD } : null,
    outboundDnsUrl: v.OUTBOUND_DNS_URL,
    turnstileVerifyUrl: v.TURNSTILE_VERIFY_URL,
    test: {
      outboundAllowLoopback: v.OUTBOUND_ALLOW_LOOPBACK,
      snsHosts: (v.SNS_TEST_HOSTS ?? "")
        .split(",")
        .map((h) => h.trim())
        .filter(Boolean),
    },
    bench: { countD1: v.BENCH_COUNT_D1, noEdgeCache: v.BENCH_NO_EDGE_CACHE },
  };
}

const parsed = new WeakMap<object, Config>();

/** The environment's config, parsed on first use for this environment object and kept with it. */
export function config(env: EnvSettings | Env): Config {
  let c = parsed.get(env);
  if (!c) {
    c = parseConfig(env as EnvSettings);
    parsed.set(env, c);
  }
  return c;
}

/**
 * The worker's environment: the bindings wrangler.toml declares, generated into worker/bindings.d.ts
 * by `npm run types` (`wrangler types`; npm test checks it is current), and, declared here by hand,
 * the secrets and the optional settings that are not in wrangler.toml. The settings are strings here:
 * code reads them through `config(env)` (worker/config.ts), parsed once and typed, with the
 * test-only and benchmark switches grouped apart.
 */
export interface Env extends WorkerBindings {
  /** Secret: bearer token for /admin/api and the admin login. */
  ADMIN_TOKEN?: string;
  /** Benchmarks only: count the ingestor's D1 round trips and report them in `X-D1-Round-Trips`. */
  BENCH_COUNT_D1?: string;
  /** Benchmarks only: bypass the edge cache for public responses, to measure every request as a miss. */
  BENCH_NO_EDGE_CACHE?: string;
  /** Unprojected deliveries the Ingestor's inbox holds before it answers 503 (default 10000). */
  INBOX_MAX_DELIVERIES?: string;
  /** Bytes of unprojected deliveries the inbox holds before it answers 503 (default 52428800, 50 MB). */
  INBOX_MAX_BYTES?: string;
  /** How long a delivery's answer waits for D1 to hold it, in ms (default 2000; 0 answers once stored). */
  PROJECTION_WAIT_MS?: string;
  /** Hub shards per page holding open tabs' WebSockets (default 8, at most 1000); 0 turns push off and tabs poll. */
  LIVE_SHARDS?: string;
  /** Public base URL used in webhook URLs and feeds; defaults to the request's origin. */
  PUBLIC_URL?: string;
  /** Optional Cloudflare Access: the team domain (`<team>.cloudflareaccess.com`); with ACCESS_AUD, Access JWTs are accepted on /admin. */
  ACCESS_TEAM_DOMAIN?: string;
  /**
   * "false" where `request.cf` is emulated (wrangler dev): CF-Connecting-IP is then not trusted as the
   * client address for the sign-in and bearer limits (worker/security/rate-limit.ts).
   */
  BEHIND_CLOUDFLARE?: string;
  /** Optional Cloudflare Access: the application's AUD tag, the audience its JWTs must carry. */
  ACCESS_AUD?: string;
  /**
   * Tests only: comma-separated host:port pairs a local capture server listens on, accepted (over
   * http too) besides sns.<region>.amazonaws.com for SNS certificates and subscription confirmations.
   * Never set in production.
   */
  SNS_TEST_HOSTS?: string;
  /**
   * The generated binding with its message type: the Ingestor sends committed changes here; the `queue`
   * handler delivers them (worker/notify). EMAIL (Cloudflare Email Service) and EMAIL_FROM are generated.
   */
  NOTIFY_QUEUE: Queue<import("./notify/messages").NotifyMessage>;
  /**
   * Local only (npm start, the tests): outbound webhooks may go to loopback capture servers over http
   * (worker/notify/outbound.ts). Never set in production.
   */
  OUTBOUND_ALLOW_LOOPBACK?: string;
  /**
   * DNS over HTTPS (JSON API) through which a channel's or subscriber's webhook host is resolved when
   * it is saved (worker/notify/outbound.ts); default https://cloudflare-dns.com/dns-query. A var so that
   * tests use a local stand-in.
   */
  OUTBOUND_DNS_URL?: string;
  /** Optional Turnstile on the subscribe form: the secret, and the siteverify URL (a var for tests). */
  TURNSTILE_SECRET?: string;
  TURNSTILE_VERIFY_URL?: string;
}

export interface AppEnv {
  Bindings: Env;
  /** Set for public requests by the reader gate (worker/visibility.ts). */
  Variables: {
    page: import("./reader-settings").ReaderSettings;
    /** The language this request is answered in. */
    lang: import("../i18n").Language;
    /** The page is private: what the reader gets must not be kept by shared caches. */
    private: boolean;
  };
}

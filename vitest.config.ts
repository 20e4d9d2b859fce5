import { resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startDnsStandIn } from "./test/support/dns-standin.ts";
import { freshWorkerConfig } from "./test/support/fresh-build.ts";
import { startNotifyCapture } from "./test/support/notify-capture.ts";
import { startSnsCapture } from "./test/support/sns-capture.ts";
import { startTurnstileStandIn } from "./test/support/turnstile-standin.ts";

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [
          // The built worker, Astro pages included: npm test builds it once (SITE_BUILT); run alone, the
          // build is made again when a source is newer (test/support/fresh-build.ts).
          cloudflareTest(async () => ({
            wrangler: { configPath: freshWorkerConfig() },
            miniflare: {
              // The test runner itself imports node:* modules (vitest's own); the worker does not need them.
              compatibilityFlags: ["nodejs_compat"],
              bindings: {
                ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123",
                TEST_MIGRATIONS: await readD1Migrations("./db/migrations"),
                // A local stand-in for SNS (certificate, signing, subscription confirmation): the
                // only way a test reaches the SNS code paths without AWS. Never set in production.
                SNS_TEST_HOSTS: (await startSnsCapture()).host,
                // Cloudflare's siteverify, locally (test/support/turnstile-standin.ts): Turnstile is on only
                // where a test sets the site key and TURNSTILE_SECRET.
                TURNSTILE_VERIFY_URL: (await startTurnstileStandIn()).url,
                // Notifications: a capture server for channels and subscriber webhooks on 127.0.0.1,
                // which outbound safety accepts only with OUTBOUND_ALLOW_LOOPBACK (never in production).
                NOTIFY_CAPTURE_URL: (await startNotifyCapture()).url,
                OUTBOUND_ALLOW_LOOPBACK: "1",
                // Cloudflare's DNS over HTTPS, locally (test/support/dns-standin.ts): webhook hosts are resolved when saved.
                OUTBOUND_DNS_URL: (await startDnsStandIn()).url,
              },
            },
          })),
        ],
        resolve: { alias: { "@astrojs/cloudflare/handler": resolve("test/worker/astro-handler.ts") } },
        test: {
          name: "worker",
          // Tests that import the worker's source load these through Vite: their ESM builds use
          // extensionless imports that workerd's module loader does not resolve on its own.
          deps: { optimizer: { ssr: { enabled: true, include: ["@peculiar/asn1-schema", "@peculiar/asn1-x509"] } } },
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/apply-migrations.ts"],
        },
      },
      {
        // The real stack over real HTTP: wrangler dev, local D1, Debian's Chromium.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/e2e/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

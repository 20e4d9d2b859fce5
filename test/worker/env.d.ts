import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** test/support/notify-capture.ts, started by vitest.config.ts. */
      NOTIFY_CAPTURE_URL: string;
    }
  }
}

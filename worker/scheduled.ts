// The cron trigger (wrangler.toml [triggers]): time-driven work such as maintenance windows starting
// and ending, auto-resolving quiet incidents and flagging silent integrations.
import type { Env } from "./env";

export async function scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {}

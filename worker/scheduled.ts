// The cron trigger (wrangler.toml [triggers], every minute): maintenance windows starting and ending,
// incidents whose grace period ran out published, quiet incidents auto-resolving and late heartbeats firing, in the Ingestor in
// turn with deliveries; then the logs' retention (security/retention.ts), which touches nothing the state machine owns.

import { nowIso } from "../domain/ids";
import { config } from "./config";
import type { Env } from "./env";
import { ingestor } from "./ingestor";
import { limiter } from "./security/limiter";
import { enforceRetention } from "./security/retention";

export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  config(env);
  // The scheduled time, not the moment this run began: a late run still decides for its minute.
  const at = controller.scheduledTime ? nowIso(new Date(Math.max(controller.scheduledTime, 0))) : nowIso();
  const result = await ingestor(env).tick(at);
  // Alerts whose sender went silent without a recovery (Uptime Kuma, see AlertEvent.expiresInSeconds).
  const expired = await ingestor(env).expireAlerts(at);
  // Heartbeats past their period and grace (heartbeat integrations, Alertmanager Watchdogs): their alert fires.
  const late = await ingestor(env).checkHeartbeats(at);
  if (
    result.started.length ||
    result.completed.length ||
    result.autoResolved.length ||
    result.published.length ||
    result.scheduled.length ||
    result.reminded.length ||
    expired ||
    late
  ) {
    console.log("cron", { at, ...result, expired, late });
  }
  const removed = await enforceRetention(env.DB, at);
  // Failure counts whose window ended (the Limiter's own storage): bounded whatever strangers send.
  const attempts = await limiter(env).prune(Date.parse(at));
  if (Object.values(removed).some(Boolean) || attempts) console.log("retention", { at, ...removed, attempts });
}

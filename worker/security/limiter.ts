// The Durable Object that keeps the failure limits (security/rate-limit.ts): one object, single-
// threaded, so reading and writing a count is one synchronous step on its own SQLite storage, and a
// burst of parallel guesses gets no more than the limit. Apart from the Ingestor, so a flood of wrong
// passwords never waits in line with deliveries, nor they with it.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { createKeyRateStorage, pruneKeyBuckets, type Spend, spendToken } from "./key-rate";
import { type Attempt, type ClientAddress, createAttemptStorage, type LimitKind, pruneAttempts, recordAttempt } from "./rate-limit";

export class Limiter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      createAttemptStorage(ctx.storage.sql);
      createKeyRateStorage(ctx.storage.sql);
    });
  }

  /** One sign-in, bearer, page-password or subscribe attempt against its client's limit and the ceiling. */
  attempt(kind: LimitKind, address: ClientAddress, ok: boolean): Attempt {
    return recordAttempt(this.ctx.storage.sql, kind, address, ok);
  }

  /** One management API request (/v1) against its key's rate (security/key-rate.ts). */
  spend(bucket: string): Spend {
    return spendToken(this.ctx.storage.sql, bucket);
  }

  /** The cron: failure counts whose window ended, and key buckets full again, go. Returns how many went. */
  prune(now = Date.now()): number {
    return pruneAttempts(this.ctx.storage.sql, now) + pruneKeyBuckets(this.ctx.storage.sql, now);
  }
}

export function limiter(env: Env): DurableObjectStub<Limiter> {
  return env.LIMITER.get(env.LIMITER.idFromName("page"));
}

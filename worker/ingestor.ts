// The Durable Object that owns ingestion for the page. Deliveries arrive in parallel; here they
// are decided one group at a time (a promise chain: D1 calls are not covered by the object's input
// gate), so two first-triggers on one component can never both open an incident. Deliveries that
// queue up while a group is being written form the next group: one batched read and one batched
// write for all of them (group commit), which is what keeps a storm's throughput up.
import { DurableObject } from "cloudflare:workers";
import { decisionStatements, type DeliveryRecord, type IntegrationRecord, loadIntegrations, loadWorkingSets } from "../db/ingest";
import { countingD1, type RoundTripCounter } from "../db/instrumented";
import type { AlertEvent } from "./domain/alert-event";
import { applyEvents, type EventOutcome, mergeDecisions } from "./domain/incidents";
import { type AdminCommand, type CommandResult, runAdminCommand, runTick, type TickResult } from "./admin/state";
import { purgePublicCache } from "./cache";
import type { Env } from "./env";
import { type Attempt, type ClientAddress, type LimitKind, recordAttempt } from "./security/rate-limit";
import { newId, nowIso } from "./ids";
import { LEGACY_TIMESTAMP_HEADER } from "./sources/options";
import { verifyBodySignature } from "./sources/signatures";

export interface IngestInput {
  keyHash: string;
  /** The receiver's source, or null where any integration's key is accepted (PagerDuty endpoints). */
  source: string | null;
  events: AlertEvent[];
  receivedAt: string;
  /** Redacted and truncated, for the delivery log. */
  payload: string;
  /** The 2xx the receiver answers, as the delivery log records it. */
  acceptedStatus?: 200 | 202;
  /**
   * For senders that sign their bodies (Grafana): the request's headers (lower-cased names) and the
   * body as received, checked against the integration's signing secret when it has one, as hex
   * HMAC-SHA256 of the body or of `<timestamp>:<body>`, in the headers its options name.
   */
  signed?: { headers: Record<string, string>; body: string };
  /** Counts the receiver adds to the delivery log's summary (an SNS `subscription_confirmed`). */
  notes?: Record<string, number>;
  /** Written by the worker itself (expired alerts): no sender, so no signature to check. */
  internal?: boolean;
}

export type IngestResult =
  | {
      ok: true;
      deliveryId: string;
      integrationId: string;
      outcomes: EventOutcome[];
      /** D1 round trips of the group this delivery was written in; only with BENCH_COUNT_D1. */
      d1RoundTrips?: number;
    }
  | { ok: false; status: 401; error: string };

const INTEGRATIONS_TTL_MS = 30_000;
/** Bounds a group so its batch stays small: deliveries, and events across them. */
const MAX_GROUP_DELIVERIES = 50;
const MAX_GROUP_EVENTS = 1000;

interface Pending {
  input: IngestInput;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

export class Ingestor extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  private integrations: Map<string, IntegrationRecord> | null = null;
  private integrationsLoadedAt = 0;
  private pending: Pending[] = [];

  /** Decides and persists one delivery; resolves once it is durably in D1. */
  ingest(input: IngestInput): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      // The first to queue schedules a flush; later ones ride along in the same group.
      if (this.pending.length === 1) void this.serialize(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    let events = 0;
    let take = 0;
    while (take < this.pending.length && take < MAX_GROUP_DELIVERIES) {
      events += this.pending[take]!.input.events.length;
      if (take > 0 && events > MAX_GROUP_EVENTS) break;
      take++;
    }
    const group = this.pending.splice(0, take);
    if (this.pending.length) void this.serialize(() => this.flush());
    try {
      const results = await this.decide(group.map((p) => p.input));
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      // One bad delivery must not fail the others: decide each on its own.
      for (const p of group) {
        try {
          p.resolve((await this.decide([p.input]))[0]!);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }

  /** Runs `work` in turn with deliveries: for writes that must not interleave with ingestion. */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * An operator's action on what the state machine owns (incident status, overrides, maintenance,
   * alert routing): in turn with deliveries, one batch with its audit row, then the public cache purged.
   */
  adminAction(command: AdminCommand): Promise<CommandResult> {
    return this.serialize(async () => {
      const result = await runAdminCommand(this.env, command);
      // A disabled or deleted integration must be refused from the next delivery on.
      if (command.type.startsWith("integration.")) this.integrations = null;
      if (result.ok) await purgePublicCache(this.env);
      return result;
    });
  }

  /** The cron's time-driven work (maintenance windows, auto-resolve) at `now`, in turn with deliveries. */
  tick(now: string): Promise<TickResult> {
    return this.serialize(async () => {
      const result = await runTick(this.env, now);
      if (result.started.length || result.completed.length || result.autoResolved.length) await purgePublicCache(this.env);
      return result;
    });
  }

  /** One sign-in or bearer attempt against its client address's limit (security/rate-limit.ts). */
  authAttempt(kind: LimitKind, address: ClientAddress, ok: boolean): Attempt {
    return recordAttempt(this.ctx.storage.sql, kind, address, ok);
  }

  /**
   * Resolves the alerts whose sender stopped re-confirming them (AlertEvent.expiresInSeconds), as a
   * delivery per integration through the usual decision, at the time each expired. Outside the
   * serialize chain on purpose: each ingest queues behind it. A trigger that lands meanwhile makes
   * its resolve stale, so it is never lost.
   */
  async expireAlerts(now: string): Promise<number> {
    const { results } = await this.env.DB.prepare(
      `SELECT a.dedup_key, a.summary, a.expires_at, i.key_hash FROM alerts a JOIN integrations i ON i.id = a.integration_id
       WHERE a.expires_at IS NOT NULL AND a.expires_at <= ?1 AND a.status != 'resolved' AND i.disabled = 0
       ORDER BY a.expires_at LIMIT ?2`,
    )
      .bind(now, MAX_GROUP_EVENTS)
      .all<{ dedup_key: string; summary: string; expires_at: string; key_hash: string }>();
    const byIntegration = new Map<string, typeof results>();
    for (const r of results) byIntegration.set(r.key_hash, [...(byIntegration.get(r.key_hash) ?? []), r]);
    let resolved = 0;
    for (const [keyHash, rows] of byIntegration) {
      const result = await this.ingest({
        keyHash,
        source: null,
        internal: true,
        events: rows.map((r) => ({
          dedupKey: r.dedup_key,
          action: "resolve",
          severity: "error",
          summary: r.summary,
          tags: {},
          occurredAt: new Date(r.expires_at),
        })),
        receivedAt: now,
        payload: JSON.stringify({ expired: rows.map((r) => r.dedup_key), reason: "no re-notification from the sender in time" }),
        acceptedStatus: 202,
      });
      if (result.ok) resolved += result.outcomes.filter((o) => o === "applied").length;
    }
    return resolved;
  }

  /** Forget cached integrations: called after an operator changes one. */
  invalidate(): void {
    this.integrations = null;
  }

  private async integration(keyHash: string, db: D1Database): Promise<IntegrationRecord | undefined> {
    if (!this.integrations || Date.now() - this.integrationsLoadedAt > INTEGRATIONS_TTL_MS) {
      const all = await loadIntegrations(db);
      this.integrations = new Map(all.map((i) => [i.keyHash, i]));
      this.integrationsLoadedAt = Date.now();
    }
    return this.integrations.get(keyHash);
  }

  /** Refuses what is not authentic; the rest: one batched read, decide in arrival order, one batched write. */
  private async decide(inputs: IngestInput[]): Promise<IngestResult[]> {
    const counter: RoundTripCounter = { count: 0 };
    const db = this.env.BENCH_COUNT_D1 ? countingD1(this.env.DB, counter) : this.env.DB;
    const results: IngestResult[] = [];
    const accepted: Array<{ at: number; input: IngestInput; integration: IntegrationRecord }> = [];
    for (const [at, input] of inputs.entries()) {
      const refused = await this.authenticate(input, db);
      if ("ok" in refused) results[at] = refused;
      else accepted.push({ at, input, integration: refused });
    }
    if (!accepted.length) return results;

    const requests = new Map<string, { integrationId: string; dedupKeys: Set<string>; serviceSlugs: Set<string> }>();
    for (const { input, integration } of accepted) {
      let r = requests.get(integration.id);
      if (!r) requests.set(integration.id, (r = { integrationId: integration.id, dedupKeys: new Set(), serviceSlugs: new Set() }));
      for (const e of input.events) {
        r.dedupKeys.add(e.dedupKey);
        const service = e.tags["service"]?.toLowerCase();
        if (service) r.serviceSlugs.add(service);
      }
    }
    const { ws, routings } = await loadWorkingSets(
      db,
      [...requests.values()].map((r) => ({ integrationId: r.integrationId, dedupKeys: [...r.dedupKeys], serviceSlugs: [...r.serviceSlugs] })),
    );
    const now = nowIso();
    const decisions = accepted.map(({ input, integration }) => applyEvents(ws, routings.get(integration.id)!, input.events, { now, newId }));
    const deliveries: DeliveryRecord[] = accepted.map(({ input, integration }, i) => ({
      id: newId(),
      integrationId: integration.id,
      source: integration.source,
      receivedAt: input.receivedAt,
      outcome: "accepted",
      httpStatus: input.acceptedStatus ?? 202,
      eventCount: input.events.length,
      summary: { ...countOutcomes(decisions[i]!.outcomes), ...input.notes },
      error: null,
      payload: input.payload,
    }));
    const merged = mergeDecisions(decisions);
    await db.batch(decisionStatements(db, ws, merged, now, deliveries));
    if (merged.alerts.size) await purgePublicCache(this.env);
    accepted.forEach(({ at, integration }, i) => {
      results[at] = {
        ok: true,
        deliveryId: deliveries[i]!.id,
        integrationId: integration.id,
        outcomes: decisions[i]!.outcomes,
        ...(this.env.BENCH_COUNT_D1 ? { d1RoundTrips: counter.count } : {}),
      };
    });
    return results;
  }

  private async authenticate(input: IngestInput, db: D1Database): Promise<IntegrationRecord | Extract<IngestResult, { ok: false }>> {
    const integration = await this.integration(input.keyHash, db);
    if (!integration || integration.disabled) {
      return { ok: false, status: 401, error: "unknown or disabled integration key" };
    }
    if (input.source && integration.source !== input.source) {
      return {
        ok: false,
        status: 401,
        error: `this key belongs to a ${integration.source} integration; post to /hooks/${integration.source}/<key>`,
      };
    }
    if (integration.signingSecret && !input.internal) {
      const valid = input.signed && (await verifyBodySignature(integration.source, integration.signingSecret, integration.options, input.signed));
      if (!valid) return { ok: false, status: 401, error: "missing or invalid body signature" };
      // A signed timestamp must be fresh, or a captured delivery could be replayed forever.
      const timestamp = input.signed!.headers[integration.options.timestamp_header ?? LEGACY_TIMESTAMP_HEADER];
      const stale = timestamp ? staleTimestamp(timestamp) : null;
      if (stale) return { ok: false, status: 401, error: stale };
    }
    return integration;
  }
}

function countOutcomes(outcomes: EventOutcome[]): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const o of outcomes) summary[o] = (summary[o] ?? 0) + 1;
  return summary;
}

/** How far a signed timestamp may be from now, either way (clock skew included). */
export const SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

/** Why a signature's timestamp (unix seconds, or milliseconds) is refused, or null when it is fresh. */
export function staleTimestamp(timestamp: string, nowMs = Date.now()): string | null {
  const t = timestamp.trim();
  if (!/^\d{1,16}$/.test(t)) return "the signature timestamp is not a unix time in seconds";
  const n = Number(t);
  const ms = n > 1e11 ? n : n * 1000;
  if (Math.abs(nowMs - ms) > SIGNATURE_MAX_AGE_SECONDS * 1000)
    return `the signature timestamp is more than ${SIGNATURE_MAX_AGE_SECONDS / 60} minutes from now: refused as a possible replay (check the sender's clock)`;
  return null;
}

export function ingestor(env: Env): DurableObjectStub<Ingestor> {
  return env.INGESTOR.get(env.INGESTOR.idFromName("page"));
}

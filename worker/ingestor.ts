// The Durable Object that owns ingestion for the page: it decides each delivery and keeps it.
//
// - One writer. Everything the state machine reads (integrations, routing, components, open alerts
//   and incidents) is written only here: deliveries, operator commands, the cron tick, and catalog
//   and integration writes (`write`) all run on one promise chain (`serialize`; D1 calls are not
//   covered by the object's input gate). So the working set is loaded from D1 once, held in memory
//   (worker/working-set.ts) and kept current by the object's own decisions: a warm delivery reads
//   nothing from D1. Operator writes run against D1 itself, so they first wait for the projection to
//   catch up, and the working set is reloaded after them, in the same turn: no delivery is ever
//   decided on routing older than the last write.
// - A durable inbox: "202 means stored, even when D1 is down". A delivery is decided in memory and its
//   decision, as the exact D1 statements (delivery log row included), is appended to this object's own
//   SQLite storage (synchronous, and the 2xx is held by the output gate until it is durable).
// - The projection (worker/ingestor-projection.ts) brings D1 up to date from the inbox. The answer
//   waits for it briefly (PROJECTION_WAIT_MS, default 2 s), so in normal operation the public page
//   (which reads D1) shows a delivery when its 2xx arrives. When D1 fails, deliveries are still
//   accepted (decided from memory) and answered at once; the page shows the last projected state.
// - Bounded: past INBOX_MAX_DELIVERIES (10,000) or INBOX_MAX_BYTES (50 MB) of unprojected
//   deliveries, answer 503 so that senders retry.
// - Restart (eviction, deploy, crash): the inbox is in storage; an alarm set when the backlog starts
//   replays it, and the working set is only (re)loaded once the inbox is drained into D1. Limit: an
//   object that restarts while D1 is down cannot load its working set, so it answers 503 until D1 is back.
// - Its storage's schema is versioned (worker/ingestor-storage.ts), migrated before any request.
import { DurableObject } from "cloudflare:workers";
import { type DeliveryRecord, decisionSql, lastTestSql } from "../db/ingest";
import { type IntegrationRecord, loadAlertsByKey, loadIngestState } from "../db/ingest-reads";
import { countingD1, type RoundTripCounter } from "../db/instrumented";
import { prepare, type SqlStatement } from "../db/sql";
import { pageOf } from "../db/v1";
import type { AlertEvent } from "../domain/alert-event";
import { dueAt, type HeartbeatSignal, heartbeatDedupKey, heartbeatResolve, heartbeatSettings, heartbeatTrigger, recordSignal } from "../domain/heartbeat";
import { newId, nowIso } from "../domain/ids";
import { applyEventsOnPages } from "../domain/incident-pages";
import type { EventOutcome, WorkingSet } from "../domain/incidents";
import { LEGACY_TIMESTAMP_HEADER } from "../domain/integration-options";
import { purgePublicCache } from "./cache";
import { config } from "./config";
import type { Env } from "./env";
import { uniqueViolation } from "./errors";
import { HeartbeatStore } from "./heartbeats";
import { type AdminCommand, type CommandResult, runAdminCommand } from "./ingestor-commands";
import { type InboxLimits, Projection, type ProjectionStatus } from "./ingestor-projection";
import { migrateIngestorStorage } from "./ingestor-storage";
import { runTick, type TickResult } from "./ingestor-tick";
import { type ChangedPages, tellReaders } from "./live";
import { NotifyOutbox } from "./notify/outbox";
import { senderOf } from "./sources/registry";
import { verifyBodySignature } from "./sources/signatures";
import { MemoryState } from "./working-set";

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
  /**
   * The sender's own test notification (how it was recognised): after the key and signature checks it
   * is logged with outcome `test` and the integration's last test time, and changes nothing else.
   */
  test?: string;
  /** Came through the CloudWatch receiver, which checks SNS signatures as the integration's options ask. */
  snsChecked?: boolean;
  /** A heartbeat's own alert whose integration says its silence is for operators only: routed to no component. */
  routeless?: boolean;
}

export type IngestResult =
  | {
      ok: true;
      deliveryId: string;
      integrationId: string;
      outcomes: EventOutcome[];
      /** Whether D1 already holds it (else it is in the inbox, projected later). */
      projected: boolean;
      /** A sender's test notification, logged and nothing else: how it was recognised. */
      test?: string;
      /** The delivery held only the integration's Watchdog alert: a heartbeat, kept in the object's storage, not logged. */
      heartbeat?: string;
      /** Only with BENCH_COUNT_D1: D1 reads made to decide this delivery. */
      d1Reads?: number;
      /** Only with BENCH_COUNT_D1: D1 round trips of the projection group that wrote it. */
      d1GroupWrites?: number;
    }
  | { ok: false; status: 401 | 503; error: string };

/** A delivery decided and appended to the inbox at `seq`. */
type Accepted = Extract<IngestResult, { ok: true }> & { seq: number };

/** A heartbeat as operators see it (`heartbeat` on the admin's integration). */
export interface HeartbeatStatus {
  /** `new`: never a success nor a start; `up`; `started`: a run began; `late`: past due, its alert fires on the next cron; `down`: its alert fires. */
  status: "new" | "up" | "started" | "late" | "down";
  last_ping_at: string | null;
  last_signal: HeartbeatSignal | null;
  last_success_at: string | null;
  started_at: string | null;
  /** When it is late unless a success arrives first. */
  due_at: string | null;
  period_seconds: number;
  grace_seconds: number;
}

export type PingResult = { ok: true; heartbeat: HeartbeatStatus; deliveryId: string | null } | { ok: false; status: 401 | 503; error: string };

export interface InboxStatus extends ProjectionStatus {
  limits: { deliveries: number; bytes: number };
  memory: MemoryState["size"] | null;
  /** Notifications (worker/notify/outbox.ts): committed changes waiting for the queue, and the last send error. */
  notifications: { pending: number; sent: number; lastError: string | null };
}

const MAX_EXPIRED_PER_TICK = 1000;
/** Resolved alerts changed within this window stay in memory; older ones cost one D1 read if they return. */
const HOT_RESOLVED_MS = 7 * 24 * 3600_000;

/** A write refused because a value it sets must be unique and is taken. */
type Conflict = { ok: false; status: 409; error: string; field?: string };

/** What an operator's write gets while D1 refuses the backlog it must wait for. */
type DatabaseDown = { ok: false; status: 503; error: string };
const DATABASE_DOWN: DatabaseDown = {
  ok: false,
  status: 503,
  error: "the database is unavailable: deliveries are being kept and will be applied when it is back; retry this change then",
};

export class Ingestor extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  private state: MemoryState | null = null;
  /** Public for tests (runInDurableObject), which lower them. */
  limits: InboxLimits;
  /** What committed changes notify: stored with the cursor over D1, then sent to the queue. Set before any request. */
  outbox!: NotifyOutbox;
  /** The inbox, brought into D1 (ingestor-projection.ts). Set before any request. */
  projection!: Projection;
  private heartbeatStore!: HeartbeatStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const inbox = config(env).inbox;
    this.limits = { deliveries: inbox.maxDeliveries, bytes: inbox.maxBytes, waitMs: inbox.projectionWaitMs };
    // The storage's schema is brought up to date before anything reads it, and before any request.
    void ctx.blockConcurrencyWhile(async () => {
      migrateIngestorStorage(ctx.storage);
      this.outbox = new NotifyOutbox(ctx.storage, env);
      this.projection = new Projection(ctx.storage, env, this.outbox, this.limits, (p) => ctx.waitUntil(p));
      this.heartbeatStore = new HeartbeatStore(ctx.storage.sql);
      // Restarted with deliveries not yet in D1 (or notifications not yet sent): replay them now, without waiting for a request.
      if (this.projection.backlog.deliveries || this.outbox.pending) await ctx.storage.setAlarm(Date.now());
    });
  }

  // ── Deliveries ──────────────────────────────────────────────────────────────────────────────

  /** Decides a delivery and stores it durably in the inbox; answers once D1 has it too, or soon after. */
  async ingest(input: IngestInput): Promise<IngestResult> {
    const accepted = await this.serialize(() => this.accept(input));
    if (!accepted.ok || !("seq" in accepted)) return accepted;
    const { seq, ...result } = accepted;
    const projected = await this.projection.projected(seq);
    return { ...result, projected: projected.ok, ...(config(this.env).bench.countD1 ? { d1GroupWrites: projected.writes } : {}) };
  }

  private async accept(input: IngestInput): Promise<Accepted | Extract<IngestResult, { ok: true }> | Extract<IngestResult, { ok: false }>> {
    if (this.projection.full) {
      return { ok: false, status: 503, error: "the delivery backlog is full while the database recovers; retry later" };
    }
    const counter: RoundTripCounter = { count: 0 };
    const countD1 = config(this.env).bench.countD1;
    const db = countD1 ? countingD1(this.env.DB, counter) : this.env.DB;
    const state = await this.ready(db);
    const integration = await this.authenticate(input, state);
    if ("ok" in integration) return integration;
    const watchdog = !input.internal ? watchdogOf(integration) : undefined;
    if (watchdog && input.events.some((e) => e.tags.alertname === watchdog)) {
      const beat = this.watchdogBeat(state, integration, watchdog, input);
      if (!beat.events.length) return beat.result;
      return this.decide(state, db, integration, { ...input, events: beat.events }, counter);
    }
    return this.decide(state, db, integration, input, counter);
  }

  private async decide(state: MemoryState, db: D1Database, integration: IntegrationRecord, input: IngestInput, counter: RoundTripCounter): Promise<Accepted> {
    const countD1 = config(this.env).bench.countD1;
    const cold = state.coldDedupKeys(integration.id, input.events);
    if (cold.length) state.warm(await loadAlertsByKey(db, integration.id, cold));

    // From here to the inbox insert nothing awaits: the decision and its record are one step.
    const integrationRouting = state.routings.get(integration.id)!;
    const routing = input.routeless ? { ...integrationRouting, componentIds: [], links: [] } : integrationRouting;
    const ws = state.scope(routing, input.events);
    const now = nowIso();
    let seq: number;
    let delivery: DeliveryRecord;
    let outcomes: EventOutcome[];
    try {
      const decision = applyEventsOnPages(ws, routing, input.events, { now, newId });
      state.absorb(ws, decision);
      outcomes = decision.outcomes;
      const published = (decision.published?.length ?? 0) > 0;
      const test = input.test !== undefined;
      delivery = {
        id: newId(),
        integrationId: integration.id,
        source: integration.source,
        receivedAt: input.receivedAt,
        outcome: test ? "test" : "accepted",
        httpStatus: input.acceptedStatus ?? 202,
        eventCount: input.events.length,
        summary: test ? { test: 1 } : { ...countOutcomes(decision.outcomes), ...input.notes },
        error: null,
        payload: input.payload,
      };
      const statements = decisionSql(ws, decision, now, delivery);
      if (test) statements.push(lastTestSql(integration.id, now));
      seq = this.projection.append({
        acceptedAt: now,
        statements,
        purge: decision.alerts.size > 0 || published,
        // Only incident updates and status changes are told (worker/notify): the outbox reads D1 after a batch only if one holds them
        // (a published draft's first update is written again).
        notify: decision.updates.length > 0 || decision.statusChanges.length > 0 || published,
        // The delivery's working set holds everything its decision may change: its pages' tabs are told.
        pages: pagesOf(ws),
      });
    } catch (error) {
      // Memory may hold a decision that was never stored: start again from D1 and the inbox.
      this.state = null;
      throw error;
    }
    this.projection.kick();
    return {
      ok: true,
      seq,
      deliveryId: delivery.id,
      integrationId: integration.id,
      outcomes,
      projected: false,
      ...(input.test !== undefined ? { test: input.test } : {}),
      ...(countD1 ? { d1Reads: counter.count } : {}),
    };
  }

  /**
   * An Alertmanager delivery of an integration that names a Watchdog alert: a firing Watchdog is a
   * heartbeat (kept in storage), taken out of the events, and resolves the heartbeat's alert if it fired.
   * A delivery of the Watchdog alone, when nothing fires, is answered without writing to D1.
   */
  private watchdogBeat(state: MemoryState, integration: IntegrationRecord, watchdog: string, input: IngestInput) {
    const isBeat = (e: AlertEvent) => e.tags.alertname === watchdog;
    const events = input.events.filter((e) => !isBeat(e));
    const beats = input.events.filter(isBeat);
    if (beats.some((e) => e.action === "trigger")) {
      this.heartbeatStore.put(integration.id, recordSignal(this.heartbeatStore.get(integration.id), "success", input.receivedAt));
      const late = state.firing(integration.id, heartbeatDedupKey(watchdog));
      if (late) events.push(heartbeatResolve(integration.name, notBefore(input.receivedAt, late.lastEventAt), watchdog));
    }
    const result = { ok: true as const, deliveryId: "", integrationId: integration.id, outcomes: [], projected: true, heartbeat: watchdog };
    return { events, result };
  }

  // ── Heartbeats ──────────────────────────────────────────────────────────────────────────────

  /**
   * A heartbeat's signal (`/hooks/heartbeat/:key`): kept in the object's storage; only a change (a
   * failure, or a success while its alert fires) becomes a delivery through the state machine.
   */
  async ping(keyHash: string, signal: HeartbeatSignal, at: string): Promise<PingResult> {
    const accepted = await this.serialize(async () => {
      const state = await this.ready(this.env.DB);
      const integration = state.integrations.get(keyHash);
      if (!integration || integration.disabled) return { ok: false as const, status: 401 as const, error: "unknown or disabled integration key" };
      if (integration.source !== "heartbeat")
        return {
          ok: false as const,
          status: 401 as const,
          error: `this key belongs to a ${integration.source} integration; post to /hooks/${integration.source}/<key>`,
        };
      const record = recordSignal(this.heartbeatStore.get(integration.id), signal, at);
      this.heartbeatStore.put(integration.id, record);
      const settings = heartbeatSettings(integration.options);
      const firing = state.firing(integration.id, heartbeatDedupKey());
      const event =
        signal === "success" && firing
          ? heartbeatResolve(integration.name, notBefore(at, firing.lastEventAt))
          : signal === "fail" && !firing
            ? heartbeatTrigger(integration.name, settings, { failedAt: at })
            : null;
      const delivery = event
        ? await this.accept({
            keyHash,
            source: null,
            internal: true,
            events: [event],
            receivedAt: at,
            payload: JSON.stringify({ signal, at }),
            acceptedStatus: 200,
            routeless: settings.scope === "operators",
          })
        : null;
      return { ok: true as const, integrationId: integration.id, delivery };
    });
    if (!accepted.ok) return accepted;
    const { delivery } = accepted;
    if (delivery && !delivery.ok) return delivery;
    if (delivery && "seq" in delivery && typeof delivery.seq === "number") await this.projection.projected(delivery.seq);
    const heartbeat = (await this.heartbeats(at))[accepted.integrationId]!;
    return { ok: true, heartbeat, deliveryId: delivery?.ok ? delivery.deliveryId || null : null };
  }

  /**
   * The cron's turn: every heartbeat past due whose alert does not fire yet fires it, dated when it
   * became due, through the state machine as any alert. Decided in one turn, so a ping cannot slip between.
   */
  async checkHeartbeats(now: string): Promise<number> {
    const seqs = await this.serialize(async () => {
      const state = await this.ready(this.env.DB);
      this.heartbeatStore.keepOnly(new Set([...state.integrations.values()].map((i) => i.id)));
      const out: number[] = [];
      for (const integration of state.integrations.values()) {
        const watchdog = watchdogOf(integration);
        if (integration.disabled || (integration.source !== "heartbeat" && !watchdog)) continue;
        const settings = heartbeatSettings(integration.options);
        const due = dueAt(this.heartbeatStore.get(integration.id), settings);
        if (!due || due > now || state.firing(integration.id, heartbeatDedupKey(watchdog))) continue;
        const result = await this.accept({
          keyHash: integration.keyHash,
          source: null,
          internal: true,
          events: [heartbeatTrigger(integration.name, settings, { late: due }, watchdog)],
          receivedAt: now,
          payload: JSON.stringify({ late: true, due_at: due, reason: "no heartbeat within the period and grace" }),
          acceptedStatus: 202,
          routeless: settings.scope === "operators",
        });
        if (result.ok && "seq" in result) out.push(result.seq);
      }
      return out;
    });
    for (const seq of seqs) await this.projection.projected(seq);
    return seqs.length;
  }

  /** Every heartbeat's state (heartbeat integrations, Alertmanager Watchdogs), by integration id. */
  async heartbeats(now: string): Promise<Record<string, HeartbeatStatus>> {
    const state = await this.serialize(() => this.ready(this.env.DB));
    const out: Record<string, HeartbeatStatus> = {};
    for (const integration of state.integrations.values()) {
      const watchdog = watchdogOf(integration);
      if (integration.source !== "heartbeat" && !watchdog) continue;
      const settings = heartbeatSettings(integration.options);
      const record = this.heartbeatStore.get(integration.id);
      const due = dueAt(record, settings);
      const status = state.firing(integration.id, heartbeatDedupKey(watchdog))
        ? "down"
        : due && due <= now
          ? "late"
          : record.startedAt
            ? "started"
            : due
              ? "up"
              : "new";
      out[integration.id] = {
        status,
        last_ping_at: record.lastPingAt,
        last_signal: record.lastSignal,
        last_success_at: record.lastSuccessAt,
        started_at: record.startedAt,
        due_at: due,
        period_seconds: settings.periodSeconds,
        grace_seconds: settings.graceSeconds,
      };
    }
    return out;
  }

  /** The working set, loaded from D1 once the inbox is drained into it. */
  private async ready(db: D1Database): Promise<MemoryState> {
    if (this.state) return this.state;
    await this.projection.drain();
    const loaded = await loadIngestState(db, new Date(Date.now() - HOT_RESOLVED_MS).toISOString());
    this.projection.loaded(loaded.appliedSeq);
    this.state = new MemoryState(loaded);
    return this.state;
  }

  async alarm(): Promise<void> {
    await this.projection.retryNow();
    await this.outbox.afterCommit();
  }

  // ── Operators ───────────────────────────────────────────────────────────────────────────────

  /** Runs `work` in turn with deliveries. */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A write against D1 by the one writer: in turn with deliveries, after the projection has caught up
   * (so it reads current rows), and followed by a reload of the working set before the next delivery.
   */
  private exclusive<T>(work: () => Promise<T>, changed: (result: T) => boolean = () => true): Promise<T | DatabaseDown> {
    return this.serialize(async () => {
      try {
        await this.projection.drain();
      } catch {
        return DATABASE_DOWN;
      }
      let result: T | undefined;
      try {
        await this.outbox.ensureCursor();
        result = await work();
        return result;
      } finally {
        if (result === undefined || changed(result)) await this.reload();
        void this.outbox.afterCommit();
      }
    });
  }

  private async reload() {
    this.state = null;
    try {
      await this.ready(this.env.DB);
    } catch (error) {
      console.error("working set reload failed; the next delivery retries it", String(error));
    }
  }

  /**
   * An operator's action on what the state machine owns (incident status, overrides, maintenance,
   * alert routing): one batch with its audit row, then the public cache purged.
   */
  adminAction(command: AdminCommand): Promise<CommandResult> {
    return this.exclusive<CommandResult>(
      async () => {
        const pages = await this.commandPages(command);
        const result = await runAdminCommand(this.env, command);
        if (result.ok) await this.publicChanged(pages);
        return result;
      },
      (r) => r.ok,
    );
  }

  /**
   * A catalog or integration write (components, groups, integrations, links), as the statements of
   * one D1 batch, run while the object holds its turn: no delivery is decided between the write and the reload.
   */
  async write(statements: SqlStatement[]): Promise<{ ok: true } | DatabaseDown | Conflict> {
    return this.exclusive<{ ok: true } | Conflict>(
      async () => {
        try {
          await this.env.DB.batch(statements.map((st) => prepare(this.env.DB, st)));
        } catch (error) {
          // A unique column taken meanwhile (two operators, one slug): a refusal to answer, not a failure of the object.
          const taken = uniqueViolation(error);
          if (taken) return { ok: false, status: 409, error: taken.message, ...(taken.field ? { field: taken.field } : {}) };
          throw error;
        }
        // A catalog write may delete incidents with their updates (a page deleted): the outbox's cursor never stays past them.
        await this.outbox.rewindPastDeleted();
        await this.publicChanged("every");
        return { ok: true };
      },
      (r) => r.ok,
    );
  }

  /** A committed write the public page shows: its cache purged, then the open tabs of the pages it changed told (worker/live.ts). */
  private async publicChanged(pages: ChangedPages) {
    await purgePublicCache(this.env);
    tellReaders(this.env, pages, (p) => this.ctx.waitUntil(p));
  }

  /**
   * The page an operator's command changes: the command's own, or its incident's, component's or alert's
   * (from memory, else one D1 read); an integration's or a link's commands reach every page.
   */
  private async commandPages(command: AdminCommand): Promise<ChangedPages> {
    if ("page" in command) return [command.page ?? 1];
    const state = this.state;
    const target: [kind: "incident" | "component" | "alert", id: string, known: { page?: number } | undefined] | null =
      "incidentId" in command
        ? ["incident", command.incidentId, state?.incidents.get(command.incidentId)]
        : "componentId" in command
          ? ["component", command.componentId, state?.components.get(command.componentId)]
          : "alertId" in command
            ? ["alert", command.alertId, state?.alerts.get(command.alertId)]
            : null;
    if (!target) return "every";
    if (target[2]) return [target[2].page ?? 1];
    const page = await pageOf(this.env.DB, target[0], target[1]).catch(() => null);
    return page === null ? "every" : [page];
  }

  /** The cron's time-driven work (maintenance windows, auto-resolve) at `now`, in turn with deliveries. */
  async tick(now: string): Promise<TickResult> {
    const result = await this.exclusive(async () => {
      const result = await runTick(this.env, now);
      if (tickChanged(result)) await this.publicChanged("every");
      return result;
    }, tickChanged);
    if ("ok" in result) throw new Error(result.error);
    return result;
  }

  /**
   * Resolves the alerts whose sender stopped re-confirming them (AlertEvent.expiresInSeconds), as a
   * delivery per integration through the usual decision, at the time each expired. Found in memory
   * (D1 may lag behind the inbox); each ingest takes its turn, and a trigger that lands meanwhile
   * makes its resolve stale, so it is never lost.
   */
  async expireAlerts(now: string): Promise<number> {
    const state = await this.serialize(() => this.ready(this.env.DB));
    const disabled = new Set([...state.integrations.values()].filter((i) => i.disabled).map((i) => i.id));
    const keyHashOf = new Map([...state.integrations.values()].map((i) => [i.id, i.keyHash]));
    const due = [...state.alerts.values()]
      .filter((a) => a.expiresAt && a.expiresAt <= now && a.status !== "resolved" && !disabled.has(a.integrationId))
      .sort((a, b) => (a.expiresAt! < b.expiresAt! ? -1 : 1))
      .slice(0, MAX_EXPIRED_PER_TICK);
    const byIntegration = new Map<string, typeof due>();
    for (const a of due) byIntegration.set(a.integrationId, [...(byIntegration.get(a.integrationId) ?? []), a]);
    let resolved = 0;
    for (const [integrationId, alerts] of byIntegration) {
      const keyHash = keyHashOf.get(integrationId);
      if (!keyHash) continue;
      const result = await this.ingest({
        keyHash,
        source: null,
        internal: true,
        events: alerts.map((a) => ({
          dedupKey: a.dedupKey,
          action: "resolve",
          severity: "error",
          summary: a.summary,
          tags: {},
          occurredAt: new Date(a.expiresAt!),
        })),
        receivedAt: now,
        payload: JSON.stringify({ expired: alerts.map((a) => a.dedupKey), reason: "no re-notification from the sender in time" }),
        acceptedStatus: 202,
      });
      if (result.ok) resolved += result.outcomes.filter((o) => o === "applied").length;
    }
    return resolved;
  }

  /** Reload the working set from D1 (after a change made outside the object, as tests do). */
  async invalidate(): Promise<void> {
    await this.exclusive(async () => undefined);
  }

  /** What operators see: the backlog not yet in D1 and the last D1 error. */
  inboxStatus(): InboxStatus {
    return {
      ...this.projection.status(),
      limits: { deliveries: this.limits.deliveries, bytes: this.limits.bytes },
      memory: this.state?.size ?? null,
      notifications: { pending: this.outbox.pending, sent: this.outbox.totals.sent, lastError: this.outbox.totals.lastError },
    };
  }

  /** Retry the projection now instead of at the next backoff step; answers the status after it. */
  async retryProjection(): Promise<InboxStatus> {
    await this.projection.retryNow();
    return this.inboxStatus();
  }

  private async authenticate(input: IngestInput, state: MemoryState): Promise<IntegrationRecord | Extract<IngestResult, { ok: false }>> {
    const integration = state.integrations.get(input.keyHash);
    if (!integration || integration.disabled) {
      return { ok: false, status: 401, error: "unknown or disabled integration key" };
    }
    // A pinged sender's key opens its ping endpoint only (not the PagerDuty endpoints, which take any key).
    if (!input.internal && senderOf(integration.source)?.ping) {
      return { ok: false, status: 401, error: `this key belongs to a ${integration.source} integration; ping /hooks/${integration.source}/<key>` };
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
    // SNS signatures are checked by the receiver of a sender that arrives through SNS (the registry
    // says which) only: the key of an integration that verifies them opens no other endpoint (a forged,
    // unsigned alarm on /v2/enqueue is refused).
    if (senderOf(integration.source)?.sns && integration.options.verify_signatures !== false && !input.snsChecked && !input.internal) {
      return {
        ok: false,
        status: 401,
        error: "this integration accepts only SNS-signed deliveries, on /hooks/cloudwatch/<key> (or set its verify_signatures to false)",
      };
    }
    return integration;
  }
}

/**
 * A recovery's time: never before the late alert it resolves, which is dated when the heartbeat became due
 * by the cron's clock (a recovery dated earlier would be ignored as stale).
 */
const notBefore = (at: string, earliest: string) => (at < earliest ? earliest : at);

/** The alert an Alertmanager integration expects to keep arriving, if it names one. */
const watchdogOf = (i: IntegrationRecord) => (i.source === "alertmanager" ? i.options.watchdog_alert : undefined);

const tickChanged = (r: TickResult) => !!(r.started.length || r.completed.length || r.autoResolved.length || r.published.length || r.scheduled.length);

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

/** The pages of a delivery's working set (what its decision may change). */
function pagesOf(ws: WorkingSet): number[] {
  const pages = new Set<number>();
  for (const m of [ws.components, ws.alerts, ws.incidents] as Map<string, { page?: number }>[]) for (const v of m.values()) pages.add(v.page ?? 1);
  return pages.size ? [...pages] : [1];
}

// The Durable Object that owns ingestion for the page.
//
// Design (issue 14: "202 means stored, even when D1 is down"):
// - One writer. Everything the state machine reads (integrations, routing, components, open alerts
//   and incidents) is written only here: deliveries, operator commands, the cron tick, and catalog
//   and integration writes (`write`) all run on one promise chain (`serialize`; D1 calls are not
//   covered by the object's input gate). So the working set is loaded from D1 once, held in memory
//   (worker/working-set.ts) and kept current by the object's own decisions: a warm delivery reads
//   nothing from D1. Operator writes run against D1 itself, so they first wait for the projection to
//   catch up, and the working set is reloaded after them, in the same turn: no delivery is ever
//   decided on routing older than the last write.
// - A durable inbox. A delivery is decided in memory and its decision, as the exact D1 statements
//   (delivery log row included), is appended to this object's own SQLite storage (`ctx.storage.sql`:
//   synchronous, and the 2xx is held by the output gate until it is durable). That is what 2xx means.
// - The projection brings D1 up to date from the inbox, in sequence order, many deliveries per D1
//   batch (group commit). Each batch begins with a guard that moves `ingest_progress.applied_seq`
//   from the value this object expects to the batch's last sequence number, and fails the whole
//   batch otherwise: a batch applied whose answer was lost, or replayed after a restart, is refused,
//   the position is read again, and projection resumes after it. Exactly once, in order.
// - The answer waits for the projection briefly (PROJECTION_WAIT_MS, default 2 s), so in normal
//   operation the public page (which reads D1) shows a delivery when its 2xx arrives. When D1 fails,
//   deliveries are still accepted (decided from memory), answered at once, and the projection retries
//   with backoff on an alarm, draining by itself when D1 is back; the public page shows the last
//   projected state meanwhile. The public cache is purged after each projected batch, not before.
// - Bounded: past INBOX_MAX_DELIVERIES (10,000) or INBOX_MAX_BYTES (50 MB) of unprojected
//   deliveries, answer 503 so that senders retry.
// - Restart (eviction, deploy, crash): the inbox is in storage; an alarm set when the backlog starts
//   replays it, and the working set is only (re)loaded once the inbox is drained into D1. Limit: an
//   object that restarts while D1 is down cannot load its working set, so it answers 503 until D1 is back.
import { DurableObject } from "cloudflare:workers";
import { advanceProgress, coalesceGroup, type DeliveryRecord, decisionSql, lastTestSql } from "../db/ingest";
import { appliedSeq, type IntegrationRecord, loadAlertsByKey, loadIngestState } from "../db/ingest-reads";
import { countingD1, type RoundTripCounter } from "../db/instrumented";
import { prepare, type SqlStatement } from "../db/sql";
import type { AlertEvent } from "../domain/alert-event";
import { newId, nowIso } from "../domain/ids";
import { applyEvents, type EventOutcome } from "../domain/incidents";
import { LEGACY_TIMESTAMP_HEADER } from "../domain/integration-options";
import { purgePublicCache } from "./cache";
import type { Env } from "./env";
import { type AdminCommand, type CommandResult, runAdminCommand, runTick, type TickResult } from "./ingestor-commands";
import { NotifyOutbox } from "./notify/outbox";
import { type Attempt, type ClientAddress, type LimitKind, pruneAttempts, recordAttempt } from "./security/rate-limit";
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
      /** Only with BENCH_COUNT_D1: D1 reads made to decide this delivery. */
      d1Reads?: number;
      /** Only with BENCH_COUNT_D1: D1 round trips of the projection group that wrote it. */
      d1GroupWrites?: number;
    }
  | { ok: false; status: 401 | 503; error: string };

export interface InboxStatus {
  /** Accepted deliveries not yet in D1. */
  backlog: { deliveries: number; bytes: number; oldestAcceptedAt: string | null };
  limits: { deliveries: number; bytes: number };
  appliedSeq: number | null;
  lastSeq: number;
  lastError: string | null;
  lastErrorAt: string | null;
  failures: number;
  nextRetryAt: string | null;
  lastProjectedAt: string | null;
  /** Since the object started: D1 batches written by the projection, and the deliveries in them. */
  projected: { groups: number; deliveries: number };
  /** The last projection run that emptied the inbox: how many deliveries, in how long (the replay cost). */
  lastDrain: { deliveries: number; ms: number; at: string } | null;
  memory: MemoryState["size"] | null;
  /** Notifications (worker/notify/outbox.ts): committed changes waiting for the queue, and the last send error. */
  notifications: { pending: number; sent: number; lastError: string | null };
}

/** A projection batch stays well inside D1's limits. */
const MAX_GROUP_DELIVERIES = 50;
const MAX_GROUP_STATEMENTS = 400;
const MAX_EXPIRED_PER_TICK = 1000;
/** Resolved alerts changed within this window stay in memory; older ones cost one D1 read if they return. */
const HOT_RESOLVED_MS = 7 * 24 * 3600_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;
/** The alarm that replays the inbox if the object restarts with a backlog and no request wakes it. */
const REPLAY_GUARD_MS = 5_000;

/** What an operator's write gets while D1 refuses the backlog it must wait for. */
type DatabaseDown = { ok: false; status: 503; error: string };
const DATABASE_DOWN: DatabaseDown = {
  ok: false,
  status: 503,
  error: "the database is unavailable: deliveries are being kept and will be applied when it is back; retry this change then",
};

interface Waiter {
  seq: number;
  resolve: (projected: { ok: boolean; writes: number }) => void;
}

export class Ingestor extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  private state: MemoryState | null = null;
  private lastSeq = 0;
  /** The applied sequence D1 holds, as far as this object knows; null: read it before projecting. */
  private d1Applied: number | null = null;
  private backlog = { deliveries: 0, bytes: 0 };
  private projector: Promise<void> | null = null;
  private retryAt = 0;
  private failures = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private lastProjectedAt: string | null = null;
  private projectedTotals = { groups: 0, deliveries: 0 };
  private guardAlarmAt = 0;
  private lastDrain: InboxStatus["lastDrain"] = null;
  private waiters: Waiter[] = [];
  /** Public for tests (runInDurableObject), which lower them. */
  limits: { deliveries: number; bytes: number; waitMs: number };
  /** What committed changes notify: stored with the cursor over D1, then sent to the queue. */
  readonly outbox: NotifyOutbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = {
      deliveries: Number(env.INBOX_MAX_DELIVERIES ?? 10_000),
      bytes: Number(env.INBOX_MAX_BYTES ?? 50 * 1024 * 1024),
      waitMs: Number(env.PROJECTION_WAIT_MS ?? 2_000),
    };
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS inbox (
      seq INTEGER PRIMARY KEY, accepted_at TEXT NOT NULL, bytes INTEGER NOT NULL, purge INTEGER NOT NULL, statements TEXT NOT NULL,
      notify INTEGER NOT NULL DEFAULT 1)`);
    // Inboxes written before the notify column: their rows count as notifying, so none is missed.
    if (
      !sql
        .exec<{ name: string }>("PRAGMA table_info(inbox)")
        .toArray()
        .some((c) => c.name === "notify")
    ) {
      sql.exec("ALTER TABLE inbox ADD COLUMN notify INTEGER NOT NULL DEFAULT 1");
    }
    sql.exec("CREATE TABLE IF NOT EXISTS inbox_meta (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL)");
    const meta = sql.exec<{ last_seq: number }>("SELECT last_seq FROM inbox_meta WHERE id = 1").toArray()[0];
    const top = sql.exec<{ s: number | null }>("SELECT max(seq) AS s FROM inbox").one().s ?? 0;
    this.lastSeq = Math.max(meta?.last_seq ?? 0, top);
    this.countBacklog();
    this.outbox = new NotifyOutbox(ctx.storage, env);
    // Restarted with deliveries not yet in D1 (or notifications not yet sent): replay them now, without waiting for a request.
    if (this.backlog.deliveries || this.outbox.pending) void ctx.storage.setAlarm(Date.now());
  }

  // ── Deliveries ──────────────────────────────────────────────────────────────────────────────

  /** Decides a delivery and stores it durably in the inbox; answers once D1 has it too, or soon after. */
  async ingest(input: IngestInput): Promise<IngestResult> {
    const accepted = await this.serialize(() => this.accept(input));
    if (!accepted.ok || !("seq" in accepted)) return accepted;
    const { seq, ...result } = accepted;
    const projected = await this.projected(seq);
    return { ...result, projected: projected.ok, ...(this.env.BENCH_COUNT_D1 ? { d1GroupWrites: projected.writes } : {}) };
  }

  private async accept(input: IngestInput): Promise<(Extract<IngestResult, { ok: true }> & { seq: number }) | Extract<IngestResult, { ok: false }>> {
    if (this.backlog.deliveries >= this.limits.deliveries || this.backlog.bytes >= this.limits.bytes) {
      return { ok: false, status: 503, error: "the delivery backlog is full while the database recovers; retry later" };
    }
    const counter: RoundTripCounter = { count: 0 };
    const db = this.env.BENCH_COUNT_D1 ? countingD1(this.env.DB, counter) : this.env.DB;
    const state = await this.ready(db);
    const integration = await this.authenticate(input, state);
    if ("ok" in integration) return integration;
    const cold = state.coldDedupKeys(integration.id, input.events);
    if (cold.length) state.warm(await loadAlertsByKey(db, integration.id, cold));

    // From here to the inbox insert nothing awaits: the decision and its record are one step.
    const routing = state.routings.get(integration.id)!;
    const ws = state.scope(routing, input.events);
    const now = nowIso();
    let statements: SqlStatement[];
    let delivery: DeliveryRecord;
    let outcomes: EventOutcome[];
    let purge: boolean;
    let notify: boolean;
    try {
      const decision = applyEvents(ws, routing, input.events, { now, newId });
      state.absorb(ws, decision);
      outcomes = decision.outcomes;
      const published = (decision.published?.length ?? 0) > 0;
      purge = decision.alerts.size > 0 || published;
      // Only incident updates and status changes are told (worker/notify): the outbox reads D1 after a batch only if one holds them
      // (a published draft's first update is written again).
      notify = decision.updates.length > 0 || decision.statusChanges.length > 0 || published;
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
      statements = decisionSql(ws, decision, now, delivery);
      if (test) statements.push(lastTestSql(integration.id, now));
      const text = JSON.stringify(statements);
      const seq = this.lastSeq + 1;
      const sql = this.ctx.storage.sql;
      sql.exec(
        "INSERT INTO inbox (seq, accepted_at, bytes, purge, notify, statements) VALUES (?, ?, ?, ?, ?, ?)",
        seq,
        now,
        text.length,
        purge ? 1 : 0,
        notify ? 1 : 0,
        text,
      );
      this.lastSeq = seq;
      // At most one pending replay-guard alarm: the backoff's own alarm covers a failing D1.
      if (!this.retryAt && Date.now() > this.guardAlarmAt) {
        this.guardAlarmAt = Date.now() + REPLAY_GUARD_MS;
        void this.ctx.storage.setAlarm(this.guardAlarmAt);
      }
      this.backlog.deliveries++;
      this.backlog.bytes += text.length;
    } catch (error) {
      // Memory may hold a decision that was never stored: start again from D1 and the inbox.
      this.state = null;
      throw error;
    }
    this.kick();
    return {
      ok: true,
      seq: this.lastSeq,
      deliveryId: delivery.id,
      integrationId: integration.id,
      outcomes,
      projected: false,
      ...(input.test !== undefined ? { test: input.test } : {}),
      ...(this.env.BENCH_COUNT_D1 ? { d1Reads: counter.count } : {}),
    };
  }

  /** The working set, loaded from D1 once the inbox is drained into it. */
  private async ready(db: D1Database): Promise<MemoryState> {
    if (this.state) return this.state;
    await this.drain();
    const loaded = await loadIngestState(db, new Date(Date.now() - HOT_RESOLVED_MS).toISOString());
    // D1 may be ahead of this object's storage (storage lost): never reuse a sequence number D1 has applied.
    this.d1Applied = loaded.appliedSeq;
    if (loaded.appliedSeq > this.lastSeq) {
      this.lastSeq = loaded.appliedSeq;
      this.ctx.storage.sql.exec("INSERT INTO inbox_meta (id, last_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last_seq = excluded.last_seq", this.lastSeq);
    }
    this.state = new MemoryState(loaded);
    return this.state;
  }

  /** Resolves when `seq` is in D1, or at once if the projection failed or is backing off, or after waitMs. */
  private projected(seq: number): Promise<{ ok: boolean; writes: number }> {
    if (this.d1Applied !== null && this.d1Applied >= seq) return Promise.resolve({ ok: true, writes: 0 });
    if (this.retryAt || this.limits.waitMs <= 0) return Promise.resolve({ ok: false, writes: 0 });
    return new Promise((resolve) => {
      const waiter: Waiter = { seq, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve({ ok: false, writes: 0 });
      }, this.limits.waitMs);
    });
  }

  // ── Projection: inbox → D1 ────────────────────────────────────────────────────────────────────

  /** Starts projecting, unless it is running or backing off (the alarm resumes it). */
  private kick() {
    if (this.projector || this.retryAt || !this.backlog.deliveries) return;
    this.projector = this.projectAll().finally(() => {
      this.projector = null;
    });
  }

  private async projectAll(): Promise<void> {
    const started = Date.now();
    const before = this.projectedTotals.deliveries;
    try {
      await this.projectUntilEmpty();
    } finally {
      const deliveries = this.projectedTotals.deliveries - before;
      if (!this.backlog.deliveries && deliveries) this.lastDrain = { deliveries, ms: Date.now() - started, at: nowIso() };
    }
  }

  private async projectUntilEmpty(): Promise<void> {
    while (this.backlog.deliveries) {
      const from = this.d1Applied;
      try {
        await this.projectGroup();
        this.failures = 0;
      } catch (error) {
        // Refused by the guard (the batch had already landed): resume after what D1 holds, at once.
        if (from !== null && (await this.readApplied().catch(() => from)) !== from) continue;
        this.failures++;
        this.lastError = String((error as Error)?.message ?? error).slice(0, 500);
        this.lastErrorAt = nowIso();
        this.d1Applied = null; // the batch may have landed with its answer lost: read the position again
        const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
        this.retryAt = Date.now() + delay;
        console.error("D1 projection failed; retrying", { failures: this.failures, inMs: delay, error: this.lastError });
        this.settle((w) => w.seq <= this.lastSeq, { ok: false, writes: 0 });
        await this.ctx.storage.setAlarm(this.retryAt);
        return;
      }
    }
  }

  /** One D1 batch: the guard moving the applied sequence, then the statements of up to 50 deliveries. */
  private async projectGroup(): Promise<void> {
    const counter: RoundTripCounter = { count: 0 };
    const db = this.env.BENCH_COUNT_D1 ? countingD1(this.env.DB, counter) : this.env.DB;
    if (this.d1Applied === null) {
      await this.readApplied(db);
      if (!this.backlog.deliveries) return;
    }
    const from = this.d1Applied;
    const rows: Array<{ seq: number; purge: number; notify: number; statements: SqlStatement[] }> = [];
    let count = 0;
    for (const r of this.ctx.storage.sql.exec<{ seq: number; purge: number; notify: number; statements: string }>(
      "SELECT seq, purge, notify, statements FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?",
      from,
      MAX_GROUP_DELIVERIES,
    )) {
      const statements = JSON.parse(r.statements) as SqlStatement[];
      if (rows.length && count + statements.length > MAX_GROUP_STATEMENTS) break;
      rows.push({ seq: r.seq, purge: r.purge, notify: r.notify, statements });
      count += statements.length;
    }
    if (!rows.length) return;
    const to = rows.at(-1)!.seq;
    await this.outbox.ensureCursor(db);
    await db.batch([advanceProgress(from, to), ...coalesceGroup(rows.flatMap((r) => r.statements))].map((s) => prepare(db, s)));
    this.d1Applied = to;
    this.retryAt = 0;
    this.projectedTotals.groups++;
    this.projectedTotals.deliveries += rows.length;
    this.lastProjectedAt = nowIso();
    this.dropThrough(to);
    // Pages read D1: purge only now that D1 holds what they will show.
    if (rows.some((r) => r.purge)) await purgePublicCache(this.env);
    this.settle((w) => w.seq <= to, { ok: true, writes: counter.count });
    // A batch without incident updates or status changes has nothing to tell: no D1 read for the outbox.
    // (A send that failed earlier is retried on the alarm, which runs the outbox whatever it holds.)
    if (rows.some((r) => r.notify)) void this.outbox.afterCommit();
  }

  /** The position D1 holds; what the inbox holds up to it is already applied. */
  private async readApplied(db: D1Database = this.env.DB): Promise<number> {
    this.d1Applied = await appliedSeq(db);
    this.dropThrough(this.d1Applied);
    return this.d1Applied;
  }

  /** Forgets what D1 holds; the highest sequence number is kept, so none is ever reused. */
  private dropThrough(seq: number) {
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT INTO inbox_meta (id, last_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)", this.lastSeq);
    sql.exec("DELETE FROM inbox WHERE seq <= ?", seq);
    this.countBacklog();
  }

  private countBacklog() {
    const row = this.ctx.storage.sql.exec<{ n: number; b: number | null }>("SELECT count(*) AS n, sum(bytes) AS b FROM inbox").one();
    this.backlog = { deliveries: row.n, bytes: row.b ?? 0 };
  }

  private settle(which: (w: Waiter) => boolean, outcome: { ok: boolean; writes: number }) {
    const done = this.waiters.filter(which);
    this.waiters = this.waiters.filter((w) => !which(w));
    for (const w of done) w.resolve(outcome);
  }

  /** Projects until the inbox is empty; throws if D1 refuses. */
  private async drain(): Promise<void> {
    while (this.backlog.deliveries) {
      this.retryAt = 0;
      this.kick();
      await this.projector;
      if (this.retryAt) throw new Error(`the database is unavailable: ${this.lastError}`);
    }
  }

  async alarm(): Promise<void> {
    this.retryAt = 0;
    this.kick();
    await this.projector;
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
        await this.drain();
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
        const result = await runAdminCommand(this.env, command);
        if (result.ok) await purgePublicCache(this.env);
        return result;
      },
      (r) => r.ok,
    );
  }

  /**
   * A catalog or integration write (components, groups, integrations, links), made by the caller's
   * function while the object holds its turn: no delivery is decided between the write and the reload.
   */
  async write(apply: () => Promise<void>): Promise<{ ok: true } | DatabaseDown> {
    return this.exclusive(async () => {
      await apply();
      return { ok: true as const };
    });
  }

  /** The cron's time-driven work (maintenance windows, auto-resolve) at `now`, in turn with deliveries. */
  async tick(now: string): Promise<TickResult> {
    const result = await this.exclusive(async () => {
      const result = await runTick(this.env, now);
      if (tickChanged(result)) await purgePublicCache(this.env);
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

  /** One sign-in or bearer attempt against its client address's limit (security/rate-limit.ts). */
  authAttempt(kind: LimitKind, address: ClientAddress, ok: boolean): Attempt {
    return recordAttempt(this.ctx.storage.sql, kind, address, ok);
  }

  /** The cron: failure counts whose window ended go (security/rate-limit.ts). */
  pruneAuthAttempts(now = Date.now()): number {
    return pruneAttempts(this.ctx.storage.sql, now);
  }

  /** Reload the working set from D1 (after a change made outside the object, as tests do). */
  async invalidate(): Promise<void> {
    await this.exclusive(async () => undefined);
  }

  /** What operators see: the backlog not yet in D1 and the last D1 error. */
  inboxStatus(): InboxStatus {
    const oldest = this.ctx.storage.sql.exec<{ at: string | null }>("SELECT min(accepted_at) AS at FROM inbox").one().at;
    return {
      backlog: { ...this.backlog, oldestAcceptedAt: oldest },
      limits: { deliveries: this.limits.deliveries, bytes: this.limits.bytes },
      appliedSeq: this.d1Applied,
      lastSeq: this.lastSeq,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      failures: this.failures,
      nextRetryAt: this.retryAt ? new Date(this.retryAt).toISOString() : null,
      lastProjectedAt: this.lastProjectedAt,
      projected: { ...this.projectedTotals },
      lastDrain: this.lastDrain,
      memory: this.state?.size ?? null,
      notifications: { pending: this.outbox.pending, sent: this.outbox.totals.sent, lastError: this.outbox.totals.lastError },
    };
  }

  /** Retry the projection now instead of at the next backoff step; answers the status after it. */
  async retryProjection(): Promise<InboxStatus> {
    this.retryAt = 0;
    this.kick();
    await this.projector;
    return this.inboxStatus();
  }

  private async authenticate(input: IngestInput, state: MemoryState): Promise<IntegrationRecord | Extract<IngestResult, { ok: false }>> {
    const integration = state.integrations.get(input.keyHash);
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
    // SNS signatures are checked by the CloudWatch receiver only: the key of an integration that
    // verifies them opens no other endpoint (a forged, unsigned alarm on /v2/enqueue is refused).
    if (integration.source === "cloudwatch" && integration.options.verify_signatures !== false && !input.snsChecked && !input.internal) {
      return {
        ok: false,
        status: 401,
        error: "this integration accepts only SNS-signed deliveries, on /hooks/cloudwatch/<key> (or set its verify_signatures to false)",
      };
    }
    return integration;
  }
}

const tickChanged = (r: TickResult) => !!(r.started.length || r.completed.length || r.autoResolved.length || r.published.length);

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

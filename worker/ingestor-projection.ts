// The Ingestor's projection: its durable inbox brought into D1, in sequence order, many deliveries
// per D1 batch (group commit). Each batch begins with a guard that moves `ingest_progress.applied_seq`
// from the value this object expects to the batch's last sequence number, and fails the whole batch
// otherwise: a batch applied whose answer was lost, or replayed after a restart, is refused, the
// position is read again, and projection resumes after it. Exactly once, in order. When D1 fails, the
// projection retries with backoff on the object's alarm and drains by itself when D1 is back. The
// public cache is purged after each projected batch, not before; the outbox hears of what it committed.
// While D1 keeps up and senders wait for it, a delivery's statements go straight from memory to D1 and
// are written once, there; they enter the inbox only if D1 fails or is slower than the wait, before
// their sender is answered. Either way a 2xx means the delivery is durable.
import { advanceProgress, coalesceGroup } from "../db/ingest";
import { appliedSeq } from "../db/ingest-reads";
import { countingD1, type RoundTripCounter } from "../db/instrumented";
import { prepare, type SqlStatement } from "../db/sql";
import { nowIso } from "../domain/ids";
import { purgePublicCache } from "./cache";
import { config } from "./config";
import type { Env } from "./env";
import { type ChangedPages, tellReaders } from "./live";
import type { NotifyOutbox } from "./notify/outbox";

/** A projection batch stays well inside D1's limits. */
const MAX_GROUP_DELIVERIES = 50;
const MAX_GROUP_STATEMENTS = 400;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;
/** The alarm that replays the inbox if the object restarts with a backlog and no request wakes it. */
const REPLAY_GUARD_MS = 5_000;
/**
 * How long a short backlog waits for company before its batch leaves: the senders answered by the
 * last batch come back within a few ms, and one batch for all of them costs a fraction of one each.
 */
const LINGER_MS = 5;
/** Deliveries whose statements are also kept in memory, as appended, so projecting them parses nothing. */
const MEMO_DELIVERIES = 500;

export interface InboxLimits {
  deliveries: number;
  bytes: number;
  waitMs: number;
}

/** One accepted delivery's decision, as the inbox stores it. */
export interface InboxEntry {
  acceptedAt: string;
  statements: SqlStatement[];
  /** Its batch purges the public cache. */
  purge: boolean;
  /** Its batch is read by the notification outbox. */
  notify: boolean;
  /** The pages whose open tabs are told once its batch is in D1 (those of what it changed). */
  pages: number[];
}

export interface ProjectionStatus {
  backlog: { deliveries: number; bytes: number; oldestAcceptedAt: string | null };
  appliedSeq: number | null;
  lastSeq: number;
  lastError: string | null;
  lastErrorAt: string | null;
  failures: number;
  nextRetryAt: string | null;
  lastProjectedAt: string | null;
  projected: { groups: number; deliveries: number };
  lastDrain: { deliveries: number; ms: number; at: string } | null;
}

interface Waiter {
  seq: number;
  resolve: (projected: { ok: boolean; writes: number }) => void;
}

export class Projection {
  lastSeq = 0;
  /** The applied sequence D1 holds, as far as this object knows; null: read it before projecting. */
  private d1Applied: number | null = null;
  /** What the inbox holds. */
  backlog = { deliveries: 0, bytes: 0 };
  /**
   * Deliveries decided while D1 kept up, held in memory only: their senders are still waiting, so none
   * is answered yet. In sequence order, after everything in the inbox (which holds nothing while they exist).
   */
  private unstored: Array<{ seq: number; entry: InboxEntry }> = [];
  private projector: Promise<void> | null = null;
  private retryAt = 0;
  private failures = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private lastProjectedAt: string | null = null;
  private projectedTotals = { groups: 0, deliveries: 0 };
  private guardAlarmAt = 0;
  private lastDrain: ProjectionStatus["lastDrain"] = null;
  private waiters: Waiter[] = [];
  /** The statements of the latest deliveries, by sequence number, while the backlog is short (else read back from the inbox). */
  private memo = new Map<number, SqlStatement[]>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
    private readonly outbox: NotifyOutbox,
    private readonly limits: InboxLimits,
    /** The object's waitUntil, for work that follows a batch without delaying it. */
    private readonly waitUntil?: (p: Promise<unknown>) => void,
  ) {
    const sql = storage.sql;
    const meta = sql.exec<{ last_seq: number }>("SELECT last_seq FROM inbox_meta WHERE id = 1").toArray()[0];
    const top = sql.exec<{ s: number | null }>("SELECT max(seq) AS s FROM inbox").one().s ?? 0;
    this.lastSeq = Math.max(meta?.last_seq ?? 0, top);
    this.countBacklog();
  }

  /** The backlog is past its limits: deliveries are refused until it drains. */
  get full(): boolean {
    return this.backlog.deliveries >= this.limits.deliveries || this.backlog.bytes >= this.limits.bytes;
  }

  /** Whether D1 is refusing (a retry is scheduled). */
  get backingOff(): boolean {
    return this.retryAt !== 0;
  }

  /** Stores one delivery's decision (synchronously: durable before the answer leaves); returns its sequence number. */
  append(entry: InboxEntry): number {
    const seq = this.lastSeq + 1;
    if (this.limits.waitMs > 0 && !this.retryAt && this.d1Applied !== null && !this.backlog.deliveries) {
      // Its sender waits for D1: D1 alone stores it, unless it fails or is slow (storeUnstored).
      this.lastSeq = seq;
      this.unstored.push({ seq, entry });
      return seq;
    }
    this.storeUnstored();
    this.insert(seq, entry);
    // At most one pending replay-guard alarm: the backoff's own alarm covers a failing D1.
    if (!this.retryAt && Date.now() > this.guardAlarmAt) {
      this.guardAlarmAt = Date.now() + REPLAY_GUARD_MS;
      void this.storage.setAlarm(this.guardAlarmAt);
    }
    return seq;
  }

  /** Writes the deliveries held only in memory to the inbox, in order: before any of their senders is answered without D1. */
  private storeUnstored() {
    const held = this.unstored;
    this.unstored = [];
    for (const u of held) this.insert(u.seq, u.entry);
  }

  private insert(seq: number, entry: InboxEntry) {
    const text = JSON.stringify(entry.statements);
    this.storage.sql.exec(
      "INSERT INTO inbox (seq, accepted_at, bytes, purge, notify, statements, pages) VALUES (?, ?, ?, ?, ?, ?, ?)",
      seq,
      entry.acceptedAt,
      text.length,
      entry.purge ? 1 : 0,
      entry.notify ? 1 : 0,
      text,
      JSON.stringify(entry.pages),
    );
    this.lastSeq = Math.max(this.lastSeq, seq);
    if (this.memo.size < MEMO_DELIVERIES) this.memo.set(seq, entry.statements);
    this.backlog.deliveries++;
    this.backlog.bytes += text.length;
  }

  /** Deliveries not yet in D1, in the inbox or in memory. */
  private get waiting(): number {
    return this.backlog.deliveries + this.unstored.length;
  }

  /** D1's applied position as the working set's load read it: never reuse a sequence number D1 has applied. */
  loaded(appliedSeq: number) {
    this.d1Applied = appliedSeq;
    if (appliedSeq > this.lastSeq) {
      this.lastSeq = appliedSeq;
      this.storage.sql.exec("INSERT INTO inbox_meta (id, last_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last_seq = excluded.last_seq", this.lastSeq);
    }
  }

  /** Resolves when `seq` is in D1, or at once if the projection failed or is backing off, or after waitMs. */
  projected(seq: number): Promise<{ ok: boolean; writes: number }> {
    if (this.d1Applied !== null && this.d1Applied >= seq) return Promise.resolve({ ok: true, writes: 0 });
    if (this.retryAt || this.limits.waitMs <= 0) return Promise.resolve({ ok: false, writes: 0 });
    return new Promise((resolve) => {
      const waiter: Waiter = { seq, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        // Answered without D1: durable in the inbox first.
        if (this.unstored.some((u) => u.seq <= seq)) this.storeUnstored();
        resolve({ ok: false, writes: 0 });
      }, this.limits.waitMs);
    });
  }

  /** Starts projecting, unless it is running or backing off (the alarm resumes it). */
  kick() {
    if (this.projector || this.retryAt || !this.waiting) return;
    this.projector = this.projectAll().finally(() => {
      this.projector = null;
    });
  }

  /** Projects now, backoff or not, and waits for the run to end. */
  async retryNow(): Promise<void> {
    this.retryAt = 0;
    this.kick();
    await this.projector;
  }

  /** Projects until the inbox is empty; throws if D1 refuses. */
  async drain(): Promise<void> {
    while (this.waiting) {
      await this.retryNow();
      if (this.retryAt) throw new Error(`the database is unavailable: ${this.lastError}`);
    }
  }

  private async projectAll(): Promise<void> {
    const started = Date.now();
    const before = this.projectedTotals.deliveries;
    try {
      await this.projectUntilEmpty();
    } finally {
      const deliveries = this.projectedTotals.deliveries - before;
      if (!this.waiting && deliveries) this.lastDrain = { deliveries, ms: Date.now() - started, at: nowIso() };
    }
  }

  private async projectUntilEmpty(): Promise<void> {
    while (this.waiting) {
      if (this.waiting < MAX_GROUP_DELIVERIES) await new Promise((r) => setTimeout(r, LINGER_MS));
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
        this.storeUnstored(); // their senders are answered now, without D1
        const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
        this.retryAt = Date.now() + delay;
        console.error("D1 projection failed; retrying", { failures: this.failures, inMs: delay, error: this.lastError });
        this.settle((w) => w.seq <= this.lastSeq, { ok: false, writes: 0 });
        await this.storage.setAlarm(this.retryAt);
        return;
      }
    }
  }

  /** One D1 batch: the guard moving the applied sequence, then the statements of up to 50 deliveries. */
  private async projectGroup(): Promise<void> {
    const counter: RoundTripCounter = { count: 0 };
    const db = config(this.env).bench.countD1 ? countingD1(this.env.DB, counter) : this.env.DB;
    if (this.d1Applied === null) {
      await this.readApplied(db);
      if (!this.waiting) return;
    }
    const from = this.d1Applied;
    const rows: Array<{ seq: number; purge: number; notify: number; pages: number[] | null; statements: SqlStatement[] }> = [];
    let count = 0;
    for (const r of this.storage.sql.exec<{ seq: number; purge: number; notify: number; pages: string | null }>(
      "SELECT seq, purge, notify, pages FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?",
      from,
      MAX_GROUP_DELIVERIES,
    )) {
      const statements = this.memo.get(r.seq) ?? this.readStatements(r.seq);
      if (rows.length && count + statements.length > MAX_GROUP_STATEMENTS) break;
      rows.push({ seq: r.seq, purge: r.purge, notify: r.notify, pages: r.pages === null ? null : (JSON.parse(r.pages) as number[]), statements });
      count += statements.length;
    }
    if (!rows.length)
      for (const u of this.unstored) {
        if (rows.length >= MAX_GROUP_DELIVERIES || (rows.length && count + u.entry.statements.length > MAX_GROUP_STATEMENTS)) break;
        rows.push({ seq: u.seq, purge: u.entry.purge ? 1 : 0, notify: u.entry.notify ? 1 : 0, pages: u.entry.pages, statements: u.entry.statements });
        count += u.entry.statements.length;
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
    // Pages read D1: purge only now that D1 holds what they will show; then open tabs refetch (worker/live.ts).
    // Only the pages the batch's deliveries changed (each delivery's, from its decision); a row stored before
    // deliveries kept their pages tells every page.
    const purging = rows.filter((r) => r.purge);
    if (purging.length) {
      await purgePublicCache(this.env);
      const pages: ChangedPages = purging.some((r) => !r.pages) ? "every" : purging.flatMap((r) => r.pages!);
      tellReaders(this.env, pages, this.waitUntil);
    }
    this.settle((w) => w.seq <= to, { ok: true, writes: counter.count });
    // A batch without incident updates or status changes has nothing to tell: no D1 read for the outbox.
    // (A send that failed earlier is retried on the alarm, which runs the outbox whatever it holds.)
    if (rows.some((r) => r.notify)) void this.outbox.afterCommit();
  }

  private readStatements(seq: number): SqlStatement[] {
    const text = this.storage.sql.exec<{ statements: string }>("SELECT statements FROM inbox WHERE seq = ?", seq).one().statements;
    return JSON.parse(text) as SqlStatement[];
  }

  /** The position D1 holds; what the inbox holds up to it is already applied. */
  private async readApplied(db: D1Database = this.env.DB): Promise<number> {
    this.d1Applied = await appliedSeq(db);
    this.dropThrough(this.d1Applied);
    return this.d1Applied;
  }

  /** Forgets what D1 holds; the highest sequence number is kept, so none is ever reused. */
  private dropThrough(seq: number) {
    const sql = this.storage.sql;
    sql.exec("INSERT INTO inbox_meta (id, last_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)", this.lastSeq);
    sql.exec("DELETE FROM inbox WHERE seq <= ?", seq);
    if (this.unstored.length && this.unstored[0]!.seq <= seq) this.unstored = this.unstored.filter((u) => u.seq > seq);
    for (const s of this.memo.keys()) if (s <= seq) this.memo.delete(s);
    this.countBacklog();
  }

  private countBacklog() {
    const row = this.storage.sql.exec<{ n: number; b: number | null }>("SELECT count(*) AS n, sum(bytes) AS b FROM inbox").one();
    this.backlog = { deliveries: row.n, bytes: row.b ?? 0 };
  }

  private settle(which: (w: Waiter) => boolean, outcome: { ok: boolean; writes: number }) {
    const done = this.waiters.filter(which);
    this.waiters = this.waiters.filter((w) => !which(w));
    for (const w of done) w.resolve(outcome);
  }

  status(): ProjectionStatus {
    const oldest = this.storage.sql.exec<{ at: string | null }>("SELECT min(accepted_at) AS at FROM inbox").one().at;
    return {
      backlog: { deliveries: this.waiting, bytes: this.backlog.bytes, oldestAcceptedAt: oldest ?? this.unstored[0]?.entry.acceptedAt ?? null },
      appliedSeq: this.d1Applied,
      lastSeq: this.lastSeq,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      failures: this.failures,
      nextRetryAt: this.retryAt ? new Date(this.retryAt).toISOString() : null,
      lastProjectedAt: this.lastProjectedAt,
      projected: { ...this.projectedTotals },
      lastDrain: this.lastDrain,
    };
  }
}

// The Ingestor's notification outbox (its own SQLite storage). After each commit to D1 (a projection
// batch, an operator action, the cron's tick), the outbox reads what D1 now holds past its cursors
// (incident updates by rowid, component status changes and notices by id) and stores one `event` message per
// change together with the moved cursors, in one storage transaction: a change is in the outbox or
// still ahead of the cursor, never lost. Then it sends the outbox to the queue and deletes what was
// sent; a failed send stays and is retried on the object's alarm. Notifications thus leave only
// after D1 has the change, once per change (one incident update = one notification, however many
// alerts caused it).

import { changesAfter, currentCursor } from "../../db/events";
import type { Env } from "../env";
import type { NotifyMessage } from "./messages";

const PAGE = 200;
const SEND_BATCH = 100;
const RETRY_MS = 5_000;

interface Cursor {
  updateRowid: number;
  changeId: number;
  noticeId: number;
}

export class NotifyOutbox {
  private chain: Promise<void> = Promise.resolve();
  private cursorKnown = false;
  /** A run is waiting in the chain: later commits join it instead of queueing one each. */
  private queued = false;
  /** Since the object started: event messages sent to the queue, and failed sends. */
  readonly totals = { sent: 0, sendFailures: 0, lastError: null as string | null };

  /** Its tables (notify_outbox, notify_cursor) are created by the Ingestor's storage migration (worker/ingestor-storage.ts). */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
  ) {}

  get pending(): number {
    return this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM notify_outbox").one().n;
  }

  private cursor(): Cursor | null {
    const row = this.storage.sql
      .exec<{ update_rowid: number; change_id: number; notice_id: number }>("SELECT update_rowid, change_id, notice_id FROM notify_cursor WHERE id = 1")
      .toArray()[0];
    return row ? { updateRowid: row.update_rowid, changeId: row.change_id, noticeId: row.notice_id } : null;
  }

  /**
   * Before the first commit this object makes: a page that never notified starts after what D1
   * already holds (its history is not sent). Awaited before every D1 write; free after the first.
   */
  async ensureCursor(db: D1Database = this.env.DB): Promise<void> {
    if (this.cursorKnown) return;
    if (!this.cursor()) {
      const start = await currentCursor(db);
      this.storage.sql.exec(
        "INSERT OR IGNORE INTO notify_cursor (id, update_rowid, change_id, notice_id) VALUES (1, ?, ?, ?)",
        start.updateRowid,
        start.changeId,
        start.noticeId,
      );
    }
    this.cursorKnown = true;
  }

  /** After a commit: capture what D1 committed, then send the outbox. Never throws; failures retry on the alarm. */
  afterCommit(): Promise<void> {
    if (this.queued) return this.chain;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      try {
        await this.capture();
      } catch (error) {
        this.fail("reading committed changes", error);
      }
      await this.flush();
    });
    return this.chain;
  }

  /**
   * After a write that may have deleted the newest incident updates (a page deleted with its incidents):
   * SQLite gives the next update the rowid of the newest row left plus one, so a cursor left past rows
   * that are gone would pass over the next updates. It is brought back to the newest row left: every row
   * up to it was past the cursor already, and nothing above it exists. Runs in turn with capture, and the
   * caller holds the Ingestor's turn, so no update is written between the delete and this read.
   */
  rewindPastDeleted(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const cursor = this.cursor();
      if (!cursor) return;
      try {
        const { updateRowid } = await currentCursor(this.env.DB);
        if (updateRowid < cursor.updateRowid) this.storage.sql.exec("UPDATE notify_cursor SET update_rowid = ? WHERE id = 1", updateRowid);
      } catch (error) {
        this.fail("reading the newest incident update after a delete", error);
      }
    });
    return this.chain;
  }

  private async capture(): Promise<void> {
    await this.ensureCursor();
    for (;;) {
      const cursor = this.cursor()!;
      const { updates, changes, notices } = await changesAfter(this.env.DB, cursor, PAGE);
      if (!updates.length && !changes.length && !notices.length) return;
      const now = new Date().toISOString();
      const messages: NotifyMessage[] = [
        // Past a draft's rows without telling them: publishing writes its first update again, after the cursor.
        ...updates.filter((u) => u.published).map((u): NotifyMessage => ({ kind: "event", ref: { type: "incident_update", id: u.id } })),
        ...changes.map((c): NotifyMessage => ({ kind: "event", ref: { type: "component_change", id: c.id } })),
        ...notices.map((n): NotifyMessage => ({ kind: "event", ref: { type: "notice", id: n.id } })),
      ];
      const next: Cursor = {
        updateRowid: updates.at(-1)?.rowid ?? cursor.updateRowid,
        changeId: changes.at(-1)?.id ?? cursor.changeId,
        noticeId: notices.at(-1)?.id ?? cursor.noticeId,
      };
      this.storage.transactionSync(() => {
        for (const m of messages) this.storage.sql.exec("INSERT INTO notify_outbox (message, created_at) VALUES (?, ?)", JSON.stringify(m), now);
        this.storage.sql.exec(
          "UPDATE notify_cursor SET update_rowid = ?, change_id = ?, notice_id = ? WHERE id = 1",
          next.updateRowid,
          next.changeId,
          next.noticeId,
        );
      });
      if (updates.length < PAGE && changes.length < PAGE && notices.length < PAGE) return;
    }
  }

  /** Sends the outbox to the queue, oldest first; what was sent is deleted, the rest waits for the alarm. */
  private async flush(): Promise<void> {
    for (;;) {
      const rows = this.storage.sql.exec<{ id: number; message: string }>("SELECT id, message FROM notify_outbox ORDER BY id LIMIT ?", SEND_BATCH).toArray();
      if (!rows.length) return;
      try {
        await this.env.NOTIFY_QUEUE.sendBatch(rows.map((r) => ({ body: JSON.parse(r.message) as NotifyMessage, contentType: "json" as const })));
      } catch (error) {
        this.fail("sending to the notification queue", error);
        return;
      }
      this.storage.sql.exec("DELETE FROM notify_outbox WHERE id <= ?", rows.at(-1)!.id);
      this.totals.sent += rows.length;
    }
  }

  private fail(what: string, error: unknown) {
    this.totals.sendFailures++;
    this.totals.lastError = `${what}: ${String((error as Error)?.message ?? error).slice(0, 300)}`;
    console.error("notification outbox: retrying on the alarm", { error: this.totals.lastError });
    void this.alarmWithin(RETRY_MS);
  }

  /** The object has one alarm: bring it forward, never push a sooner one back. */
  async alarmWithin(ms: number): Promise<void> {
    const at = Date.now() + ms;
    const current = await this.storage.getAlarm();
    if (current === null || current > at) await this.storage.setAlarm(at);
  }
}

// The Ingestor's own SQLite storage, its one schema: the inbox of deliveries not yet in D1
// (ingestor-projection.ts), the notification outbox with its cursors over D1 (notify/outbox.ts), and the
// heartbeats' last signals (heartbeats.ts).
// `schema_version` says which steps an object's storage has had; the constructor applies the rest, in
// order, before the object answers anything. A step never changes once deployed: add the next one.

type Step = (sql: SqlStorage) => void;

const STEPS: Step[] = [
  // 1. The tables as they were before the storage had a version (the steps are idempotent for them).
  (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS inbox (
      seq INTEGER PRIMARY KEY, accepted_at TEXT NOT NULL, bytes INTEGER NOT NULL, purge INTEGER NOT NULL, statements TEXT NOT NULL,
      notify INTEGER NOT NULL DEFAULT 1)`);
    // Inboxes written before the notify column: their rows count as notifying, so none is missed.
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(inbox)").toArray();
    if (!columns.some((c) => c.name === "notify")) sql.exec("ALTER TABLE inbox ADD COLUMN notify INTEGER NOT NULL DEFAULT 1");
    sql.exec("CREATE TABLE IF NOT EXISTS inbox_meta (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS notify_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, message TEXT NOT NULL, created_at TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS notify_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), update_rowid INTEGER NOT NULL, change_id INTEGER NOT NULL)");
  },
  // 2. Failure counts moved to the Limiter's own object (security/limiter.ts).
  (sql) => {
    sql.exec("DROP TABLE IF EXISTS auth_failures");
  },
  // 3. Heartbeats' last signals: a ping writes here, never to D1 (heartbeats.ts).
  (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS heartbeats (
      integration_id TEXT PRIMARY KEY, last_ping_at TEXT, last_signal TEXT, last_success_at TEXT, started_at TEXT)`);
  },
  // 4. The outbox's cursor over D1's incident_notices (maintenance reminders, postmortems published).
  // A cursor that had none starts at 0: the table is new with it, so nothing is skipped and nothing told twice.
  (sql) => {
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(notify_cursor)").toArray();
    if (!columns.some((c) => c.name === "notice_id")) sql.exec("ALTER TABLE notify_cursor ADD COLUMN notice_id INTEGER NOT NULL DEFAULT 0");
  },
  // 5. The pages each delivery changed (JSON ids), whose open tabs are told once it is in D1; older rows (NULL) tell every page.
  (sql) => {
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(inbox)").toArray();
    if (!columns.some((c) => c.name === "pages")) sql.exec("ALTER TABLE inbox ADD COLUMN pages TEXT");
  },
];

/** The schema version this code expects. */
export const INGESTOR_SCHEMA_VERSION = STEPS.length;

/** Applies the steps the storage has not had yet, each with its version, in one transaction each. */
export function migrateIngestorStorage(storage: DurableObjectStorage): number {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
  const at = sql.exec<{ version: number }>("SELECT version FROM schema_version WHERE id = 1").toArray()[0]?.version ?? 0;
  for (let v = at; v < STEPS.length; v++) {
    storage.transactionSync(() => {
      STEPS[v]!(sql);
      sql.exec("INSERT INTO schema_version (id, version) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version", v + 1);
    });
  }
  return Math.max(at, STEPS.length);
}

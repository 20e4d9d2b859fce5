// The heartbeats' last signals, in the Ingestor's own storage (table `heartbeats`, ingestor-storage.ts):
// a ping is one local write and nothing in D1, so a cron job pinging every minute for years costs D1
// nothing until it is late. Lateness and recovery go through the state machine as alerts (ingestor.ts).
import { type HeartbeatRecord, NEW_HEARTBEAT, type HeartbeatSignal as Signal } from "../domain/heartbeat";

interface Row extends Record<string, SqlStorageValue> {
  integration_id: string;
  last_ping_at: string | null;
  last_signal: string | null;
  last_success_at: string | null;
  started_at: string | null;
}

const recordOf = (r: Row): HeartbeatRecord => ({
  lastPingAt: r.last_ping_at,
  lastSignal: r.last_signal as Signal | null,
  lastSuccessAt: r.last_success_at,
  startedAt: r.started_at,
});

export class HeartbeatStore {
  constructor(private readonly sql: SqlStorage) {}

  get(integrationId: string): HeartbeatRecord {
    const row = this.sql.exec<Row>("SELECT * FROM heartbeats WHERE integration_id = ?", integrationId).toArray()[0];
    return row ? recordOf(row) : NEW_HEARTBEAT;
  }

  put(integrationId: string, r: HeartbeatRecord) {
    this.sql.exec(
      `INSERT INTO heartbeats (integration_id, last_ping_at, last_signal, last_success_at, started_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(integration_id) DO UPDATE SET last_ping_at = excluded.last_ping_at, last_signal = excluded.last_signal,
         last_success_at = excluded.last_success_at, started_at = excluded.started_at`,
      integrationId,
      r.lastPingAt,
      r.lastSignal,
      r.lastSuccessAt,
      r.startedAt,
    );
  }

  /** Forgets the heartbeats of integrations that no longer exist. */
  keepOnly(integrationIds: Set<string>) {
    for (const { integration_id } of this.sql.exec<{ integration_id: string }>("SELECT integration_id FROM heartbeats").toArray()) {
      if (!integrationIds.has(integration_id)) this.sql.exec("DELETE FROM heartbeats WHERE integration_id = ?", integration_id);
    }
  }
}

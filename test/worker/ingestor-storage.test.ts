// The Ingestor's storage schema: one versioned migration, applied before any request, idempotent for
// the storage objects had before it was versioned.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Ingestor } from "../../worker/ingestor";
import { INGESTOR_SCHEMA_VERSION, migrateIngestorStorage } from "../../worker/ingestor-storage";

const stub = () => env.INGESTOR.get(env.INGESTOR.idFromName("page")) as DurableObjectStub<Ingestor>;
const tables = (sql: SqlStorage) =>
  sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name")
    .toArray()
    .map((t) => t.name);

describe("the Ingestor's storage schema", () => {
  it("is at the latest version once the object answers, with its tables and none of the Limiter's", async () => {
    await runInDurableObject(stub(), (_, state) => {
      expect(state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version).toBe(INGESTOR_SCHEMA_VERSION);
      expect(tables(state.storage.sql)).toEqual(["heartbeats", "inbox", "inbox_meta", "notify_cursor", "notify_outbox", "schema_version"]);
    });
  });

  it("brings storage from before the version (the limits' table included) up to date, keeping the inbox, and runs no step twice", async () => {
    await runInDurableObject(stub(), (_, state) => {
      const sql = state.storage.sql;
      sql.exec("DELETE FROM schema_version");
      sql.exec("CREATE TABLE auth_failures (kind TEXT, bucket TEXT, window_start INTEGER, failures INTEGER, tripped INTEGER)");
      const meta = sql.exec<{ n: number }>("SELECT count(*) AS n FROM inbox_meta").one().n;
      expect(migrateIngestorStorage(state.storage)).toBe(INGESTOR_SCHEMA_VERSION);
      expect(tables(sql)).not.toContain("auth_failures");
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM inbox_meta").one().n).toBe(meta);
      // At the latest version, nothing runs: a table a step would drop stays.
      sql.exec("CREATE TABLE auth_failures (kind TEXT)");
      expect(migrateIngestorStorage(state.storage)).toBe(INGESTOR_SCHEMA_VERSION);
      expect(tables(sql)).toContain("auth_failures");
      sql.exec("DROP TABLE auth_failures");
    });
  });
});

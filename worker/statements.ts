// Statements as data. An operator's catalog or integration write is built by db/ functions as D1
// prepared statements, and must run in the Ingestor's turn; a prepared statement cannot cross RPC (and
// a closure would make the object call back into its caller). A database that records what each of its
// statements was prepared and bound with turns them back into SQL and parameters for the Ingestor.
import type { SqlStatement } from "../db/sql";

const recorded = new WeakMap<D1PreparedStatement, SqlStatement>();

function record(stmt: D1PreparedStatement, sql: string, params: unknown[]): D1PreparedStatement {
  recorded.set(stmt, { sql, params });
  const bind = stmt.bind;
  stmt.bind = (...values: unknown[]) => record(bind.apply(stmt, values), sql, values);
  return stmt;
}

/** The same database, whose prepared statements can be read back as data (sqlOfStatement). */
export function recordingDatabase(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => record(target.prepare(sql), sql, []);
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A statement prepared on a recording database, as SQL and parameters; throws for any other. */
export function sqlOfStatement(stmt: D1PreparedStatement): SqlStatement {
  const found = recorded.get(stmt);
  if (!found) throw new Error("this statement was not prepared on a recording database (recordingDatabase)");
  return found;
}

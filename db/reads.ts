// Reads that go to D1 together: each names its statements and what to make of their results, and
// readAll sends every statement of every read as one batch, one round trip, however many reads a page
// needs.

export interface Read<T> {
  statements: D1PreparedStatement[];
  result(results: D1Result[]): T | Promise<T>;
}

type Results<R> = { [K in keyof R]: R[K] extends Read<infer T> ? T : never };

export async function readAll<R extends Record<string, Read<unknown>>>(db: D1Database, reads: R): Promise<Results<R>> {
  const entries = Object.entries(reads);
  const all = await db.batch(entries.flatMap(([, r]) => r.statements));
  const out: Record<string, unknown> = {};
  let at = 0;
  for (const [key, read] of entries) {
    out[key] = await read.result(all.slice(at, at + read.statements.length));
    at += read.statements.length;
  }
  return out as Results<R>;
}

/** One read on its own: one round trip. */
export const readOne = async <T>(db: D1Database, read: Read<T>): Promise<T> => (await readAll(db, { read })).read as T;

/** A result's rows, typed by the read that made the statement. */
export const rowsOf = <T>(result: D1Result | undefined): T[] => (result?.results ?? []) as T[];

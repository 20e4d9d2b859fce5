// Admin sign-in sessions: stored by the hash of their cookie (worker/auth.ts), revoked rather than deleted
// so a stolen cookie stays dead; expired ones go with the retention cron (db/retention.ts).
import { and, eq, gt, isNull } from "drizzle-orm";
import { orm, statement } from "./orm";
import { adminSessions } from "./schema";

export const insertSession = (db: D1Database, s: { id: string; actor: string; csrf: string; createdAt: string; expiresAt: string }) =>
  orm(db).insert(adminSessions).values(s).run();

/** The session with this id, if it is unexpired at `now` and was not revoked. */
export const liveSession = (db: D1Database, id: string, now: string) =>
  orm(db)
    .select({ id: adminSessions.id, actor: adminSessions.actor, csrf: adminSessions.csrf, expiresAt: adminSessions.expiresAt })
    .from(adminSessions)
    .where(and(eq(adminSessions.id, id), isNull(adminSessions.revokedAt), gt(adminSessions.expiresAt, now)))
    .get();

/** The statement that revokes one session, or with `everywhere` every session still open. */
export function revokeSessions(db: D1Database, which: { id: string } | "everywhere", now: string): D1PreparedStatement {
  const open = isNull(adminSessions.revokedAt);
  const where = which === "everywhere" ? and(open, gt(adminSessions.expiresAt, now)) : and(eq(adminSessions.id, which.id), open);
  return statement(db, orm(db).update(adminSessions).set({ revokedAt: now }).where(where));
}

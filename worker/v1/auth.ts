// Who may call the management API (/v1), on which page, and how often. Statuspage's scheme: the key in
// `Authorization: OAuth <key>`, or in `?api_key=`. Keys are the operators' API keys (db/keys.ts: created
// in admin, shown once, stored hashed, limited to some pages or not, revocable). A wrong key counts
// against the same failure limit as a wrong admin bearer token; a right one spends from its own rate
// (1 request a second with bursts, security/key-rate.ts), answered 420 as Statuspage does.
import type { Context, MiddlewareHandler } from "hono";
import { keyByHash, touchKey } from "../../db/keys";
import { v1PageById } from "../../db/v1";
import { sha256Hex } from "../../domain/ids";
import { rateLimited } from "../auth";
import { HttpError } from "../errors";
import { limiter } from "../security/limiter";
import { type V1Env, v1Error } from "./context";

const KEY = /^[A-Za-z0-9_-]{16,128}$/;

function presentedKey(c: Context<V1Env>): string | null {
  const header = c.req.header("authorization");
  if (header) {
    const m = /^OAuth\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HttpError(401, "Could not authenticate: send `Authorization: OAuth <key>`");
    return m[1]!;
  }
  return c.req.query("api_key") ?? null;
}

export const requireApiKey: MiddlewareHandler<V1Env> = async (c, next) => {
  const key = presentedKey(c);
  if (!key) throw new HttpError(401, "Could not authenticate: send `Authorization: OAuth <key>` or `?api_key=<key>`");
  const row = KEY.test(key) ? await keyByHash(c.env.DB, await sha256Hex(key)) : null;
  const ok = !!row && !row.revokedAt;
  const refused = await rateLimited(c, "bearer", ok, (after) => v1Error(c, 429, `too many failed attempts: retry after ${after} s`));
  if (refused) return refused;
  if (!row || row.revokedAt) throw new HttpError(401, "Could not authenticate: the key is unknown or revoked");
  const spend = await limiter(c.env).spend(`key:${row.id}`);
  if (!spend.allowed) {
    return v1Error(c, 420, `rate limit exceeded: 1 request a second per key; retry after ${spend.retryAfterSeconds} s`, undefined, {
      "Retry-After": String(spend.retryAfterSeconds),
    });
  }
  c.set("actor", `api-key:${row.name}`);
  c.set("pages", row.pages);
  c.executionCtx.waitUntil(
    touchKey(c.env.DB, row.id, new Date().toISOString())
      .run()
      .catch(() => undefined),
  );
  await next();
};

/** `:page_id` as a page of this install the key may touch: 404 when there is no such page, 403 when the key is limited to others. */
export const pageInPath: MiddlewareHandler<V1Env> = async (c, next) => {
  const pageId = c.req.param("page_id") ?? "";
  const page = /^[a-z0-9]{1,40}$/.test(pageId) ? await v1PageById(c.env.DB, pageId) : null;
  if (!page) throw new HttpError(404, `The requested resource could not be found: no page ${JSON.stringify(pageId.slice(0, 40))}`);
  const pages = c.get("pages");
  if (pages && !pages.includes(page.page)) throw new HttpError(403, `You are not authorized to access this resource: this key is not for page ${page.pageId}`);
  c.set("target", page);
  await next();
};

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env";
import { HttpError } from "./errors";
import { sha256Hex } from "./ids";

/** Compares two secrets in time independent of where they differ (hashing first evens the lengths). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x.charCodeAt(i) ^ y.charCodeAt(i);
  return diff === 0;
}

/** `Authorization: Bearer <ADMIN_TOKEN>`, or 401. */
export const requireAdminBearer: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  if (!token) throw new HttpError(401, "ADMIN_TOKEN is not configured on this worker");
  const header = c.req.header("authorization");
  if (!header) throw new HttpError(401, "missing `Authorization: Bearer <ADMIN_TOKEN>` header");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !(await constantTimeEqual(match[1]!, token))) throw new HttpError(401, "invalid bearer token");
  await next();
};

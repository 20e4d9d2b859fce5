// The management API's request context: the key's pages and audit name, the page in the path, and the
// admin context its writes go through (the same actions, Ingestor and audit log as the admin's).
import type { Context } from "hono";
import type { V1Page } from "../../db/v1";
import { type AdminCtx, adminContext } from "../admin/catalog";
import { baseUrl } from "../cache";
import type { Env } from "../env";

export interface V1Env {
  Bindings: Env;
  Variables: {
    /** The key's audit name: `api-key:<name>`. */
    actor: string;
    /** The pages the key may touch; null: every page. */
    pages: number[] | null;
    /** The page in the path, once `pageInPath` found it and the key may touch it. */
    target: V1Page;
  };
}

/** Statuspage's error shape (`error`), the published document's (`message`), and the field when one is to blame. */
export const v1Error = (c: Context, status: number, message: string, field?: string, headers?: Record<string, string>) =>
  c.json({ error: message, message, ...(field ? { field } : {}) }, status as 400, headers);

/** The admin's context for a write made through /v1, as the key's actor. */
export const v1Ctx = (c: Context<V1Env>): AdminCtx => adminContext(c.env, c.get("actor"), baseUrl(c), c.get("target")?.page ?? 1);

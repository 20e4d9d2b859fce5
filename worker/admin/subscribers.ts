// Operators' side of the subscribers: list, add (confirmed at once, created_by 'operator'),
// remove, and export as CSV, as JSON under /admin/api. Mounted by worker/routes/admin.ts (behind the
// bearer token or Access); the admin UI's page, worker/routes/admin-subscribers-ui.tsx, shares the list
// query and the CSV, behind the session and its CSRF check. These handlers only parse and answer.
import { type Context, Hono } from "hono";
import { findById, listSubscribers, type SubscriberState } from "../../db/subscribers";
import { DEFAULT_LANGUAGE } from "../../i18n";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";
import { subscriptionCreate } from "../subscriptions/schemas";
import { addSubscriber, checkChoices, removeSubscriber, subscriberJson } from "../subscriptions/subscribe";
import { json, paramId } from "../validate";
import { toCsv } from "./csv";

const STATES = ["confirmed", "pending"] as const;
const MAX_PAGE = 1000;

export function listQuery(c: Context<AdminEnv>): { limit: number; after?: string; state?: SubscriberState } {
  const { limit: rawLimit, after, status } = c.req.query();
  const limit = rawLimit === undefined ? 500 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new HttpError(400, `\`limit\` must be an integer from 1 to ${MAX_PAGE}`, "limit");
  if (after !== undefined && !/^[a-z0-9]{12}$/.test(after)) throw new HttpError(400, "`after` must be a subscriber id", "after");
  if (status !== undefined && !(STATES as readonly string[]).includes(status)) throw new HttpError(400, "`status` must be one of confirmed, pending", "status");
  return { limit, after, state: status as SubscriberState | undefined };
}

export const subscriberId = paramId("subscriber");

const CSV_HEADER = ["id", "email", "webhook_url", "component_ids", "language", "status", "created_by", "created_at", "confirmed_at"] as const;

/** Every subscriber, a page of MAX_PAGE at a time, as the CSV's rows. */
async function csvRows(db: D1Database, page: number): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (let after: string | undefined; ; ) {
    const batch = await listSubscribers(db, { limit: MAX_PAGE, after, page });
    for (const s of batch.map(subscriberJson)) {
      out.push([s.id, s.email, s.webhook_url, s.component_ids?.join(" ") ?? "", s.language, s.status, s.created_by, s.created_at, s.confirmed_at]);
    }
    if (batch.length < MAX_PAGE) return out;
    after = batch[batch.length - 1]!.id;
  }
}

// ── /admin/api ──────────────────────────────────────────────────────────────

export const subscribersApi = new Hono<AdminEnv>();

/** `{items, next_after}`: pass `next_after` as `after` for the next page (null: that was the last). */
subscribersApi.get("/subscribers", async (c) => {
  const query = listQuery(c);
  const rows = await listSubscribers(c.env.DB, { ...query, page: c.get("page") });
  return c.json({ items: rows.map(subscriberJson), next_after: rows.length === query.limit ? rows[rows.length - 1]!.id : null });
});

export async function csvExport(c: Context<AdminEnv>) {
  const day = new Date().toISOString().slice(0, 10);
  return c.body(toCsv(CSV_HEADER, await csvRows(c.env.DB, c.get("page"))), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="subscribers-${day}.csv"`,
  });
}

subscribersApi.get("/subscribers.csv", csvExport);

subscribersApi.post("/subscribers", ...json(subscriptionCreate.strict()), async (c) => {
  const body = c.req.valid("json");
  const choices = await checkChoices(c.env, body, c.get("page"));
  return c.json(await addSubscriber(c.env, c.get("actor"), choices, body.language ?? DEFAULT_LANGUAGE), 201);
});

/** 404 for another page's subscriber, as if there were none on this page. */
export async function subscriberOnPage(db: D1Database, id: string, page: number) {
  const found = await findById(db, id);
  if (found && found.page !== page) throw new HttpError(404, `no such subscriber on this page: ${JSON.stringify(id)}`);
}

subscribersApi.delete("/subscribers/:id", subscriberId, async (c) => {
  await subscriberOnPage(c.env.DB, c.req.valid("param").id, c.get("page"));
  await removeSubscriber(c.env, c.get("actor"), c.req.valid("param").id);
  return c.body(null, 204);
});

// Operators' side of the subscribers (issue 15): list, add (confirmed at once, created_by 'operator'),
// remove, and export as CSV, as JSON under /admin/api and as a page of the admin UI. Mounted by
// worker/routes/admin.ts (behind the bearer token or Access) and worker/admin/ui.tsx (behind the session
// and its CSRF check), so these handlers only parse and answer.
import { type Context, Hono } from "hono";
import { getComponents, getPage } from "../../db/queries";
import { countSubscribers, listSubscribers, type SubscriberState } from "../../db/subscribers";
import { DEFAULT_LANGUAGE } from "../../site/src/i18n";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";
import { subscriptionCreate } from "../subscriptions/schemas";
import { addSubscriber, checkChoices, removeSubscriber, subscriberJson } from "../subscriptions/subscribe";
import { json, paramId, validate } from "../validate";
import { toCsv } from "./csv";
import { page } from "./layout";
import { SubscribersPage } from "./views-subscribers";

const STATES = ["confirmed", "pending"] as const;
const MAX_PAGE = 1000;

function listQuery(c: Context<AdminEnv>): { limit: number; after?: string; state?: SubscriberState } {
  const { limit: rawLimit, after, status } = c.req.query();
  const limit = rawLimit === undefined ? 500 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new HttpError(400, `\`limit\` must be an integer from 1 to ${MAX_PAGE}`, "limit");
  if (after !== undefined && !/^[a-z0-9]{12}$/.test(after)) throw new HttpError(400, "`after` must be a subscriber id", "after");
  if (status !== undefined && !(STATES as readonly string[]).includes(status)) throw new HttpError(400, "`status` must be one of confirmed, pending", "status");
  return { limit, after, state: status as SubscriberState | undefined };
}

const subscriberId = paramId("subscriber");

const CSV_HEADER = ["id", "email", "webhook_url", "component_ids", "language", "status", "created_by", "created_at", "confirmed_at"] as const;

/** Every subscriber, a page of MAX_PAGE at a time, as the CSV's rows. */
async function csvRows(db: D1Database): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (let after: string | undefined; ; ) {
    const batch = await listSubscribers(db, { limit: MAX_PAGE, after });
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
  const rows = await listSubscribers(c.env.DB, query);
  return c.json({ items: rows.map(subscriberJson), next_after: rows.length === query.limit ? rows[rows.length - 1]!.id : null });
});

async function csvExport(c: Context<AdminEnv>) {
  const day = new Date().toISOString().slice(0, 10);
  return c.body(toCsv(CSV_HEADER, await csvRows(c.env.DB)), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="subscribers-${day}.csv"`,
  });
}

subscribersApi.get("/subscribers.csv", csvExport);

subscribersApi.post("/subscribers", ...json(subscriptionCreate), async (c) => {
  const body = c.req.valid("json");
  const choices = await checkChoices(c.env, body);
  return c.json(await addSubscriber(c.env, c.get("actor"), choices, body.language ?? DEFAULT_LANGUAGE), 201);
});

subscribersApi.delete("/subscribers/:id", subscriberId, async (c) => {
  await removeSubscriber(c.env, c.get("actor"), c.req.valid("param").id);
  return c.body(null, 204);
});

// ── The admin UI page ───────────────────────────────────────────────────────

export const subscribersUi = new Hono<AdminEnv>();

/** What a form reports after its redirect (`?ok=<code>`): a code from this table, never free text. */
const FLASH = { added: "Subscriber added, confirmed.", removed: "Subscriber removed." } as const;

async function showPage(c: Context<AdminEnv>, status: 200 | 400 | 404 | 409 = 200, error?: string) {
  const db = c.env.DB;
  const { id: pageId } = await getPage(db, new URL(c.req.url).origin);
  const [components, counts, list] = await Promise.all([getComponents(db, pageId), countSubscribers(db), listSubscribers(db, listQuery(c))]);
  const code = c.req.query("ok") ?? "";
  return page(
    c,
    <SubscribersPage
      actor={c.get("actor")}
      flash={{ ok: Object.hasOwn(FLASH, code) ? FLASH[code as keyof typeof FLASH] : undefined, error }}
      subscribers={list.map(subscriberJson)}
      counts={counts}
      components={components.filter((x) => !x.group).map((x) => ({ id: x.id, name: x.name }))}
    />,
    status,
  );
}

subscribersUi.get("/subscribers", (c) => showPage(c));
subscribersUi.get("/subscribers.csv", csvExport);

/** A form's outcome: back to the list with its code, or the list again with the error it hit. */
async function act(c: Context<AdminEnv>, run: (form: Record<string, string | File | (string | File)[]>) => Promise<keyof typeof FLASH>) {
  try {
    const code = await run(await c.req.parseBody({ all: true }));
    return c.redirect(`/admin/subscribers?ok=${code}`, 303);
  } catch (err) {
    if (err instanceof HttpError && (err.status === 400 || err.status === 404 || err.status === 409)) return showPage(c, err.status, err.message);
    throw err;
  }
}

subscribersUi.post("/subscribers", (c) =>
  act(c, async (form) => {
    const text = (k: string) => [form[k] ?? []].flat().filter((v): v is string => typeof v === "string");
    const body = validate(subscriptionCreate, {
      email: text("email")[0] ?? "",
      webhook_url: text("webhook_url")[0]?.trim() || undefined,
      component_ids: text("component_ids"),
      language: text("language")[0] || undefined,
    });
    await addSubscriber(c.env, c.get("actor"), await checkChoices(c.env, body), body.language ?? DEFAULT_LANGUAGE);
    return "added";
  }),
);

subscribersUi.post("/subscribers/:id/delete", subscriberId, (c) =>
  act(c, async () => {
    await removeSubscriber(c.env, c.get("actor"), c.req.valid("param").id);
    return "removed";
  }),
);

// /v1/pages/:page_id/subscribers: Statuspage's subscriber calls over the page's own subscriptions
// (worker/subscriptions/subscribe.ts). A subscriber made here gets the confirmation email a reader
// gets (the double opt-in), or, with `skip_confirmation_notification`, is confirmed at once as one an
// operator adds in admin. Deleting is unsubscribing.
import { type Context, Hono } from "hono";
import { z } from "zod";
import { readPageSettings } from "../../../db/settings";
import type { Subscriber } from "../../../db/subscribers";
import { listV1Subscribers, subscriberOnPage, unconfirmedOnPage } from "../../../db/v1";
import { isLanguage, type Language } from "../../../i18n";
import { HttpError } from "../../errors";
import { sendEmail } from "../../notify/email";
import { confirmationEmail } from "../../subscriptions/confirmation";
import { addSubscriber, checkChoices, removeSubscriber, requestSubscription } from "../../subscriptions/subscribe";
import { type V1Env, v1Ctx } from "../../v1/context";
import { resendConfirmation, subscriberCreate } from "../../v1/schemas";
import { v1Subscriber } from "../../v1/shapes";
import { json, oneOf, query } from "../../validate";

export const subscribers = new Hono<V1Env>();

const MAX_PER_PAGE = 100;
const listQuery = z.object({
  q: z.string().max(200).optional(),
  type: oneOf(["email", "webhook", "sms", "integration_partner"]),
  state: oneOf(["active", "unconfirmed", "quarantined", "all"], "active"),
  limit: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : MAX_PER_PAGE))
    .refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_PER_PAGE, `must be an integer from 1 to ${MAX_PER_PAGE}`),
  page: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : 1))
    .refine((n) => Number.isInteger(n) && n >= 0 && n <= 100_000, "must be a page number from 1"),
  sort_field: oneOf(["primary", "created_at"]),
  sort_direction: oneOf(["asc"]),
});

subscribers.get("/subscribers", query(listQuery), async (c) => {
  const q = c.req.valid("query");
  // No SMS nor integration partners here: those lists are empty.
  if (q.type === "sms" || q.type === "integration_partner") return c.json([]);
  const rows = await listV1Subscribers(c.env.DB, c.get("target").page, {
    q: q.q,
    type: q.type ?? "all",
    state: q.state,
    limit: q.limit,
    offset: (Math.max(1, q.page) - 1) * q.limit,
  });
  return c.json(rows.map(v1Subscriber));
});

async function found(c: Context<V1Env>, id: string): Promise<Subscriber> {
  const s = /^[a-z0-9]{12}$/.test(id) ? await subscriberOnPage(c.env.DB, c.get("target").page, id) : null;
  if (!s) throw new HttpError(404, `The requested resource could not be found: no subscriber ${JSON.stringify(id.slice(0, 40))}`);
  return s;
}

subscribers.get("/subscribers/:id", async (c) => c.json(v1Subscriber(await found(c, c.req.param("id")))));

async function pageLanguage(c: Context<V1Env>): Promise<Language> {
  const language = (await readPageSettings(c.env.DB, c.get("target").page)).language;
  return isLanguage(language) ? language : "en";
}

async function sendConfirmation(c: Context<V1Env>, s: Subscriber) {
  const settings = await readPageSettings(c.env.DB, c.get("target").page);
  const mail = confirmationEmail({
    to: s.email,
    pageName: settings.name,
    lang: isLanguage(s.language) ? s.language : "en",
    base: v1Ctx(c).base,
    token: s.token,
  });
  await sendEmail(c.env, mail).catch((err: unknown) => console.error("confirmation email failed", { subscriber: s.id, error: String(err) }));
}

subscribers.post("/subscribers", ...json(subscriberCreate), async (c) => {
  const body = c.req.valid("json").subscriber;
  if (!body.email) throw new HttpError(400, "`subscriber.email` is required (a webhook subscriber gives one too, for its notices)", "subscriber.email");
  const page = c.get("target").page;
  if (body.component_ids?.length) {
    const { results } = await c.env.DB.prepare("SELECT id FROM components WHERE page = ?1 AND id IN (SELECT value FROM json_each(?2))")
      .bind(page, JSON.stringify(body.component_ids))
      .all<{ id: string }>();
    const known = new Set(results.map((r) => r.id));
    const at = body.component_ids.findIndex((id) => !known.has(id));
    if (at >= 0) throw new HttpError(400, `\`subscriber.component_ids[${at}]\` is not a component of this page`, `subscriber.component_ids[${at}]`);
  }
  const choices = await checkChoices(c.env, { email: body.email, webhook_url: body.endpoint || null, component_ids: body.component_ids }, page);
  const language = await pageLanguage(c);
  if (body.skip_confirmation_notification) {
    const made = await addSubscriber(c.env, c.get("actor"), choices, language);
    return c.json(v1Subscriber((await subscriberOnPage(c.env.DB, page, made.id))!), 201);
  }
  const { outcome, confirm } = await requestSubscription(c.env.DB, choices, language);
  if (outcome === "confirmed") throw new HttpError(409, "this subscriber exists already and is confirmed", "subscriber.email");
  if (confirm) await sendConfirmation(c, confirm);
  const { results } = await c.env.DB.prepare("SELECT id FROM subscribers WHERE page = ?1 AND email = ?2 AND coalesce(webhook_url, '') = ?3")
    .bind(page, choices.email, choices.webhookUrl ?? "")
    .all<{ id: string }>();
  return c.json(v1Subscriber(await found(c, results[0]?.id ?? "")), 201);
});

// Statuspage answers an unsubscribe with the subscriber as it was.
subscribers.delete("/subscribers/:id", async (c) => {
  const s = await found(c, c.req.param("id"));
  await removeSubscriber(c.env, c.get("actor"), s.id);
  return c.json(v1Subscriber(s));
});

/** Statuspage answers 201 with no body; only unconfirmed subscribers are sent the email again. */
subscribers.post("/subscribers/:id/resend_confirmation", async (c) => {
  const s = await found(c, c.req.param("id"));
  if (!s.confirmedAt) await sendConfirmation(c, s);
  return c.body(null, 201);
});

subscribers.post("/subscribers/resend_confirmation", ...json(resendConfirmation), async (c) => {
  const which = c.req.valid("json").subscribers;
  const pending = await unconfirmedOnPage(c.env.DB, c.get("target").page, which === "all" ? "all" : which.split(","));
  for (const s of pending) await sendConfirmation(c, s);
  return c.body(null, 201);
});

// Subscribing, for the public (double opt-in) and for operators (confirmed at once). The route parses and
// answers; this decides what is written and whether a confirmation email goes out.
//
// No enumeration: the public answer is the same whether the address was new, pending or confirmed, and
// comes before any of this runs (the route does it in waitUntil), so its timing says nothing either. At
// most one confirmation email goes to an ADDRESS per RESEND_AFTER_MS, whatever else the requests carry
// (webhook URLs, components, languages, client addresses): a request inside that time writes nothing. A
// confirmed subscription gets nothing and is not changed (its owner changes it from their manage link).
// One address holds at most MAX_WEBHOOKS_PER_EMAIL webhook subscriptions, pending or confirmed, so one
// mailbox cannot point the page's notifications at an unbounded number of URLs.

import { audit } from "../../db/audit";
import {
  componentCount,
  deleteById,
  existingComponentIds,
  findById,
  findByPair,
  insertPublicSubscriber,
  insertSubscriber,
  type NewSubscriber,
  renewPending,
  type Subscriber,
  statement,
} from "../../db/subscribers";
import { newId, nowIso } from "../../domain/ids";
import type { Language } from "../../i18n";
import { randomToken } from "../auth";
import type { Env } from "../env";
import { HttpError } from "../errors";
import { checkOutboundTarget } from "../notify/outbound";
import type { SubscriptionCreate } from "./schemas";

/** An address that was sent a confirmation gets no other within this time. */
export const RESEND_AFTER_MS = 15 * 60 * 1000;
/** Webhook subscriptions one email address may hold. */
export const MAX_WEBHOOKS_PER_EMAIL = 5;
/** Subscriptions not confirmed within this many days are deleted by the cron. */
export const UNCONFIRMED_TTL_DAYS = 7;

export interface Choices {
  /** The page subscribed to (the one the reader subscribed from). */
  page: number;
  email: string;
  webhookUrl: string | null;
  componentIds: string[] | null;
}

/** The webhook must be a public https URL, the components must exist on the page; a 400 naming the field otherwise. */
export async function checkChoices(env: Env, body: Pick<SubscriptionCreate, "email" | "webhook_url" | "component_ids">, page = 1): Promise<Choices> {
  const webhookUrl = body.webhook_url ? body.webhook_url : null;
  if (webhookUrl) await checkOutboundTarget(env, webhookUrl, "webhook_url");
  return { page, email: body.email, webhookUrl, componentIds: await checkComponents(env.DB, body.component_ids, page) };
}

/** Known component ids of the page, without repeats; none given is null (every component). */
export async function checkComponents(db: D1Database, ids: string[] | null | undefined, page = 1): Promise<string[] | null> {
  const unique = [...new Set(ids ?? [])];
  if (!unique.length) return null;
  const held = await componentCount(db, page);
  if (unique.length > held) throw new HttpError(400, `\`component_ids\` names ${unique.length} components; this page has ${held}`, "component_ids");
  const known = await existingComponentIds(db, unique, page);
  const at = (ids ?? []).findIndex((id) => !known.has(id));
  if (at >= 0) throw new HttpError(400, `\`component_ids[${at}]\` is not a component of this page`, `component_ids[${at}]`);
  return unique;
}

export type RequestOutcome = "created" | "renewed" | "pending" | "confirmed";

/**
 * A reader asks to subscribe. Returns the subscriber to send the confirmation email to (null: none is
 * due) and what happened, which only tests and logs see.
 */
export async function requestSubscription(
  db: D1Database,
  choices: Choices,
  language: Language,
  now = new Date(),
): Promise<{ outcome: RequestOutcome; confirm: Subscriber | null }> {
  const at = nowIso(now);
  const quietSince = nowIso(new Date(now.getTime() - RESEND_AFTER_MS));
  const existing = await findByPair(db, choices.email, choices.webhookUrl, choices.page);
  if (!existing) {
    const row = await insertPublicSubscriber(db, newSubscriber(choices, language, "public", at), { quietSince, maxWebhooks: MAX_WEBHOOKS_PER_EMAIL });
    // Nothing inserted: the address had a confirmation within RESEND_AFTER_MS (a parallel request's
    // included), or holds its most webhook subscriptions already.
    return row ? { outcome: "created", confirm: row } : { outcome: "pending", confirm: null };
  }
  if (existing.confirmedAt) return { outcome: "confirmed", confirm: null };
  const renewed = await renewPending(
    db,
    existing.id,
    { componentIds: choices.componentIds, language, createdAt: at },
    { email: choices.email, since: quietSince },
  );
  return renewed ? { outcome: "renewed", confirm: renewed } : { outcome: "pending", confirm: null };
}

function newSubscriber(choices: Choices, language: string, createdBy: "public" | "operator", at: string): NewSubscriber {
  return {
    id: newId(),
    page: choices.page,
    email: choices.email,
    webhookUrl: choices.webhookUrl,
    componentIds: choices.componentIds,
    language,
    token: randomToken(),
    createdBy,
    createdAt: at,
    confirmedAt: createdBy === "operator" ? at : null,
  };
}

/** What operators see of a subscriber: everything but the token (the subscriber's own key). */
export function subscriberJson(s: NewSubscriber) {
  return {
    id: s.id,
    email: s.email,
    webhook_url: s.webhookUrl,
    component_ids: s.componentIds,
    language: s.language,
    status: s.confirmedAt ? ("confirmed" as const) : ("pending" as const),
    confirmed_at: s.confirmedAt,
    created_by: s.createdBy,
    created_at: s.createdAt,
    /** A webhook whose deliveries all failed since then (null: the last one arrived). */
    failing_since: s.failingSince ?? null,
    /** Turned off after a day of failures: nothing is sent to it any more. */
    disabled_at: s.disabledAt ?? null,
  };
}
export type SubscriberJson = ReturnType<typeof subscriberJson>;

/** An operator adds a subscriber: confirmed at once, written with its audit row; 409 if the pair exists. */
export async function addSubscriber(env: Env, actor: string, choices: Choices, language: Language): Promise<SubscriberJson> {
  const taken = () => new HttpError(409, `a subscriber with this \`email\`${choices.webhookUrl ? " and `webhook_url`" : ""} exists already`, "email");
  if (await findByPair(env.DB, choices.email, choices.webhookUrl, choices.page)) throw taken();
  const row = newSubscriber(choices, language, "operator", nowIso());
  const json = subscriberJson(row);
  const [inserted] = await env.DB.batch([
    statement(env.DB, insertSubscriber(env.DB, row)),
    audit(env.DB, actor, "subscriber.create", "subscriber", row.id, null, json),
  ]);
  // (A parallel add of the same pair between the check and the batch: the UNIQUE index kept one row.)
  if (!inserted!.meta.changes) throw taken();
  return json;
}

/** An operator removes a subscriber, with its audit row; 404 when there is none. */
export async function removeSubscriber(env: Env, actor: string, id: string): Promise<void> {
  const found = await findById(env.DB, id);
  if (!found) throw new HttpError(404, `no such subscriber: ${JSON.stringify(id)}`);
  await env.DB.batch([statement(env.DB, deleteById(env.DB, id)), audit(env.DB, actor, "subscriber.delete", "subscriber", id, subscriberJson(found), null)]);
}

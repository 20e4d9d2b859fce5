// The queue consumer (the worker's `queue` handler) for status-notifications and its dead-letter queue.
// - `event`: the fan-out. Channels hearing of it and the first page of subscribers become one
//   `deliver` message each (sendBatch); a full page continues as a new `event` message after it.
// - `deliver`: claims its idempotency key in D1, sends, records the outcome. Failures retry with
//   exponential backoff; after the last try the queue moves the message to the dead-letter queue,
//   whose consumer marks it failed in the log. A recipient gone (unsubscribed, channel deleted) gets nothing.
import { channelsFor, recipientsByIds, subscribersFor } from "../../db/channels";
import { claim, markFailed, type NewNotification, type Outcome, record, statusesOf } from "../../db/notifications";
import type { Channel, Subscriber } from "../../db/schema";
import { recordWebhookOutcomes } from "../../db/subscribers";
import { newId } from "../../domain/ids";
import { isLanguage, type Language } from "../../i18n";
import { config } from "../config";
import type { Env } from "../env";
import { isPrivate, readerSettings } from "../reader-settings";
import { webhookDisabledEmail } from "../subscriptions/confirmation";
import { sendEmail } from "./email";
import { DEFAULT_GROUPS, groupOf, type NotifyEvent } from "./events";
import type { Links } from "./formats";
import { manageUrl, notifyBaseUrl, pageBaseUrl, unsubscribeUrl } from "./links";
import { loadEvent } from "./load";
import type { NotifyMessage, Recipient } from "./messages";
import { type Destination, maskTarget, send } from "./send";

export const DEAD_LETTER_QUEUE = "status-notifications-dlq";
/** As wrangler.toml's max_retries: tries beyond it go to the dead-letter queue. */
export const MAX_RETRIES = 5;
/** Subscribers read per fan-out step (50 sendBatch calls of 100). */
export const FANOUT_PAGE = 5000;
/** Sends in flight at once within one consumer invocation. */
export const SEND_CONCURRENCY = 32;
/** sendBatch's limits: 100 messages, 256 KB. */
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 200_000;

/** Seconds before try n+1: 2, 4, 8, 16, 32 … up to 5 minutes. */
export const backoffSeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));

export async function handleQueue(batch: MessageBatch<NotifyMessage>, env: Env): Promise<void> {
  // Benchmarks only: one line per invocation, counted by bench/notify.mjs.
  if (config(env).bench.countD1) console.warn(`notify-invocation ${batch.queue} ${batch.messages.length}`);
  if (batch.queue === DEAD_LETTER_QUEUE) return deadLetters(batch, env);
  const deliveries: Message<NotifyMessage>[] = [];
  for (const msg of batch.messages) {
    if (msg.body.kind === "deliver") {
      deliveries.push(msg);
      continue;
    }
    try {
      await fanOut(env, msg.body);
      msg.ack();
    } catch (error) {
      console.error("notification fan-out failed; retrying", { error: String((error as Error)?.message ?? error), attempts: msg.attempts });
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
  }
  if (deliveries.length) await deliverAll(env, deliveries);
}

/** One event into per-recipient messages: channels with the first page, then subscribers a page at a time. */
export async function fanOut(env: Env, body: Extract<NotifyMessage, { kind: "event" }>): Promise<number> {
  const event = body.event ?? (await loadEvent(env.DB, notifyBaseUrl(env), body.ref));
  if (!event) return 0; // deleted since: nothing to tell
  const group = groupOf(event.type);
  const out: NotifyMessage[] = [];
  if (!body.after) {
    for (const c of await channelsFor(env.DB, group, event.componentIds, DEFAULT_GROUPS, event.pageNumber ?? 1))
      out.push({ kind: "deliver", event, recipient: { type: "channel", id: c.id } });
  }
  // A private page tells no subscriber (its operators' channels still hear). Component status changes
  // reach webhook subscribers only (Statuspage's component_update).
  const page = (await isPrivate(env.DB, event.pageNumber ?? 1))
    ? []
    : await subscribersFor(env.DB, event.componentIds, {
        page: event.pageNumber ?? 1,
        webhookOnly: group === "component",
        after: body.after,
        limit: FANOUT_PAGE,
      });
  for (const s of page) out.push({ kind: "deliver", event, recipient: { type: "subscriber", id: s.id } });
  if (page.length === FANOUT_PAGE) out.push({ kind: "event", ref: body.ref, after: page.at(-1)!.id, event });
  await sendAll(env.NOTIFY_QUEUE, out);
  return out.length;
}

/** sendBatch within its limits (100 messages, 256 KB), a few calls at a time. */
export async function sendAll(queue: Queue<NotifyMessage>, messages: NotifyMessage[]): Promise<void> {
  const chunks: MessageSendRequest<NotifyMessage>[][] = [];
  let chunk: MessageSendRequest<NotifyMessage>[] = [];
  let bytes = 0;
  for (const body of messages) {
    const size = JSON.stringify(body).length + 100;
    if (chunk.length && (chunk.length >= BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push({ body, contentType: "json" });
    bytes += size;
  }
  if (chunk.length) chunks.push(chunk);
  await pooled(chunks, 4, (c) => queue.sendBatch(c));
}

export const idempotencyKey = (eventId: string, recipient: Recipient) => `${eventId}:${recipient.id}`;

interface Planned {
  msg: Message<NotifyMessage>;
  key: string;
  event: NotifyEvent;
  destination: Destination;
  links: Links;
  lang: Language;
  subscriber: boolean;
  row: NewNotification;
  recipientId: string;
  /** A subscriber webhook's failing streak, as read with the batch. */
  failingSince: string | null;
}

/** Where a recipient's notifications go, and the links they carry. */
export function plan(
  env: Env,
  event: NotifyEvent,
  recipient: Channel | Subscriber,
  type: Recipient["type"],
): Omit<Planned, "msg" | "row" | "key" | "recipientId" | "failingSince"> {
  // The event's page's own links (its host name or prefix): a token opens its subscriber on that page only.
  const base = event.base ?? notifyBaseUrl(env);
  const view = event.incident?.shortlink ?? `${base}/`;
  if (type === "subscriber") {
    const s = recipient as Subscriber;
    return {
      event,
      destination: s.webhookUrl ? { kind: "webhook", url: s.webhookUrl, secret: null } : { kind: "email", to: s.email },
      links: { view, unsubscribe: unsubscribeUrl(base, s.token), manage: manageUrl(base, s.token) },
      lang: isLanguage(s.language) ? s.language : "en",
      subscriber: true,
    };
  }
  const c = recipient as Channel;
  return {
    event,
    destination: destinationOf(c),
    links: { view, unsubscribe: `${base}/admin/channels`, manage: null },
    lang: "en",
    subscriber: false,
  };
}

export function destinationOf(c: Channel): Destination {
  switch (c.kind) {
    case "webhook":
      return { kind: "webhook", url: c.target, secret: c.secret };
    case "datadog":
      return { kind: "datadog", apiUrl: c.target, apiKey: c.secret ?? "" };
    case "email":
      return { kind: "email", to: c.target };
    default:
      return { kind: c.kind, url: c.target };
  }
}

export function logRow(key: string, event: NotifyEvent, recipient: Recipient, destination: Destination, now: string): NewNotification {
  return {
    id: newId(),
    idempotencyKey: key,
    eventId: event.id,
    eventType: event.type,
    incidentId: event.incident?.id ?? null,
    componentId: event.component?.id ?? null,
    recipientType: recipient.type,
    recipientId: recipient.id,
    channelKind: destination.kind,
    target: maskTarget(destination),
    createdAt: now,
  };
}

/**
 * A batch of `deliver` messages: the recipients and the page's visibility read side by side, every
 * claim in one statement, up to 32 sends in flight, every outcome in one statement.
 */
async function deliverAll(env: Env, msgs: Message<NotifyMessage>[]): Promise<void> {
  const now = new Date();
  let planned: Planned[];
  let claimed: Set<string>;
  try {
    const bodies = msgs.map((m) => m.body as Extract<NotifyMessage, { kind: "deliver" }>);
    const subscriberIds = [...new Set(bodies.filter((b) => b.recipient.type === "subscriber").map((b) => b.recipient.id))];
    const [found, pagePrivate] = await Promise.all([
      recipientsByIds(env.DB, [...new Set(bodies.filter((b) => b.recipient.type === "channel").map((b) => b.recipient.id))], subscriberIds),
      subscriberIds.length ? isPrivate(env.DB) : false,
    ]);
    const channels = new Map(found.channels.map((c) => [c.id, c]));
    // The page went private since the fan-out: its subscribers hear nothing more.
    const subscribers = new Map(pagePrivate ? [] : found.subscribers.map((s) => [s.id, s]));
    planned = [];
    for (const msg of msgs) {
      const { event, recipient } = msg.body as Extract<NotifyMessage, { kind: "deliver" }>;
      const r = recipient.type === "channel" ? channels.get(recipient.id) : subscribers.get(recipient.id);
      // Gone (unsubscribed, deleted), not confirmed, or a webhook disabled for failing: nothing is sent, ever.
      if (!r || (recipient.type === "subscriber" && (!(r as Subscriber).confirmedAt || (r as Subscriber).disabledAt))) {
        msg.ack();
        continue;
      }
      const key = idempotencyKey(event.id, recipient);
      const p = plan(env, event, r, recipient.type);
      planned.push({
        ...p,
        msg,
        key,
        recipientId: recipient.id,
        failingSince: recipient.type === "subscriber" ? ((r as Subscriber).failingSince ?? null) : null,
        row: logRow(key, event, recipient, p.destination, now.toISOString()),
      });
    }
    claimed = await claim(
      env.DB,
      planned.map((p) => p.row),
      now,
    );
    const others = planned.filter((p) => !claimed.has(p.key));
    const statuses = await statusesOf(
      env.DB,
      others.map((p) => p.key),
    );
    for (const p of others) {
      // Delivered already (a redelivery): done. Leased by another send: look again after its lease.
      if (statuses.get(p.key) === "delivered") p.msg.ack();
      else p.msg.retry({ delaySeconds: 60 });
    }
  } catch (error) {
    console.error("notification batch failed before sending; retrying", { error: String((error as Error)?.message ?? error) });
    for (const m of msgs) m.retry({ delaySeconds: backoffSeconds(m.attempts) });
    return;
  }
  const sending = planned.filter((p) => claimed.has(p.key));
  const results = await pooled(sending, SEND_CONCURRENCY, (p) =>
    send(env, { event: p.event, destination: p.destination, links: p.links, lang: p.lang, subscriber: p.subscriber, key: p.key }),
  );
  const outcomes: Outcome[] = sending.map((p, i) => {
    const r = results[i]!;
    return r.ok ? { key: p.key, ok: true, status: r.status } : { key: p.key, ok: false, status: r.status, error: r.error, final: p.msg.attempts > MAX_RETRIES };
  });
  try {
    await record(env.DB, outcomes);
  } catch (error) {
    // Sent but not recorded: the retry finds the key still leased, and waits its lease out.
    console.error("notification outcomes not recorded", { error: String((error as Error)?.message ?? error) });
  }
  // A delivered webhook only clears a failing streak: one that was not failing has nothing to record.
  await webhookHealth(
    env,
    sending.flatMap((p, i) =>
      p.subscriber && p.destination.kind === "webhook" && (!results[i]!.ok || p.failingSince) ? [{ id: p.recipientId, ok: results[i]!.ok }] : [],
    ),
    now,
  );
  // Benchmarks only: what this invocation delivered, summed by bench/notify.mjs.
  if (config(env).bench.countD1) console.warn(`notify-sent ${results.filter((r) => r.ok).length}`);
  sending.forEach((p, i) => {
    if (results[i]!.ok) p.msg.ack();
    else p.msg.retry({ delaySeconds: backoffSeconds(p.msg.attempts) });
  });
}

/** `work` over every item, at most `limit` at a time; the results in the items' order. */
async function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Subscriber webhooks that failed every delivery for a day are disabled (no more sends: they would only
 * amplify load on a server that is down, or aimed at), and their owner is told by email, once.
 */
async function webhookHealth(env: Env, outcomes: Array<{ id: string; ok: boolean }>, now: Date): Promise<void> {
  try {
    const disabled = await recordWebhookOutcomes(env.DB, outcomes, now);
    if (!disabled.length) return;
    for (const s of disabled) {
      const lang: Language = isLanguage(s.language) ? s.language : "en";
      // The subscriber's own page: its name, and its subscribe form at its host name or prefix.
      const [base, pageName] = await Promise.all([pageBaseUrl(env, s.page), readerSettings(env.DB, s.page).then((p) => p.name)]);
      await sendEmail(env, webhookDisabledEmail({ to: s.email, pageName, lang, url: s.webhookUrl ?? "", base })).catch((error: unknown) =>
        console.error("webhook-disabled email failed", { subscriber: s.id, error: String(error) }),
      );
    }
  } catch (error) {
    console.error("subscriber webhook health not recorded", { error: String((error as Error)?.message ?? error) });
  }
}

/** The dead-letter queue: tries used up; failed in the log (unless delivered meanwhile). */
async function deadLetters(batch: MessageBatch<NotifyMessage>, env: Env): Promise<void> {
  const keys: string[] = [];
  for (const msg of batch.messages) {
    if (msg.body.kind === "deliver") keys.push(idempotencyKey(msg.body.event.id, msg.body.recipient));
    else console.error("notification event dead-lettered: its recipients were not told", { ref: msg.body.ref, after: msg.body.after });
  }
  await markFailed(env.DB, keys);
  batch.ackAll();
}

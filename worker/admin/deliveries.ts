// What senders sent, for operators: the delivery log, and a custom integration's mapping tried on the
// last delivery. Keys a sender echoed are masked in everything shown.

import { deliveryRows, lastDeliveryWithPayload, maskKeys } from "../../db/integrations";
import { str } from "../../db/sql";
import { type CustomMapping, customMapping } from "../../domain/custom-mapping";
import { HttpError } from "../errors";
import { fromMapping } from "../sources/mapping";
import { validate } from "../validate";
import { getIntegration } from "./integrations";

// ── Keys in what senders sent ───────────────────────────────────────────────

/**
 * Masks every integration key in `text`. Receivers redact fields named like secrets, but a sender may
 * echo its key anywhere (a tag, a summary, a body too broken to parse): no admin answer but create and
 * rotate ever shows one. Linear in the text (worker/security/mask.ts).
 */
export const maskIntegrationKeys = maskKeys;

// ── Delivery log ────────────────────────────────────────────────────────────

export interface DeliveryJson {
  id: string;
  received_at: string;
  integration_id: string | null;
  integration_name: string | null;
  source: string;
  outcome: string;
  http_status: number;
  event_count: number;
  summary: Record<string, number> | null;
  error: string | null;
  /** As stored: truncated, secrets redacted. */
  payload: string | null;
}

/** Newest first; `before` pages back by received_at. */
export async function listDeliveries(
  db: D1Database,
  opts: { integrationId?: string; outcome?: string; before?: string; limit?: number },
): Promise<DeliveryJson[]> {
  return (await deliveryRows(db, opts)).map((r) => ({
    id: String(r.id),
    received_at: String(r.received_at),
    integration_id: str(r.integration_id),
    integration_name: str(r.integration_name),
    source: String(r.source),
    outcome: String(r.outcome),
    http_status: Number(r.http_status),
    event_count: Number(r.event_count),
    summary: r.summary == null ? null : JSON.parse(String(r.summary)),
    error: str(r.error),
    payload: str(r.payload),
  }));
}

// ── Custom mapping preview ──────────────────────────────────────────────────

export interface MappingPreview {
  /** The last delivery received, as the log keeps it (secrets redacted, cut to a few KB); null when none yet. */
  delivery: { id: string; received_at: string; payload: string | null } | null;
  /** What the mapping makes of it; empty when its action is not mapped (the delivery would be ignored). */
  events: Array<Record<string, unknown>>;
  /** Why the mapping cannot read it, naming the path; null when it can. */
  error: string | null;
}

/** Runs a mapping (the one given, else the saved one) over the integration's last delivery. */
export async function previewMapping(db: D1Database, base: string, id: string, given?: unknown): Promise<MappingPreview> {
  const integration = await getIntegration(db, base, id);
  if (integration.source !== "custom") throw new HttpError(400, "only custom integrations have a mapping", "source");
  let mapping: CustomMapping | undefined = integration.options.mapping;
  if (given !== undefined) mapping = validate(customMapping, given);
  if (!mapping) throw new HttpError(400, "`mapping` is required: give one, or save one on the integration first", "mapping");
  const row = await lastDeliveryWithPayload(db, id);
  if (!row) return { delivery: null, events: [], error: null };
  const delivery = { id: row.id, received_at: row.received_at, payload: await maskIntegrationKeys(db, row.payload ?? "") };
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload ?? "");
  } catch {
    return { delivery, events: [], error: "the last delivery is not whole JSON (it was not JSON, or the log cut it): send a fresh one" };
  }
  try {
    const events = fromMapping(mapping, payload, new Date(row.received_at));
    return { delivery, events: events.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })), error: null };
  } catch (e) {
    if (e instanceof HttpError) return { delivery, events: [], error: e.message };
    throw e;
  }
}

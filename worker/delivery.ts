// What every receiver shares: read the body within the limit, parse it, hand the events to the
// ingestor, and log the delivery whatever happened.
import type { Context } from "hono";
import { insertDelivery } from "../db/ingest";
import type { AlertEvent } from "./domain/alert-event";
import type { AppEnv, Env } from "./env";
import { HttpError, PayloadError } from "./errors";
import { newId, nowIso, sha256Hex } from "./ids";
import { ingestor, type IngestResult } from "./ingestor";

export const MAX_BODY_BYTES = 512 * 1024;
const LOGGED_PAYLOAD_CHARS = 4096;
const SECRET_KEYS = /key|token|secret|password|passwd|authorization|signature|cookie|credential/i;
// Keys that name an alert, not a credential: an operator reading the log needs them.
const ALERT_KEYS = /^(?:dedup_?key|incident_?key|group_?key|alert_?cycle_?key|aggreg_?key)$/i;

export interface RawDelivery {
  text: string;
  receivedAt: Date;
}

/** The body as text, refused with 413 past 512 KB (declared or actual). */
export async function readBody(c: Context<AppEnv>): Promise<RawDelivery> {
  const receivedAt = new Date();
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `body is larger than ${MAX_BODY_BYTES / 1024} KB`);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw new HttpError(413, `body is larger than ${MAX_BODY_BYTES / 1024} KB`);
  let text: string;
  try {
    // JSON is UTF-8 (RFC 8259 §8.1): a body that is not gets a 400, not a guess with U+FFFD in it.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new PayloadError("body", "is not valid UTF-8");
  }
  return { text, receivedAt };
}

export function parseJson(text: string): unknown {
  if (!text.trim()) throw new PayloadError("body", "is empty: send a JSON object");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PayloadError("body", `is not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
}

/** The payload as an operator may see it: secrets replaced, cut to a few KB. */
export function redactPayload(raw: string, secrets: Array<string | null | undefined> = []): string {
  // The integration key itself, wherever the sender repeated it (routing_key, a URL, a template).
  let text = raw;
  for (const secret of secrets) if (secret && secret.length >= 8) text = text.split(secret).join("[redacted]");
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), (k, v) =>
      k && SECRET_KEYS.test(k) && !ALERT_KEYS.test(k) && typeof v !== "object" ? "[redacted]" : v,
    );
  } catch {
    // Not JSON: cut first, then redact `"name": "value"` pairs with bounded quantifiers, so the cost
    // stays linear whatever the body (an unbounded pattern here was a CPU attack on every refusal).
    shown = text
      .slice(0, LOGGED_PAYLOAD_CHARS)
      .replace(/"([^"\n]{0,100})"(\s{0,10}):(\s{0,10})"[^"\n]{0,1000}"/g, (pair, name: string, a: string, b: string) =>
        SECRET_KEYS.test(name) && !ALERT_KEYS.test(name) ? `"${name}"${a}:${b}"[redacted]"` : pair,
      );
  }
  return shown.length > LOGGED_PAYLOAD_CHARS ? `${shown.slice(0, LOGGED_PAYLOAD_CHARS)}… (${shown.length} chars)` : shown;
}

/** Logs a delivery that never reached the state machine; the integration is found by its key, if any. */
export async function logRefused(
  env: Env,
  key: string | null,
  source: string,
  raw: RawDelivery | null,
  status: number,
  error: string,
): Promise<void> {
  const keyHash = key ? await sha256Hex(key) : "";
  const found = key
    ? await env.DB.prepare("SELECT id FROM integrations WHERE key_hash = ?1").bind(keyHash).first<{ id: string }>()
    : null;
  await insertDelivery(env.DB, {
    id: newId(),
    integrationId: found?.id ?? null,
    source,
    receivedAt: nowIso(raw?.receivedAt),
    outcome: status === 401 ? "unauthorized" : status >= 500 ? "failed" : "rejected",
    httpStatus: status,
    eventCount: 0,
    summary: null,
    error,
    payload: raw ? redactPayload(raw.text, [key]) : null,
  }).run();
}

export type DeliveryOutcome = Extract<IngestResult, { ok: true }>;

export interface ReceiveOptions {
  source: string;
  /**
   * The integration key, from the path or a header; or, for senders that carry it in the body
   * (PagerDuty's routing_key), read from the parsed payload.
   */
  key: string | null | ((payload: unknown) => string | null);
  /** Where the key goes, for the 401 when it is missing. */
  keyHint?: string;
  /** Accept the key of any integration, whatever its source (the PagerDuty endpoints). */
  anySource?: boolean;
  adapt: (payload: unknown, receivedAt: Date) => AlertEvent[];
  /** The 2xx the route will answer, for the delivery log (default: 202, or 200 when there are no events). */
  acceptedStatus?: 200 | 202;
  /** For senders that sign their bodies (Grafana): checked by the ingestor over the body as received. */
  signature?: { signature: string | null; timestamp: string | null };
}

/**
 * The whole receiver: body → adapter → ingestor. Throws HttpError for anything the sender must fix
 * (logged first); a storage failure becomes a 503 so the sender retries.
 */
export async function receive(c: Context<AppEnv>, opts: ReceiveOptions): Promise<DeliveryOutcome> {
  const env = c.env;
  const keyFromBody = typeof opts.key === "function" ? opts.key : null;
  let key = typeof opts.key === "function" ? null : opts.key;
  let raw: RawDelivery | null = null;
  try {
    raw = await readBody(c);
    const missingKey = `missing integration key${opts.keyHint ? `: ${opts.keyHint}` : ""}`;
    if (!keyFromBody && !key) throw new HttpError(401, missingKey);
    const payload = parseJson(raw.text);
    if (keyFromBody) key = keyFromBody(payload);
    const events = opts.adapt(payload, raw.receivedAt);
    if (!key) throw new HttpError(401, missingKey);
    let result: IngestResult;
    try {
      result = await ingestor(env).ingest({
        keyHash: await sha256Hex(key),
        source: opts.anySource ? null : opts.source,
        events,
        receivedAt: nowIso(raw.receivedAt),
        payload: redactPayload(raw.text, [key]),
        acceptedStatus: opts.acceptedStatus ?? (events.length ? 202 : 200),
        ...(opts.signature ? { signed: { ...opts.signature, body: raw.text } } : {}),
      });
    } catch (e) {
      console.error("delivery could not be stored", { source: opts.source, error: String(e) });
      throw new HttpError(503, "the delivery could not be stored; retry later");
    }
    if (!result.ok) throw new HttpError(result.status, result.error);
    if (result.d1Reads !== undefined) c.header("X-D1-Reads", String(result.d1Reads));
    if (result.d1GroupWrites !== undefined) c.header("X-D1-Group-Writes", String(result.d1GroupWrites));
    return result;
  } catch (e) {
    if (e instanceof HttpError) {
      await logRefused(env, key, opts.source, raw, e.status, e.message).catch((err) =>
        console.error("delivery log failed", String(err)),
      );
    }
    throw e;
  }
}

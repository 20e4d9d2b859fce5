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
  const text = new TextDecoder().decode(bytes);
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
export function redactPayload(text: string): string {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), (k, v) => (k && SECRET_KEYS.test(k) && typeof v !== "object" ? "[redacted]" : v));
  } catch {
    shown = text.replace(/("[^"]*(?:key|token|secret|password)[^"]*"\s*:\s*)"[^"]*"/gi, '$1"[redacted]"');
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
    payload: raw ? redactPayload(raw.text) : null,
  }).run();
}

export type DeliveryOutcome = Extract<IngestResult, { ok: true }>;

/**
 * The whole receiver: body → adapter → ingestor. Throws HttpError for anything the sender must fix
 * (logged first); a storage failure becomes a 503 so the sender retries.
 */
export async function receive(
  c: Context<AppEnv>,
  opts: { key: string | null; source: string; anySource?: boolean; adapt: (payload: unknown, receivedAt: Date) => AlertEvent[] },
): Promise<DeliveryOutcome> {
  const env = c.env;
  let raw: RawDelivery | null = null;
  try {
    raw = await readBody(c);
    if (!opts.key) throw new HttpError(401, "missing integration key");
    const events = opts.adapt(parseJson(raw.text), raw.receivedAt);
    let result: IngestResult;
    try {
      result = await ingestor(env).ingest({
        keyHash: await sha256Hex(opts.key),
        source: opts.anySource ? null : opts.source,
        events,
        receivedAt: nowIso(raw.receivedAt),
        payload: redactPayload(raw.text),
      });
    } catch (e) {
      console.error("delivery could not be stored", { source: opts.source, error: String(e) });
      throw new HttpError(503, "the delivery could not be stored; retry later");
    }
    if (!result.ok) throw new HttpError(result.status, result.error);
    return result;
  } catch (e) {
    if (e instanceof HttpError) {
      await logRefused(env, opts.key, opts.source, raw, e.status, e.message).catch((err) =>
        console.error("delivery log failed", String(err)),
      );
    }
    throw e;
  }
}

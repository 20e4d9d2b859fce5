// What every receiver shares: read the body within the limit, parse it, hand the events to the
// ingestor, and log the delivery whatever happened.
import type { Context } from "hono";
import { insertDelivery } from "../db/ingest";
import { integrationByKeyHash } from "../db/integrations";
import { newId, nowIso, sha256Hex } from "../domain/ids";
import { type IntegrationOptions, readOptions } from "../domain/integration-options";
import type { AppEnv, Env } from "./env";
import { HttpError, PayloadError } from "./errors";
import { type IngestResult, ingestor } from "./ingestor";
import { countRefusal } from "./security/refusals";
import { cleanEvent } from "./security/text";
import { type Adapted, isSenderTest } from "./sources/adapted";

export const MAX_BODY_BYTES = 512 * 1024;
const LOGGED_PAYLOAD_CHARS = 4096;
const SECRET_KEYS = /key|token|secret|password|passwd|authorization|signature|cookie|credential/i;
// Keys that name an alert, not a credential: an operator reading the log needs them.
const ALERT_KEYS = /^(?:dedup_?key|incident_?key|group_?key|alert_?cycle_?key|aggreg_?key)$/i;

export interface RawDelivery {
  text: string;
  receivedAt: Date;
}

const tooLarge = () => new HttpError(413, `body is larger than ${MAX_BODY_BYTES / 1024} KB`);

/**
 * The body as text, refused with 413 past 512 KB (declared, received, or once inflated: a gzip or
 * deflate `Content-Encoding` is undone first, and the limit counts what it inflates to).
 */
export async function readBody(c: Context<AppEnv>): Promise<RawDelivery> {
  const receivedAt = new Date();
  const encodings = contentEncodings(c.req.header("content-encoding"));
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  let bytes: Uint8Array = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
  // Applied in the order listed, so undone from the last.
  for (const encoding of encodings.reverse()) bytes = await inflate(bytes, encoding);
  let text: string;
  try {
    // JSON is UTF-8 (RFC 8259 §8.1): a body that is not gets a 400, not a guess with U+FFFD in it.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new PayloadError("body", "is not valid UTF-8");
  }
  return { text, receivedAt };
}

type Encoding = "gzip" | "deflate";

/** `Content-Encoding` as a list of the codings to undo; 415 for one this receiver does not speak. */
function contentEncodings(header: string | undefined): Encoding[] {
  const out: Encoding[] = [];
  for (const raw of (header ?? "").split(",")) {
    const coding = raw.trim().toLowerCase();
    if (coding === "" || coding === "identity") continue;
    if (coding === "gzip" || coding === "x-gzip") out.push("gzip");
    else if (coding === "deflate") out.push("deflate");
    else throw new HttpError(415, `Content-Encoding \`${coding.slice(0, 40)}\` is not supported: send gzip, deflate or an uncompressed body`);
  }
  return out;
}

// Input is fed in small slices so that one slice can inflate to at most ~1 MB: the limit stops a
// compression bomb after a few slices, before it costs memory or CPU.
const INFLATE_SLICE = 1024;

async function inflate(bytes: Uint8Array, encoding: Encoding): Promise<Uint8Array> {
  // HTTP's "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2), but some senders send raw deflate.
  const zlib = bytes.length >= 2 && (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
  const format = encoding === "gzip" ? "gzip" : zlib ? "deflate" : "deflate-raw";
  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const feeding = (async () => {
    for (let at = 0; at < bytes.length; at += INFLATE_SLICE) await writer.write(bytes.subarray(at, at + INFLATE_SLICE));
    await writer.close();
  })();
  feeding.catch(() => {}); // its failure surfaces through the reader
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    await feeding;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new PayloadError("body", `is not valid ${encoding} data (Content-Encoding: ${encoding})`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
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
    shown = JSON.stringify(JSON.parse(text), (k, v) => (k && SECRET_KEYS.test(k) && !ALERT_KEYS.test(k) && typeof v !== "object" ? "[redacted]" : v));
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

/**
 * Logs a delivery that never reached the state machine. With a key that names an integration, the
 * delivery log keeps it (payload redacted) for the operator; with none or an unknown one, anyone can
 * send it, so nothing of it is stored but a count per hour, source and key prefix
 * (security/refusals.ts): a flood of junk to unknown keys grows the database by a row per prefix.
 */
export async function logRefused(env: Env, key: string | null, source: string, raw: RawDelivery | null, status: number, error: string): Promise<void> {
  const keyHash = key ? await sha256Hex(key) : "";
  const found = key ? await integrationByKeyHash(env.DB, keyHash) : null;
  if (!found) return countRefusal(env.DB, { source, key, error, at: nowIso(raw?.receivedAt) });
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

/**
 * The options of the integration this key belongs to, for receivers that read them before the
 * ingestor decides; refused here as the ingestor would, so nothing is fetched for a stranger.
 */
async function integrationOptions(env: Env, key: string, source: string): Promise<IntegrationOptions> {
  const row = await integrationByKeyHash(env.DB, await sha256Hex(key));
  if (!row || row.disabled) throw new HttpError(401, "unknown or disabled integration key");
  if (row.source !== source) throw new HttpError(401, `this key belongs to a ${row.source} integration; post to /hooks/${row.source}/<key>`);
  return readOptions(row.options);
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
  adapt: (payload: unknown, receivedAt: Date, options?: IntegrationOptions) => Adapted;
  /**
   * Receivers whose reading depends on the integration (the custom mapping, SNS verification): its
   * options are loaded before adapting, and an unknown or disabled key is refused first.
   */
  withOptions?: boolean;
  /**
   * Runs after adapting and before ingesting, with the integration's options (withOptions): checks
   * that need the network (SNS signatures) or answers the sender (SNS subscriptions). Its counts
   * go into the delivery log's summary.
   */
  beforeIngest?: (payload: unknown, options: IntegrationOptions) => Promise<Record<string, number> | undefined>;
  /**
   * The route checked the body's SNS signature in beforeIngest, as the integration's options ask (the
   * CloudWatch receiver): an integration that verifies SNS signatures is refused on any other route.
   */
  snsChecked?: boolean;
  /** The 2xx the route will answer, for the delivery log (default: 202, or 200 when there are no events). */
  acceptedStatus?: 200 | 202;
  /**
   * For senders that sign their bodies (Grafana): the request headers, from which the ingestor takes
   * the signature and timestamp the integration's options name, checked over the body as received.
   */
  signedHeaders?: Record<string, string>;
  /** For senders that can post the JSON as one form field (Uptime Kuma's form-data preset: `data`). */
  formField?: string;
  /**
   * For senders whose values may come as form fields or in the query string instead of JSON (UptimeRobot
   * without "Send as JSON"): a form body is read as an object of its fields, and the URL's query
   * parameters fill in what the body lacks (an empty body is the query alone).
   */
  formFields?: boolean;
}

/** The payload of a `formFields` sender: its JSON, or its form fields, with the query string's besides. */
async function fieldsOf(c: Context<AppEnv>, text: string): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  const query = Object.fromEntries(new URL(c.req.url).searchParams);
  const isForm = /^(?:multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(type);
  if (!isForm) {
    if (!text.trim() && Object.keys(query).length) return query;
    const json = parseJson(text);
    return typeof json === "object" && json !== null && !Array.isArray(json) ? { ...query, ...json } : json;
  }
  let form: FormData;
  try {
    form = await new Response(text, { headers: { "content-type": type } }).formData();
  } catch {
    throw new PayloadError("body", "is not a valid form");
  }
  const fields: Record<string, string> = { ...query };
  form.forEach((value, name) => {
    if (typeof value === "string") fields[name] = value;
  });
  if (!Object.keys(fields).length) throw new PayloadError("body", "is an empty form: send the alert's fields");
  return fields;
}

/** The JSON text: the body itself, or the named field when the body is a form. */
async function formValue(c: Context<AppEnv>, text: string, field: string): Promise<string> {
  const type = c.req.header("content-type") ?? "";
  if (!/^(?:multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(type)) return text;
  let form: FormData;
  try {
    form = await new Response(text, { headers: { "content-type": type } }).formData();
  } catch {
    throw new PayloadError("body", "is not a valid form");
  }
  const value = form.get(field);
  if (typeof value !== "string") throw new PayloadError(field, "is required: the form field holding the notification's JSON");
  return value;
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
    const payload = opts.formFields ? await fieldsOf(c, raw.text) : parseJson(opts.formField ? await formValue(c, raw.text, opts.formField) : raw.text);
    if (keyFromBody) key = keyFromBody(payload);
    let options: IntegrationOptions | undefined;
    if (opts.withOptions) {
      if (!key) throw new HttpError(401, missingKey);
      options = await integrationOptions(env, key, opts.source);
    }
    const adapted = opts.adapt(payload, raw.receivedAt, options);
    // The sender's test: logged (outcome `test`), and nothing else. Cleaned once here, after every
    // adapter: what is stored stays valid in XML (security/text.ts).
    const test = isSenderTest(adapted) ? adapted.test : undefined;
    const events = isSenderTest(adapted) ? [] : adapted.map(cleanEvent);
    if (!key) throw new HttpError(401, missingKey);
    // After the adapter, so a payload that can never succeed gets its 400 before any check that fetches.
    const notes = opts.beforeIngest ? ((await opts.beforeIngest(payload, options ?? {})) ?? undefined) : undefined;
    let result: IngestResult;
    try {
      result = await ingestor(env).ingest({
        keyHash: await sha256Hex(key),
        source: opts.anySource ? null : opts.source,
        events,
        receivedAt: nowIso(raw.receivedAt),
        payload: redactPayload(raw.text, [key]),
        acceptedStatus: opts.acceptedStatus ?? (events.length ? 202 : 200),
        ...(notes ? { notes } : {}),
        ...(test !== undefined ? { test } : {}),
        ...(opts.snsChecked ? { snsChecked: true } : {}),
        ...(opts.signedHeaders ? { signed: { headers: opts.signedHeaders, body: raw.text } } : {}),
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
      await logRefused(env, key, opts.source, raw, e.status, e.message).catch((err) => console.error("delivery log failed", String(err)));
    }
    throw e;
  }
}

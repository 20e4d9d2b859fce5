// The documented plain-JSON receiver: AlertEvent fields, one event, an array of them, or
// {events: [...]}. Strict, because the sender is a script written against our docs.
import { z } from "zod";
import { ALERT_ACTIONS, type AlertEvent } from "../../domain/alert-event";
import { SEVERITIES } from "../../domain/status";
import { PayloadError } from "../errors";
import { clipDetails, formatPath, httpUrl, isObject, type JsonObject, oneLine, parseIsoDate, SUMMARY_MAX } from "./common";

export const GENERIC_MAX_EVENTS = 100;

const SEVERITY_HINT = `one of ${SEVERITIES.join(", ")}`;
const ACTION_HINT = `one of ${ALERT_ACTIONS.join(", ")}`;

const absent = (input: unknown) => input === undefined;
const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);
// Optional fields: null and blank strings mean "not given".
const blankToUndefined = (v: unknown) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : trimmed(v));
const lowerCase = (v: unknown) => {
  const t = blankToUndefined(v);
  return typeof t === "string" ? t.toLowerCase() : t;
};

/** A string, or a number or boolean taken as its text. */
const scalarText = z.union([z.string(), z.number(), z.boolean()], { error: "must be a string" }).transform((v) => String(v).trim());
const optionalText = z.preprocess(blankToUndefined, scalarText.optional());
/** The documented text fields: a number there is a sender bug worth a 400, not a guess. */
const optionalString = z.preprocess(
  blankToUndefined,
  z
    .string({ error: "must be a string" })
    .transform((v) => v.trim())
    .optional(),
);

const GenericEvent = z.object({
  dedup_key: z.preprocess(
    trimmed,
    z
      .string({ error: (iss) => (absent(iss.input) ? "is required" : "must be a string") })
      .min(1, "must not be empty")
      .max(255, "must be at most 255 characters"),
  ),
  action: z.preprocess(lowerCase, z.enum(ALERT_ACTIONS, { error: (iss) => (absent(iss.input) ? `is required: ${ACTION_HINT}` : `must be ${ACTION_HINT}`) })),
  severity: z.preprocess(lowerCase, z.enum(SEVERITIES, { error: `must be ${SEVERITY_HINT}` }).optional()),
  summary: optionalString,
  details: optionalString,
  monitor: z.preprocess(blankToUndefined, z.object({ id: optionalText, name: optionalText }, { error: "must be an object with id and/or name" }).optional()),
  tags: z.preprocess(blankToUndefined, z.record(z.string(), scalarText, { error: "must be an object whose values are strings" }).optional()),
  link: optionalText.refine((v) => v === undefined || httpUrl(v) !== undefined, "must be an http(s) URL"),
  occurred_at: z.preprocess(
    blankToUndefined,
    z
      .string({ error: "must be an ISO 8601 date-time string, e.g. 2025-11-20T10:15:02Z" })
      .refine((v) => parseIsoDate(v) !== undefined, "must be an ISO 8601 date-time, e.g. 2025-11-20T10:15:02Z")
      .transform((v) => parseIsoDate(v)!)
      .optional(),
  ),
});

// camelCase spellings the docs also accept, mapped to the canonical field.
const ALIASES = { dedupKey: "dedup_key", occurredAt: "occurred_at" } as const;

export function fromGeneric(payload: unknown, receivedAt: Date): AlertEvent[] {
  if (Array.isArray(payload)) return fromList(payload, "body", "", receivedAt);
  if (!isObject(payload)) throw new PayloadError("body", "must be a JSON object");
  if (payload.events !== undefined) {
    if (!Array.isArray(payload.events)) throw new PayloadError("events", "must be an array of events");
    return fromList(payload.events, "events", "events", receivedAt);
  }
  return [fromEvent(payload, "", receivedAt)];
}

function fromList(list: unknown[], field: string, prefix: string, receivedAt: Date): AlertEvent[] {
  if (list.length === 0) throw new PayloadError(field, "must hold at least one event");
  if (list.length > GENERIC_MAX_EVENTS) throw new PayloadError(field, `must hold at most ${GENERIC_MAX_EVENTS} events`);
  return list.map((item, i) => {
    const at = formatPath([i], prefix);
    if (!isObject(item)) throw new PayloadError(at, "must be a JSON object");
    return fromEvent(item, at, receivedAt);
  });
}

function fromEvent(raw: JsonObject, prefix: string, receivedAt: Date): AlertEvent {
  // Parse the canonical spelling; remember which spelling the sender used, to name it in errors.
  const input: JsonObject = { ...raw };
  const spelled = new Map<string, string>();
  for (const [alias, canonical] of Object.entries(ALIASES)) {
    if (input[canonical] === undefined && input[alias] !== undefined) {
      input[canonical] = input[alias];
      spelled.set(canonical, alias);
    }
  }
  const field = (path: readonly PropertyKey[]) => {
    const [head, ...rest] = path;
    const name = typeof head === "string" ? (spelled.get(head) ?? head) : head;
    return formatPath(name === undefined ? rest : [name, ...rest], prefix);
  };

  const parsed = GenericEvent.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PayloadError(field(issue.path) || "body", issue.message);
  }
  const e = parsed.data;

  if (e.action === "trigger") {
    if (!e.severity) throw new PayloadError(field(["severity"]), `is required for a trigger: ${SEVERITY_HINT}`);
    if (!e.summary) throw new PayloadError(field(["summary"]), "is required for a trigger");
  }
  const summary = oneLine(e.summary ?? e.dedup_key);
  if (summary.length > SUMMARY_MAX) {
    throw new PayloadError(field(["summary"]), `must be at most ${SUMMARY_MAX} characters`);
  }

  const event: AlertEvent = {
    dedupKey: e.dedup_key,
    action: e.action,
    severity: e.severity ?? "error",
    summary,
    tags: e.tags ?? {},
    occurredAt: e.occurred_at ?? receivedAt,
  };
  const details = clipDetails(e.details);
  if (details) event.details = details;
  if (e.monitor && (e.monitor.id || e.monitor.name)) {
    event.monitor = {};
    if (e.monitor.id) event.monitor.id = e.monitor.id;
    if (e.monitor.name) event.monitor.name = e.monitor.name;
  }
  if (e.link) event.link = e.link;
  return event;
}

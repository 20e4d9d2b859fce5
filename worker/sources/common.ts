// Small helpers the sender adapters share: lenient reading of what templating senders produce.
import { SEVERITIES, type Severity } from "../../domain/status";
import { PayloadError } from "../errors";

export type JsonObject = Record<string, unknown>;

export const SUMMARY_MAX = 1024;
export const DETAILS_MAX = 4000;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function requireObject(payload: unknown, field = "body"): JsonObject {
  if (!isObject(payload)) throw new PayloadError(field, "must be a JSON object");
  return payload;
}

// A template variable the sender left as it was: Datadog `$ALERT_ID` / `${ALERT_ID}`, Uptrends
// `@alert.type` (always dotted, so a value like "@home" survives), mustache `{{ alert.id }}`.
const PLACEHOLDER = /^(?:\$\{?[A-Za-z_][A-Za-z0-9_.]*\}?|@[A-Za-z]+(?:\.[A-Za-z0-9_]+)+|\{\{[^{}]*\}\})$/;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/**
 * A field read leniently: strings trimmed, numbers and booleans as text; empty strings and
 * unsubstituted template variables count as absent, as does anything that is not a scalar.
 */
export function text(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" || isPlaceholder(trimmed) ? undefined : trimmed;
}

/** Keys compared the way sloppy templates spell them: `ALERT_ID`, `alert_id`, `alertId`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, "");
}

// Severity fields that templates fill from free text (a Prometheus `severity` label, a Zabbix or
// Datadog priority) hold `page`, `high`, `P2`, `sev1`, `none`… Refusing the event for a spelling
// would lose a real alert (Alertmanager, Grafana and Zabbix never retry a 4xx), so the usual words
// map to a severity and anything else counts as `error`, like no severity at all.
// A Map, not an object literal: a label like `severity="constructor"` must not find Object.prototype.
const SEVERITY_WORDS = new Map<string, Severity>(
  Object.entries({
    critical: "critical",
    crit: "critical",
    fatal: "critical",
    emergency: "critical",
    emerg: "critical",
    alert: "critical",
    page: "critical",
    disaster: "critical",
    high: "critical",
    major: "critical",
    p0: "critical",
    p1: "critical",
    sev0: "critical",
    sev1: "critical",
    error: "error",
    err: "error",
    average: "error",
    p2: "error",
    sev2: "error",
    warning: "warning",
    warn: "warning",
    minor: "warning",
    medium: "warning",
    moderate: "warning",
    p3: "warning",
    sev3: "warning",
    info: "info",
    informational: "info",
    information: "info",
    notice: "info",
    low: "info",
    none: "info",
    debug: "info",
    ok: "info",
    p4: "info",
    p5: "info",
    sev4: "info",
    sev5: "info",
    notclassified: "info",
    unknown: "error",
  } satisfies Record<string, Severity>),
);

/** A free-text severity read leniently (see SEVERITY_WORDS); `error` when it is none of them. */
export function severityOfLabel(value: string | undefined): Severity {
  // "Not classified", "SEV-1", "p_2": case, spaces, hyphens and underscores do not matter.
  const word = value?.toLowerCase().replace(/[\s_-]+/g, "");
  return (word && SEVERITY_WORDS.get(word)) || "error";
}

export function parseSeverity(value: string): Severity | undefined {
  const lower = value.toLowerCase();
  return (SEVERITIES as readonly string[]).includes(lower) ? (lower as Severity) : undefined;
}

/**
 * Datadog-style tags: comma-separated `key:value` or bare `key` (value ""), split on the first ':'
 * so values may hold colons. Keys keep their case; the first occurrence of a key wins.
 */
export function parseTags(value: string): Record<string, string> {
  const tags = new Map<string, string>();
  for (const piece of value.split(",")) {
    const tag = piece.trim();
    if (tag === "" || isPlaceholder(tag)) continue;
    const colon = tag.indexOf(":");
    const key = (colon === -1 ? tag : tag.slice(0, colon)).trim();
    const val = colon === -1 ? "" : tag.slice(colon + 1).trim();
    if (key !== "" && !tags.has(key)) tags.set(key, val);
  }
  // fromEntries defines own properties, so a "__proto__" tag stays a tag.
  return Object.fromEntries(tags);
}

// ISO 8601 calendar date and time, with or without a zone: 2025-11-20T10:15:02.123+01:00.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

// The instants toISOString writes with a four-digit year: 0000-01-01 up to 9999-12-31.
const YEAR_0000 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;

/**
 * Parses an ISO 8601 date-time. Without a zone it is read as UTC when `zoneless` is "utc", and
 * refused (undefined) when it is "reject". Impossible dates (Feb 30, 25:00) are refused.
 */
export function parseIsoDate(value: string, zoneless: "utc" | "reject" = "utc"): Date | undefined {
  const m = ISO_DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  if (!zone && zoneless === "reject") return undefined;
  const year = Number(y),
    month = Number(mo),
    day = Number(d);
  const hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2)),
      om = Number(digits.slice(2) || "0");
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const millis = Number(frac.padEnd(3, "0").slice(0, 3));
  // setUTCFullYear, unlike Date.UTC, does not read years 0..99 as 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const utc = new Date(date.getTime() - offsetMinutes * 60_000);
  // A zone can push 0000-01-01 or 9999-12-31 out of four-digit years, where toISOString no longer
  // sorts as text (the state machine orders events by it).
  return utc.getTime() >= YEAR_0000 && utc.getTime() < YEAR_10000 ? utc : undefined;
}

// Dates a monitor could plausibly report; anything else is a templating accident (DATE "0").
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

function plausible(date: Date | undefined): Date | undefined {
  return date && date.getTime() >= EARLIEST && date.getTime() < LATEST ? date : undefined;
}

/** Epoch milliseconds as a number or digits; ten-digit values are clearly seconds. */
export function parseEpoch(value: unknown): Date | undefined {
  const raw = typeof value === "number" ? value : typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(raw)) return undefined;
  return plausible(new Date(raw < 1e11 ? raw * 1000 : raw));
}

/**
 * A date from a sloppy sender: epoch (ms or s), ISO 8601 (zoneless read as UTC), or an RFC 2822
 * style date carrying an explicit zone. Undefined when it is none of these or implausible.
 */
export function parseDateLenient(value: unknown): Date | undefined {
  const epoch = parseEpoch(value);
  if (epoch) return epoch;
  const str = text(value);
  if (str === undefined) return undefined;
  const iso = parseIsoDate(str, "utc");
  if (iso) return plausible(iso);
  if (!/(?:\b(?:UTC|GMT|Z)|[+-]\d{2}:?\d{2})$/i.test(str)) return undefined;
  const parsed = Date.parse(str);
  return Number.isNaN(parsed) ? undefined : plausible(new Date(parsed));
}

/** Length in code points (Go's runes), the unit senders truncate in; not UTF-16 units. */
export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function clip(value: string, max: number): string {
  // Cheap exits first: a string of at most `max` UTF-16 units has at most `max` code points.
  if (value.length <= max || codePoints(value) <= max) return value;
  return `${Array.from(value)
    .slice(0, max - 1)
    .join("")}…`;
}

/** One line, whitespace collapsed, at most SUMMARY_MAX code points (an ellipsis marks the cut). */
export function clipSummary(value: string): string {
  return clip(oneLine(value), SUMMARY_MAX);
}

export function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

/** Body text trimmed to at most DETAILS_MAX characters; undefined when empty. */
export function clipDetails(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? clip(trimmed, DETAILS_MAX) : undefined;
}

/** The URL when it is http(s); anything else (javascript:, relative, garbage) is not a link. */
export function httpUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A field path as a reader writes it: `events[2].severity`, `tags.env`. */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out === "" ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/**
 * The first of `names` present in `body`, matched the way templates spell keys (`alertType`,
 * `alert_type`, `ALERT_TYPE`), read leniently with text(); own properties only.
 */
export function pick(body: JsonObject | undefined, ...names: string[]): string | undefined {
  if (!body) return undefined;
  const wanted = names.map(normalizeKey);
  for (const want of wanted) {
    for (const key of Object.keys(body)) {
      if (normalizeKey(key) === want) {
        const value = text(body[key]);
        if (value !== undefined) return value;
      }
    }
  }
  return undefined;
}

/** An own property that is an object, or undefined. */
export function child(body: unknown, name: string): JsonObject | undefined {
  if (!isObject(body) || !Object.hasOwn(body, name)) return undefined;
  const value = body[name];
  return isObject(value) ? value : undefined;
}

/** The object at `body[name]`, or a 400 naming `path`, with `hint` for the one who set the sender up. */
export function requireChild(body: unknown, name: string, path: string, hint: string): JsonObject {
  const value = child(body, name);
  if (!value) throw new PayloadError(path, `is required: ${hint}`);
  return value;
}

/** The text at `body[name]`, or a 400 naming `path`. */
export function requireText(body: JsonObject, name: string, path: string): string {
  const value = text(body[name]);
  if (value === undefined) throw new PayloadError(path, "is required");
  return value;
}

/** The text at `body[name]`, lowercased, one of `allowed`; else a 400 naming `path` with `message`. */
export function requireWord<const T extends string>(body: JsonObject, name: string, path: string, allowed: readonly T[], message: string): T {
  const value = text(body[name])?.toLowerCase();
  if (!(allowed as readonly (string | undefined)[]).includes(value)) throw new PayloadError(path, message);
  return value as T;
}

/** A word looked up in a fixed table, own keys only: `__proto__` or `constructor` is no word. */
export function lookupWord<T>(table: Readonly<Record<string, T>>, word: string | undefined): T | undefined {
  return word !== undefined && Object.hasOwn(table, word) ? table[word] : undefined;
}

/** encodeURIComponent that cannot throw on a lone surrogate. */
export function encodePart(value: string): string {
  // A lone surrogate becomes U+FFFD, as String.prototype.toWellFormed does.
  return encodeURIComponent(value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"));
}

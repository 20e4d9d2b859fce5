// Shared pieces of the property-based tests: every adapter behind one signature, the senders' real
// payloads (test/fixtures/<source>/*.json) to mutate, arbitraries for hostile JSON, and the contract
// every AlertEvent an adapter returns must meet.
import fc from "fast-check";
import { ALERT_ACTIONS, type AlertEvent } from "../../../domain/alert-event";
import { customMapping } from "../../../domain/custom-mapping";
import { COMPONENT_STATUSES, SEVERITIES } from "../../../domain/status";
import { HttpError, PayloadError } from "../../../worker/errors";
import { codePoints, DETAILS_MAX, SUMMARY_MAX } from "../../../worker/sources/common";
import { fromPagerDutyChange, fromPagerDutyV1, fromPagerDutyV2 } from "../../../worker/sources/pagerduty";
import { HOOK_ADAPTERS } from "../../../worker/sources/registry";
import { OPSGENIE_MAPPING } from "../../fixtures/custom/opsgenie-mapping";
import { eventsOf } from "../sources/adapt";

// The custom receiver reads through the integration's mapping: the README's Opsgenie one here.
const CUSTOM_OPTIONS = { mapping: customMapping.parse(OPSGENIE_MAPPING) };

declare global {
  interface ImportMeta {
    glob<T = unknown>(pattern: string, options: { eager: true; import: "default" }): Record<string, T>;
  }
}

/** One fixed seed for every property, so a failure replays exactly; numRuns is set per property. */
export const SEED = 20261123;

export const RECEIVED_AT = new Date("2026-11-23T10:00:00.000Z");

export interface NamedAdapter {
  name: string;
  /** The fixture folder whose payloads this adapter reads. */
  fixtures: string;
  adapt: (payload: unknown, receivedAt: Date) => AlertEvent[];
}

// PagerDuty's adapters take a dedup-key generator and return {events, dedupKey}: wrap them so every
// adapter is tested through one signature.
let pdCounter = 0;
const pdKey = () => `generated-${++pdCounter}`;

/**
 * Every adapter present in the code base: each `/hooks/<source>/:key` receiver (HOOK_ADAPTERS, read
 * when the test runs, so adapters added later are covered) and the three PagerDuty endpoints.
 */
export const ADAPTERS: NamedAdapter[] = [
  ...Object.entries(HOOK_ADAPTERS).map(([source, adapt]) => ({
    name: source,
    fixtures: source,
    adapt: (p: unknown, at: Date) => eventsOf(adapt!(p, at, source === "custom" ? CUSTOM_OPTIONS : undefined)),
  })),
  { name: "pagerduty v2", fixtures: "pagerduty", adapt: (p, at) => fromPagerDutyV2(p, at, pdKey).events },
  { name: "pagerduty v1", fixtures: "pagerduty", adapt: (p, at) => fromPagerDutyV1(p, at, pdKey).events },
  { name: "pagerduty change", fixtures: "pagerduty", adapt: (p) => fromPagerDutyChange(p).events },
];

const fixtureFiles = import.meta.glob<unknown>("../../fixtures/*/*.json", { eager: true, import: "default" });

/** The senders' real payloads by fixture folder; the generic receiver's documented shapes besides. */
export const FIXTURES: Record<string, unknown[]> = { generic: genericExamples() };
for (const [path, json] of Object.entries(fixtureFiles)) {
  const folder = path.split("/").at(-2)!;
  (FIXTURES[folder] ??= []).push(json);
}

function genericExamples(): unknown[] {
  const trigger = {
    dedup_key: "checkout-5xx",
    action: "trigger",
    severity: "critical",
    summary: "Checkout failing",
    details: "5xx above 20%",
    monitor: { id: "m-1", name: "Checkout probe" },
    tags: { service: "api", env: "prod" },
    link: "https://monitor.example.com/m-1",
    occurred_at: "2026-11-20T10:15:02Z",
  };
  return [
    trigger,
    { dedup_key: "checkout-5xx", action: "resolve", occurred_at: "2026-11-20T10:25:02Z" },
    { events: [trigger, { ...trigger, dedup_key: "b", severity: "warning" }] },
    [{ ...trigger, action: "acknowledge" }],
  ];
}

/** Every object key used anywhere in the fixtures: the senders' vocabulary, to build plausible payloads. */
export const VOCABULARY: string[] = [
  ...new Set(
    Object.values(FIXTURES)
      .flat()
      .flatMap((f) => keysOf(f)),
  ),
  "dedup_key",
  "action",
  "severity",
  "summary",
  "occurred_at",
  "dedupKey",
  "occurredAt",
  "events",
];

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

// ── Hostile values ─────────────────────────────────────────────────────────────────────────────

export const MARKUP = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '"><svg onload=alert(1)>',
  "]]><script>alert(1)</script><![CDATA[",
  "javascript:alert(1)",
  "&lt;b&gt;already escaped&lt;/b&gt;",
] as const;

const NASTY_STRINGS = [
  ...MARKUP,
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "",
  " ",
  "\t\n",
  "\u0000",
  "\u0000\u0001\u001f",
  "\ud800",
  "\udfff",
  "a\ud800b",
  "\u202e\u2066rtl",
  "\ufeffbom",
  "\u2028\u2029",
  "e\u0301\u0301\u0301",
  "🔥💥",
  "NaN",
  "Infinity",
  "-0",
  "1e400",
  "9007199254740993",
  "0x1F",
  "true",
  "null",
  "$ALERT_ID",
  "${ALERT_TITLE}",
  "@alert.type",
  "@incident.key",
  "{{ .Status }}",
  "{{ $labels.instance }}",
  "%%%",
  "%%%\n%%%",
  "Triggered",
  "Re-Triggered",
  "Recovered",
  "Warn",
  "Renotify",
  "No Data",
  "Alert",
  "Ok",
  "Reminder",
  "firing",
  "resolved",
  "trigger",
  "resolve",
  "acknowledge",
  "critical",
  "error",
  "warning",
  "info",
  "success",
  "0",
  "1",
  "2",
  "3",
  "4",
  "-1",
  "2026-11-20T10:15:02Z",
  "2026-11-20 10:15:02.123",
  "2026-02-30T10:00:00Z",
  "0000-01-01T00:00:00+01:00",
  "9999-12-31T23:59:59-01:00",
  "0001-01-01T00:00:00Z",
  "1763633702000",
  "1763633702",
  "Thu, 20 Nov 2025 10:15:02 GMT",
  "https://example.com/x",
  "http://[::1]/",
  "ftp://example.com",
  "//evil.example",
  "data:text/html,<script>alert(1)</script>",
  "service:api,env:prod",
  "service:",
  ":",
  ",,,",
  "host:web-1,__proto__:x,constructor:y",
  "[Triggered on {host:web-1}] CPU high",
  "[P1] [P2] [Recovered] x",
] as const;

/** Strings a hostile or broken sender might put anywhere: markup, control characters, lone surrogates, placeholders, huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom("\n", "\r", " ", "\t", "\u00a0", "\u2028", "<", ">", "&", '"', "'"), maxLength: 30 }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...NASTY_STRINGS), fc.integer({ min: 1000, max: 20_000 }))
      .map(([s, n]) => (s || "x").repeat(Math.ceil(n / Math.max(1, s.length)))),
  },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "__defineGetter__", "toJSON", "valueOf") },
  { weight: 3, arbitrary: fc.constantFrom(...VOCABULARY) },
  { weight: 2, arbitrary: hostileString.filter((s) => s.length < 200) },
);

const jsonNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 2, 3, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1763633702000, 1763633702),
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(hostileString, jsonNumber, fc.boolean(), fc.constant(null));

/** Objects built with own data properties, as JSON.parse builds them: a "__proto__" key stays a key. */
export function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** Any JSON value, with hostile strings and keys, up to a small depth. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 6 }).map(objectOf),
  ),
})).value;

/** Arrays or objects nested `depth` levels deep, as text (too deep to build as values comfortably). */
export function deepText(depth: number, kind: "array" | "object" | "mixed", leaf = "1"): string {
  const open = (i: number) => (kind === "array" || (kind === "mixed" && i % 2) ? "[" : '{"a":');
  const close = (i: number) => (kind === "array" || (kind === "mixed" && i % 2) ? "]" : "}");
  let head = "";
  let tail = "";
  for (let i = 0; i < depth; i++) {
    head += open(i);
    tail = close(i) + tail;
  }
  return head + leaf + tail;
}

// ── Mutating real payloads ─────────────────────────────────────────────────────────────────────

type Path = Array<string | number>;

export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push(...pathsOf(v, [...prefix, i]));
    });
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function define(target: unknown, key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `root` with the value at `path` replaced (or deleted, or given a sibling key). */
export function mutate(root: unknown, path: Path, op: Mutation): unknown {
  if (path.length === 0) return op.kind === "set" ? op.value : root;
  const copy = clone(root);
  let parent: any = copy;
  for (const step of path.slice(0, -1)) parent = parent[step];
  const last = path.at(-1)!;
  if (op.kind === "set") define(parent, last, op.value);
  else if (op.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) define(parent, op.key, op.value);
  return copy;
}

export type Mutation = { kind: "set"; value: unknown } | { kind: "delete" } | { kind: "add"; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: hostileJson.map((value) => ({ kind: "set" as const, value })) },
  { weight: 4, arbitrary: fc.constant({ kind: "delete" as const }) },
  { weight: 2, arbitrary: fc.tuple(hostileKey, hostileJson).map(([key, value]) => ({ kind: "add" as const, key, value })) },
);

/** A real payload of this sender with one to eight fields replaced, deleted or added. */
export function mutatedFixture(folder: string): fc.Arbitrary<unknown> {
  const fixtures = FIXTURES[folder] ?? [];
  if (!fixtures.length) return hostileJson;
  return fc.tuple(fc.nat(fixtures.length - 1), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 8 })).map(([i, ops]) => {
    let value: unknown = fixtures[i];
    for (const [at, op] of ops) {
      const paths = pathsOf(value);
      value = mutate(value, paths[at % paths.length]!, op);
    }
    return value;
  });
}

/** A tiny deterministic PRNG, so an arbitrary can make many small choices from one generated seed. */
function prng(seed: number): () => number {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * A real payload with any subset of its fields dropped (at every level), then every remaining string
 * field replaced by a hostile string with some probability: the shapes a broken template produces.
 */
export function sparseFixture(folder: string): fc.Arbitrary<unknown> {
  const fixtures = FIXTURES[folder] ?? [];
  if (!fixtures.length) return hostileJson;
  return fc
    .tuple(fc.nat(fixtures.length - 1), fc.integer(), fc.double({ min: 0, max: 0.6, noNaN: true }), fc.array(hostileString, { minLength: 1, maxLength: 8 }))
    .map(([i, seed, dropRate, strings]) => {
      const random = prng(seed);
      let n = 0;
      const walk = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.filter(() => random() >= dropRate).map(walk);
        if (v && typeof v === "object") {
          return objectOf(
            Object.entries(v)
              .filter(() => random() >= dropRate)
              .map(([k, x]) => [k, walk(x)]),
          );
        }
        if (typeof v === "string" && random() < 0.3) return strings[n++ % strings.length];
        return v;
      };
      return walk(fixtures[i]);
    });
}

const DATE_KEY = /time|date|updated|startsAt|endsAt|occurred|timestamp|firstError/i;
const DATE_VALUE = /^\d{4}-\d{2}-\d{2}|^\d{10,13}$/;

/** Date-times as senders and templates get them wrong: edge years, impossible days, odd zones, epochs. */
export const dateText: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      year: fc.oneof(fc.constantFrom(0, 1, 99, 1969, 1970, 1999, 2000, 2026, 2099, 2100, 9999), fc.integer({ min: 0, max: 9999 })),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 60 }),
      second: fc.integer({ min: 0, max: 60 }),
      fraction: fc.constantFrom("", ".1", ".123", ".123456789", ",5"),
      sep: fc.constantFrom("T", " "),
      zone: fc.constantFrom("", "Z", "z", "+00:00", "+01:00", "-01:00", "+23:59", "-23:59", "+14:00", "+0530", "-12", "+24:00", " UTC"),
    })
    .map(({ year, month, day, hour, minute, second, fraction, sep, zone }) => {
      const p = (n: number, w = 2) => String(n).padStart(w, "0");
      return `${p(year, 4)}-${p(month)}-${p(day)}${sep}${p(hour)}:${p(minute)}:${p(second)}${fraction}${zone}`;
    }),
  fc.oneof(fc.integer({ min: -1e13, max: 1e14 }), fc.double({ noNaN: true, noDefaultInfinity: true })).chain((n) => fc.constantFrom<unknown>(n, String(n))),
  fc.constantFrom("Thu, 20 Nov 2025 10:15:02 GMT", "Mon, 01 Jan 0001 00:00:00 +0100", "Fri, 31 Dec 9999 23:59:59 -0100", "2025-11-20T10:15:02+01:00 UTC"),
);

/** A real payload with every date-like field replaced by generated date text. */
export function redatedFixture(folder: string): fc.Arbitrary<unknown> {
  const fixtures = FIXTURES[folder] ?? [];
  if (!fixtures.length) return hostileJson;
  return fc.tuple(fc.nat(fixtures.length - 1), fc.array(dateText, { minLength: 1, maxLength: 6 })).map(([i, dates]) => {
    let n = 0;
    const walk = (v: unknown, key: string): unknown => {
      if (Array.isArray(v)) return v.map((x) => walk(x, key));
      if (v && typeof v === "object") return objectOf(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
      if (DATE_KEY.test(key) || (typeof v === "string" && DATE_VALUE.test(v))) return dates[n++ % dates.length];
      return v;
    };
    return walk(fixtures[i], "");
  });
}

/** Objects spelled with the sender's own field names, every value of a random type. */
export const vocabularyObject: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(fc.constantFrom(...VOCABULARY), fc.oneof(scalar, hostileJson)), { minLength: 1, maxLength: 12 })
  .map(objectOf);

/** JSON as the worker sees it: parsed from text (so -0 is 0 and "__proto__" is an own key). */
export const asParsedJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? "null");

const TITLE_KEYS =
  /^(summary|title|description|alert_title|event_title|name|msg|alertname|monitorName|event_name|alert_subject|alertRule|AlarmName|check_name|monitorFriendlyName|monitor_friendly_name|message)$/i;

/** A copy with every title-like string field set to `markup`. */
export function replaceTitles(value: unknown, markup: string): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceTitles(v, markup));
  if (value && typeof value === "object") {
    return objectOf(Object.entries(value).map(([k, v]) => [k, TITLE_KEYS.test(k) && typeof v === "string" ? markup : replaceTitles(v, markup)]));
  }
  return value;
}

// ── The adapter contract ───────────────────────────────────────────────────────────────────────

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EVENT_KEYS = new Set([
  "dedupKey",
  "action",
  "severity",
  "summary",
  "details",
  "monitor",
  "tags",
  "link",
  "occurredAt",
  "renotify",
  "status",
  "expiresInSeconds",
]);

/** What is wrong with an adapter's result, as readable lines (empty when it meets the contract). */
export function contractViolations(result: unknown): string[] {
  if (!Array.isArray(result)) return [`result is not an array: ${typeof result}`];
  return result.flatMap((event, i) => eventViolations(event).map((v) => `events[${i}]: ${v}`));
}

function eventViolations(e: unknown): string[] {
  if (!e || typeof e !== "object" || Array.isArray(e)) return ["is not an object"];
  const ev = e as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(ev)) if (!EVENT_KEYS.has(k)) out.push(`unexpected field ${k}`);
  const expires = ev.expiresInSeconds;
  if (expires !== undefined && !(typeof expires === "number" && Number.isInteger(expires) && expires > 0)) {
    out.push(`expiresInSeconds is not a positive whole number: ${String(ev.expiresInSeconds)}`);
  }
  if (typeof ev.dedupKey !== "string" || ev.dedupKey.trim() === "") out.push(`dedupKey ${JSON.stringify(ev.dedupKey)} is not a non-empty string`);
  if (!(ALERT_ACTIONS as readonly unknown[]).includes(ev.action)) out.push(`action ${JSON.stringify(ev.action)} is not an action`);
  if (!(SEVERITIES as readonly unknown[]).includes(ev.severity)) out.push(`severity ${JSON.stringify(ev.severity)} is not a severity`);
  if (typeof ev.summary !== "string" || ev.summary.trim() === "") out.push(`summary ${JSON.stringify(ev.summary)} is empty`);
  else {
    if (codePoints(ev.summary) > SUMMARY_MAX) out.push(`summary is ${codePoints(ev.summary)} code points (max ${SUMMARY_MAX})`);
    if (/[\r\n\u2028\u2029]/.test(ev.summary)) out.push(`summary is not one line: ${JSON.stringify(ev.summary.slice(0, 80))}`);
  }
  if (ev.details !== undefined && (typeof ev.details !== "string" || codePoints(ev.details) > DETAILS_MAX))
    out.push("details is not a string of at most DETAILS_MAX");
  if (ev.monitor !== undefined) {
    const m = ev.monitor as Record<string, unknown> | null;
    if (!m || typeof m !== "object") out.push("monitor is not an object");
    else
      for (const k of ["id", "name"]) if (m[k] !== undefined && (typeof m[k] !== "string" || m[k] === "")) out.push(`monitor.${k} is not a non-empty string`);
  }
  const tags = ev.tags as Record<string, unknown> | null;
  if (!tags || typeof tags !== "object" || Array.isArray(tags)) out.push("tags is not an object");
  else {
    const proto = Object.getPrototypeOf(tags);
    if (proto !== Object.prototype && proto !== null) out.push("tags has a foreign prototype");
    for (const [k, v] of Object.entries(tags)) if (typeof v !== "string") out.push(`tags[${JSON.stringify(k)}] is ${typeof v}, not a string`);
  }
  if (ev.link !== undefined) {
    let ok = false;
    try {
      ok = typeof ev.link === "string" && ["http:", "https:"].includes(new URL(ev.link).protocol);
    } catch {}
    if (!ok) out.push(`link ${JSON.stringify(ev.link)} is not an http(s) URL`);
  }
  if (!(ev.occurredAt instanceof Date) || Number.isNaN(ev.occurredAt.getTime())) out.push("occurredAt is not a valid Date");
  // The state machine orders events by comparing these strings: they must all have one shape.
  else if (!ISO_UTC.test(ev.occurredAt.toISOString())) out.push(`occurredAt ${ev.occurredAt.toISOString()} does not sort as ISO 8601 text`);
  if (ev.renotify !== undefined && typeof ev.renotify !== "boolean") out.push("renotify is not a boolean");
  if (ev.status !== undefined && !(COMPONENT_STATUSES as readonly unknown[]).includes(ev.status))
    out.push(`status ${JSON.stringify(ev.status)} is not a component status`);
  return out;
}

export type Verdict = { accepted: true; events: AlertEvent[] } | { accepted: false; error: PayloadError };

/**
 * Runs an adapter on a deep-frozen input: it must return events meeting the contract or throw a
 * PayloadError (a 400 naming a field). Anything else (a TypeError, a RangeError, a mutation of the
 * input, a polluted Object.prototype) is thrown as a failure that names the input.
 */
export function judge(adapter: NamedAdapter, input: unknown): Verdict {
  const frozen = deepFreeze(clone(input === undefined ? null : input));
  let verdict: Verdict;
  try {
    verdict = { accepted: true, events: adapter.adapt(frozen, RECEIVED_AT) };
  } catch (err) {
    if (!(err instanceof PayloadError) || !(err instanceof HttpError) || err.status !== 400 || !err.field) {
      throw new Error(`${adapter.name} threw ${String(err)} (not a PayloadError naming a field) for ${preview(input)}`);
    }
    verdict = { accepted: false, error: err };
  }
  assertNoPollution(`${adapter.name} on ${preview(input)}`);
  if (verdict.accepted) {
    const problems = contractViolations(verdict.events);
    if (problems.length) throw new Error(`${adapter.name} broke the AlertEvent contract for ${preview(input)}:\n  ${problems.join("\n  ")}`);
  }
  return verdict;
}

/** What an adapter makes of a payload, without throwing: the oracle of the worker-level hostile test. */
export function classify(adapt: (payload: unknown) => unknown[], payload: unknown): "refused" | "accepted" | `broken: ${string}` {
  try {
    const events = adapt(payload);
    const problems = contractViolations(events);
    return problems.length ? `broken: ${problems.join("; ")}` : "accepted";
  } catch (err) {
    if (err instanceof PayloadError && err.status === 400) return "refused";
    return `broken: threw ${String(err)}`;
  }
}

export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join();

export function assertNoPollution(context: string) {
  const probe = {} as Record<string, unknown>;
  if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== PROTOTYPE_NAMES || probe.polluted !== undefined || probe.a !== undefined) {
    throw new Error(`Object.prototype was polluted by ${context}`);
  }
}

// Datadog Webhooks integration → AlertEvent. Users paste one of several templates (docs/senders/datadog.md):
// StackPulse-style (variables under `metadata`), iLert-style (a few lower_case top-level keys) or
// flat `$VARIABLE` keys. So every variable is looked up by name, case-insensitively, in
// `metadata` first and then at the top level.
import type { AlertEvent } from "../../domain/alert-event";
import type { Severity } from "../../domain/status";
import { PayloadError } from "../errors";
import { type Adapted, senderTest } from "./adapted";
import {
  clipDetails,
  clipSummary,
  httpUrl,
  isObject,
  type JsonObject,
  normalizeKey,
  parseDateLenient,
  parseSeverity,
  parseTags,
  requireObject,
  text,
} from "./common";

const TRANSITION_NAMES = ["Triggered", "Re-Triggered", "Warn", "Re-Warn", "No Data", "Re-No Data", "Recovered", "Warn Recovered", "Renotify"] as const;

type Outcome = Pick<AlertEvent, "action" | "renotify"> & { severity?: Severity };

// Keyed by the transition with case, spaces and hyphens removed ("Re-No Data" → "renodata").
// A missing severity means "from ALERT_TYPE".
const TRANSITIONS: Record<string, Outcome> = {
  triggered: { action: "trigger" },
  retriggered: { action: "trigger" },
  nodata: { action: "trigger" },
  renodata: { action: "trigger" },
  warn: { action: "trigger", severity: "warning" },
  rewarn: { action: "trigger", severity: "warning" },
  recovered: { action: "resolve" },
  warnrecovered: { action: "resolve", severity: "warning" },
  renotify: { action: "trigger", renotify: true },
};

const TRANSITION_HINT = `must be one of ${TRANSITION_NAMES.join(", ")}`;

interface Found {
  value: string;
  path: string;
}

/** The template's variables, by normalized name, in lookup order: `metadata` then top level. */
class Variables {
  private readonly entries = new Map<string, { value: unknown; path: string }[]>();
  readonly hasMetadata: boolean;

  constructor(body: JsonObject) {
    this.hasMetadata = isObject(body.metadata);
    if (isObject(body.metadata)) this.add(body.metadata, "metadata.");
    this.add(body, "");
  }

  private add(obj: JsonObject, prefix: string) {
    for (const [key, value] of Object.entries(obj)) {
      if (value === undefined) continue;
      const name = normalizeKey(key);
      const list = this.entries.get(name) ?? [];
      list.push({ value, path: prefix + key });
      this.entries.set(name, list);
    }
  }

  /** The first present value among `names` (empties and unsubstituted variables are absent). */
  find(...names: string[]): Found | undefined {
    for (const name of names) {
      for (const entry of this.entries.get(normalizeKey(name)) ?? []) {
        const value = text(entry.value);
        if (value !== undefined) return { value, path: entry.path };
      }
    }
    return undefined;
  }

  get(...names: string[]): string | undefined {
    return this.find(...names)?.value;
  }

  raw(name: string): unknown[] {
    return (this.entries.get(normalizeKey(name)) ?? []).map((e) => e.value);
  }

  /** How to name a variable in an error: where the payload has it, else where its template would. */
  field(name: string): string {
    const existing = this.entries.get(normalizeKey(name))?.[0];
    if (existing) return existing.path;
    return this.hasMetadata ? `metadata.${name}` : name.toLowerCase();
  }
}

// A monitor's "Test Notifications": Datadog prefixes the title with `[TEST]` and opens the message
// with "Test notification triggered by <user>".
const TEST_TITLE = /^\s*\[TEST\]/;
const TEST_BODY = /Test notification triggered by/;

export function fromDatadog(payload: unknown, receivedAt: Date): Adapted {
  const vars = new Variables(requireObject(payload));
  if (TEST_TITLE.test(vars.get("EVENT_TITLE", "TITLE", "ALERT_TITLE") ?? "") || TEST_BODY.test(vars.get("EVENT_MSG", "BODY", "TEXT_ONLY_MSG") ?? "")) {
    return senderTest("Datadog Test Notifications ([TEST] title)");
  }

  const alertType = vars.get("ALERT_TYPE")?.toLowerCase();
  const { action, renotify, severity } = outcome(vars, alertType);
  const dedupKey = dedupKeyOf(vars);
  const alertId = vars.get("ALERT_ID");

  const summary = summaryOf(vars) ?? clipSummary(alertId ? `Datadog monitor ${alertId}` : `Datadog alert ${dedupKey}`);
  const event: AlertEvent = {
    dedupKey,
    action,
    severity,
    summary,
    tags: tagsOf(vars),
    occurredAt: parseDateLenient(vars.get("DATE")) ?? parseDateLenient(vars.get("LAST_UPDATED")) ?? receivedAt,
    monitor: alertId ? { id: alertId, name: summary } : { name: summary },
  };
  const details = detailsOf(vars);
  if (details) event.details = details;
  const link = httpUrl(vars.get("LINK"));
  if (link) event.link = link;
  if (renotify) event.renotify = true;
  return [event];
}

function outcome(vars: Variables, alertType: string | undefined): Outcome & { severity: Severity } {
  const typeSeverity = (alertType && parseSeverity(alertType)) || "error";
  const transition = vars.find("ALERT_TRANSITION");
  if (transition) {
    const name = transition.value.toLowerCase().replace(/[\s_-]/g, "");
    // hasOwn: a transition spelled "constructor" must not find Object.prototype.
    const known = Object.hasOwn(TRANSITIONS, name) ? TRANSITIONS[name] : undefined;
    if (!known) throw new PayloadError(transition.path, TRANSITION_HINT);
    return { ...known, severity: known.severity ?? typeSeverity };
  }
  // Event-based monitors may leave the transition empty: ALERT_TYPE then says what happened.
  if (alertType === "success") return { action: "resolve", severity: "error" };
  if (alertType === "error" || alertType === "warning") return { action: "trigger", severity: typeSeverity };
  throw new PayloadError(vars.field("ALERT_TRANSITION"), `is required: ${TRANSITION_HINT} (or leave it empty and set ALERT_TYPE to error, warning or success)`);
}

function dedupKeyOf(vars: Variables): string {
  const cycleKey = vars.get("ALERT_CYCLE_KEY");
  if (cycleKey) return cycleKey;
  const alertId = vars.get("ALERT_ID");
  if (alertId) {
    // A multi-alert monitor has one ALERT_ID for all its groups: without the group, host A
    // recovering would resolve host B's alert too.
    const scope = scopeOf(vars);
    return scope ? `${alertId}:${scope}` : alertId;
  }
  const aggregKey = vars.get("AGGREG_KEY");
  if (aggregKey) return aggregKey;
  throw new PayloadError(vars.field("ALERT_ID"), "is required to tell alerts apart (or ALERT_CYCLE_KEY or AGGREG_KEY)");
}

// "[Triggered on {host:web-1,env:prod}] CPU high": the group of a multi-alert monitor, the only
// place the iLert-style template carries it. Bounded, so a long title costs nothing.
const TITLE_GROUP = /\[[^\]{}]{0,40}\bon \{([^{}\]]{1,500})\}\]/;

/** The alert's group: ALERT_SCOPE, else the `on {…}` of the title; `host:web-1,env:prod` form. */
function scopeOf(vars: Variables): string | undefined {
  const scope = vars.get("ALERT_SCOPE");
  if (scope && scope !== "*") return scope;
  const title = vars.get("EVENT_TITLE", "TITLE", "ALERT_TITLE");
  const group = title === undefined ? undefined : TITLE_GROUP.exec(title)?.[1];
  return (
    group
      ?.split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .join(",") || undefined
  );
}

// "[Triggered on {host:web-1}] ", "[Recovered] ", "[P1] ": prefixes Datadog adds to titles. Two
// simple regexes rather than one: a bracket with keywords inside, unclosed, made one backtrack
// quadratically over a long title.
const BRACKET_PREFIX = /^\[([^\]]*)\]\s*/;
const PREFIX_WORDS = /^P[1-5]$|\b(?:triggered|warn|no data|recovered|renotify)\b/i;

function summaryOf(vars: Variables): string | undefined {
  const title = vars.get("ALERT_TITLE", "EVENT_TITLE", "TITLE");
  if (title === undefined) return undefined;
  let stripped = title;
  for (let m = BRACKET_PREFIX.exec(stripped); m && PREFIX_WORDS.test(m[1]!); m = BRACKET_PREFIX.exec(stripped)) {
    stripped = stripped.slice(m[0].length);
  }
  return stripped.trim() ? clipSummary(stripped) : undefined;
}

function detailsOf(vars: Variables): string | undefined {
  const body = vars.get("EVENT_MSG", "BODY", "TEXT_ONLY_MSG");
  // EVENT_MSG wraps its markdown in "%%%" lines.
  return clipDetails(body?.replace(/^%%%[ \t]*(?:\r?\n|$)/, "").replace(/(?:^|\r?\n)[ \t]*%%%$/, ""));
}

/** TAGS exactly as sent, plus the alert's scope (`host:web-1,env:prod`) where TAGS lacks a key. */
function tagsOf(vars: Variables): Record<string, string> {
  // A hand-written template may send TAGS as a JSON array rather than Datadog's text.
  const list = vars.raw("TAGS").find(Array.isArray) as unknown[] | undefined;
  const tags = parseTags(vars.get("TAGS") ?? list?.map(text).filter(Boolean).join(",") ?? "");
  const scope = scopeOf(vars);
  if (!scope) return tags;
  const fromScope = Object.entries(parseTags(scope)).filter(([key]) => !Object.hasOwn(tags, key));
  return Object.fromEntries([...Object.entries(tags), ...fromScope]);
}

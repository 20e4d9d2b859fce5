// The `custom` receiver: any JSON sender, through a mapping the operator saves on the integration
// (options.mapping) that says where each AlertEvent field is in the sender's payload. Paths are
// dotted (`alert.alertId`, `alerts[0].labels.severity` or `alerts.0.labels.severity`); a value map
// (action, severity) turns the sender's words into ours, with a `default` for a field that is
// missing or holds a word the map does not list. Plain data, no expressions: nothing is evaluated.
import type { AlertEvent } from "../../domain/alert-event";
import { type CustomMapping, segments } from "../../domain/custom-mapping";
import { SEVERITIES, type Severity } from "../../domain/status";
import { PayloadError } from "../errors";
import { clipDetails, clipSummary, httpUrl, isObject, parseDateLenient, parseTags, text } from "./common";

/** The value at a dotted path; own properties only, so `__proto__` or `constructor` find nothing. */
export function valueAt(payload: unknown, dotted: string): unknown {
  let node: unknown = payload;
  for (const segment of segments(dotted)) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

function lookup(list: readonly string[] | undefined, value: string): boolean {
  const lower = value.toLowerCase();
  return !!list?.some((w) => w.toLowerCase() === lower);
}

function tagsAt(value: unknown): Record<string, string> {
  if (typeof value === "string") return parseTags(value);
  const entries: [string, string][] = [];
  const add = (k: string, v: string) => {
    if (k && !entries.some(([key]) => key === k)) entries.push([k, v]);
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      const t = text(item);
      if (t !== undefined) for (const [k, v] of Object.entries(parseTags(t))) add(k, v);
      else if (isObject(item)) {
        const k = text(item.key) ?? text(item.name) ?? text(item.tag);
        if (k) add(k, text(item.value) ?? "");
      }
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const t = text(v);
      if (t !== undefined) add(k, t);
    }
  }
  return Object.fromEntries(entries);
}

/** The payload through the mapping: one event, or none when its action is unmapped (or "ignore"). */
export function fromMapping(mapping: CustomMapping | undefined, payload: unknown, receivedAt: Date): AlertEvent[] {
  if (!mapping) {
    throw new PayloadError("mapping", "is not set on this integration: save a mapping (PATCH /admin/api/integrations/:id with options.mapping) first");
  }
  if (!isObject(payload) && !Array.isArray(payload)) throw new PayloadError("body", "must be a JSON object");
  const said = text(valueAt(payload, mapping.action.from));
  const a = mapping.action;
  const act =
    said === undefined
      ? a.default
      : lookup(a.trigger, said)
        ? "trigger"
        : lookup(a.resolve, said)
          ? "resolve"
          : lookup(a.acknowledge, said)
            ? "acknowledge"
            : a.default;
  if (!act || act === "ignore") return [];

  const dedupKey = text(valueAt(payload, mapping.dedup_key));
  if (dedupKey === undefined) throw new PayloadError(mapping.dedup_key, "is required by this integration's mapping (dedup_key)");
  const summary = text(valueAt(payload, mapping.summary));

  const event: AlertEvent = {
    dedupKey: dedupKey.slice(0, 255),
    action: act,
    severity: severityOf(mapping.severity, payload),
    summary: clipSummary(summary ?? `Alert ${dedupKey}`),
    tags: mapping.tags ? tagsAt(valueAt(payload, mapping.tags)) : {},
    occurredAt: (mapping.occurred_at && parseDateLenient(valueAt(payload, mapping.occurred_at))) || receivedAt,
  };
  const details = mapping.details ? clipDetails(text(valueAt(payload, mapping.details))) : undefined;
  if (details) event.details = details;
  const monitor = typeof mapping.monitor === "string" ? { name: mapping.monitor } : mapping.monitor;
  if (monitor) {
    const id = monitor.id ? text(valueAt(payload, monitor.id)) : undefined;
    const name = monitor.name ? text(valueAt(payload, monitor.name)) : undefined;
    if (id || name) event.monitor = { ...(id ? { id } : {}), ...(name ? { name } : {}) };
  }
  const link = mapping.link ? httpUrl(text(valueAt(payload, mapping.link))) : undefined;
  if (link) event.link = link;
  return [event];
}

function severityOf(map: CustomMapping["severity"], payload: unknown): Severity {
  const fallback = map?.default ?? "error";
  if (!map?.from) return fallback;
  const said = text(valueAt(payload, map.from));
  if (said === undefined) return fallback;
  for (const s of SEVERITIES) if (lookup(map[s], said)) return s;
  // No list at all: the sender's own word, when it is one of ours.
  if (!SEVERITIES.some((s) => map[s]?.length)) {
    const own = SEVERITIES.find((s) => s === said.toLowerCase());
    if (own) return own;
  }
  return fallback;
}

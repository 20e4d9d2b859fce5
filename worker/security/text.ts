// Text from strangers (alert payloads) and from operators, cleaned once before it is stored, so that
// every surface built from it stays valid: XML 1.0 forbids most C0 controls, U+FFFE/U+FFFF and lone
// surrogates, and one NUL in an alert made every RSS and Atom reader and the SVG badge fail to parse.
// ANSI escape sequences (CI output pasted into an alert) are removed whole, not just their ESC.
// Bidi controls are kept (they are legitimate in right-to-left text) and isolated where text is shown.
import type { AlertEvent } from "../../domain/alert-event";

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character escapes; bounded quantifiers keep
// the cost linear whatever the input.
const ANSI = /\u001b(?:\[[0-?]{0,64}[ -/]{0,16}[@-~]|\][^\u0007\u001b]{0,4096}(?:\u0007|\u001b\\)?|[@-Z\\-_])|\u009b[0-?]{0,64}[ -/]{0,16}[@-~]/g;
// Forbidden in XML 1.0 (C0 but tab, LF, CR; U+FFFE, U+FFFF), plus DEL and the C1 controls, which are
// invisible, and a stray ESC or CSI left after the sequences above. Lone surrogates are dropped too.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text without ANSI escapes and without the characters XML 1.0 forbids. */
export function cleanText(text: string): string {
  if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]/.test(text)) return text;
  return text.replace(ANSI, "").replace(FORBIDDEN, "");
}

/** Every string inside a JSON-like value, cleaned (keys too). */
export function cleanDeep<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanDeep) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[cleanText(k)] = cleanDeep(v);
    return out as T;
  }
  return value;
}

/** An alert event with every text field cleaned: applied once, after the adapters, for every sender. */
export function cleanEvent(e: AlertEvent): AlertEvent {
  return {
    ...e,
    dedupKey: cleanText(e.dedupKey),
    summary: cleanText(e.summary),
    ...(e.details !== undefined ? { details: cleanText(e.details) } : {}),
    ...(e.monitor ? { monitor: cleanDeep(e.monitor) } : {}),
    tags: cleanDeep(e.tags),
    ...(e.link !== undefined ? { link: cleanText(e.link) } : {}),
  };
}

// Unicode's isolates: text between FSI and PDI cannot reorder what is around it. For surfaces without
// markup for it (SVG badges, feed titles); HTML uses <bdi> and dir="auto".
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/** The text wrapped in FSI … PDI when it carries bidi controls (plain text as it is). */
export function isolateBidi(text: string): string {
  return BIDI_CONTROLS.test(text) ? `\u2068${text}\u2069` : text;
}

// Incident templates: the operator's words, written before the incident. An alert that opens an
// incident through an integration or a link carrying a template gets the template's title and first
// update, with the alert's fields filled in as far as the integration's public text allows:
//   {{components}}  the affected components' names (always)
//   {{severity}}    the alert's severity (always)
//   {{service}}     its `service` tag or label (always: it names a component's slug)
//   {{summary}}     its title: verbatim with `full`, else cleaned of sender markup (links, @handles); {{title}} is the same
//   {{monitor}}     the monitor's name: only with `full`, else empty
//   {{details}}     the alert's body: only with `full`, else empty
// An operator opening an incident from a template has no alert: only {{components}} is filled, the others are empty.
import { type AlertText, cleanTitle, type PublicTextSetting } from "./public-text";

/** What an alert-opened incident takes from a template. */
export interface IncidentWording {
  title: string;
  body: string;
}

export const TEMPLATE_PLACEHOLDERS = ["components", "severity", "service", "summary", "title", "monitor", "details"] as const;

const list = (names: string[]) => (names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);

export interface TemplateAlert extends AlertText {
  monitorName?: string | null;
  tags?: Record<string, string>;
}

function values(setting: PublicTextSetting | null, alert: TemplateAlert | null, components: string[]): Record<string, string> {
  const full = setting?.mode === "full";
  const summary = alert ? (full ? alert.summary : cleanTitle(alert.summary)) : "";
  return {
    components: list(components) || "our services",
    severity: alert?.severity ?? "",
    service: alert?.tags?.service ?? "",
    summary,
    title: summary,
    monitor: full ? (alert?.monitorName ?? "") : "",
    details: full ? (alert?.details ?? "") : "",
  };
}

const PLACEHOLDER = /\{\{\s*([a-z]+)\s*\}\}/g;

/** The text with its placeholders filled; an unknown placeholder stays as written. Spaces left by empty ones are tidied. */
export function fillTemplate(text: string, setting: PublicTextSetting | null, alert: TemplateAlert | null, components: string[]): string {
  const v = values(setting, alert, components);
  return text
    .replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(v, name) ? v[name]! : whole))
    .replace(/[ \t]{2,}/g, " ")
    .replace(/ +([.,;:!?])/g, "$1")
    .trim();
}

/** The placeholders a text uses that are not known, for the operator's 400. */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name));
}

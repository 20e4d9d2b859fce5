// What an alert publishes on the page, chosen per integration (integrations.public_text). Alert text
// is written for operators: a Datadog $EVENT_MSG carries internal hostnames, @notification handles,
// links and %%% markup; an Alertmanager description carries runbook URLs. Pure; the state machine
// calls it where it writes an incident's name and its automatic updates. The alert itself always
// keeps the full text, for operators.
//   summary (default): the alert's title only, cleaned of sender markup; neutral update bodies.
//   full: the alert's title and details verbatim (the behaviour before public_text existed).
//   template: the operator's wording for the title ({{components}}, {{severity}}, {{title}}).

export const PUBLIC_TEXT_MODES = ["summary", "full", "template"] as const;
export type PublicTextMode = (typeof PUBLIC_TEXT_MODES)[number];

export interface PublicTextSetting {
  mode: PublicTextMode;
  template: string | null;
}

// Bounded quantifiers: linear whatever the title.
const URL = /\b(?:https?|ftp):\/\/[^\s<>"']{1,2048}|\bwww\.[^\s<>"']{1,2048}/gi;
const HANDLE = /(^|[\s(,;])@[\w.+-]{1,128}(?:@[\w.-]{1,128})?/g;
const DATADOG_MARKUP = /%%%/g;

/** The title cleaned of sender markup: %%% blocks, @notify handles, bare URLs, extra whitespace. */
export function cleanTitle(title: string): string {
  return title.replace(DATADOG_MARKUP, " ").replace(URL, " ").replace(HANDLE, "$1").replace(/\s+/g, " ").trim().slice(0, 255);
}

const list = (names: string[]) => (names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);

export interface AlertText {
  summary: string;
  details?: string | null;
  severity: string;
}

function fill(template: string, alert: AlertText, components: string[]): string {
  return template
    .replace(/\{\{\s*components?\s*\}\}/g, list(components) || "our services")
    .replace(/\{\{\s*severity\s*\}\}/g, alert.severity)
    .replace(/\{\{\s*title\s*\}\}/g, cleanTitle(alert.summary));
}

/** The name of the incident an alert opens. */
export function publicTitle(setting: PublicTextSetting, alert: AlertText, components: string[]): string {
  if (setting.mode === "full") return alert.summary;
  if (setting.mode === "template" && setting.template) return fill(setting.template, alert, components).slice(0, 255) || "Service disruption";
  return cleanTitle(alert.summary) || (components.length ? `Issues with ${list(components)}` : "Service disruption");
}

/** The first update's body. */
export function publicOpeningBody(setting: PublicTextSetting, alert: AlertText, components: string[]): string {
  if (setting.mode === "full") return alert.details || alert.summary;
  return components.length ? `We are investigating issues with ${list(components)}.` : "We are investigating this issue.";
}

/** The update when the alert fires again on an incident in monitoring. */
export function publicReturnedBody(setting: PublicTextSetting, alert: AlertText, components: string[]): { body: string; details?: string } {
  if (setting.mode === "full") return { body: `The issue has returned: ${alert.summary}`, ...(alert.details ? { details: alert.details } : {}) };
  return {
    body: components.length ? `The issue with ${list(components)} has returned. We are investigating.` : "The issue has returned. We are investigating.",
  };
}

/** The update when the incident's last alert recovers. */
export function publicRecoveredBody(setting: PublicTextSetting, alert: AlertText, components: string[]): string {
  if (setting.mode === "full") return `${alert.summary} has recovered. We are monitoring the results.`;
  return components.length ? `${list(components)} has recovered. We are monitoring the results.` : "The service has recovered. We are monitoring the results.";
}

// One event, in each destination's own format:
// - webhook: Statuspage's subscriber-webhook body (meta, page, incident | component_update + component),
//   so tools that read Statuspage webhooks (Zulip, FireHydrant, Slack bridges) work unchanged;
// - slack: an incoming-webhook message with Block Kit blocks;
// - discord: an execute-webhook message with one embed;
// - teams: a Workflows ("When a Teams webhook request is received") message with an Adaptive Card;
// - datadog: an event for POST /api/v1/events, grouped per incident by aggregation_key;
// - email: subject, text and HTML, in the subscriber's language.

import { esc } from "../../domain/html";
import { format, type Language, messages } from "../../i18n";
import { utcText } from "../../i18n/labels";
import type { NotifyEvent } from "./events";

/** Where the reader goes from a notification, and how they leave. */
export interface Links {
  /** The incident's (or the page's) public URL. */
  view: string;
  /** One-click unsubscribe (POST) for subscribers; the admin channels page for operator channels. */
  unsubscribe: string;
  /** The subscriber's manage page; null for operator channels. */
  manage: string | null;
}

const STATUSPAGE_WEBHOOK_DOCS = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/";

/** Statuspage's subscriber-webhook body. */
export function webhookBody(e: NotifyEvent, links: Links): Record<string, unknown> {
  const base = {
    meta: { unsubscribe: links.unsubscribe, documentation: STATUSPAGE_WEBHOOK_DOCS, generated_at: e.generated_at },
    page: { id: e.page.id, status_indicator: e.page.status_indicator, status_description: e.page.status_description },
  };
  if (e.component_update && e.component) return { ...base, component_update: e.component_update, component: e.component };
  if (!e.incident) return { ...base, test: true, message: "Test notification: this channel works." };
  const { components: _components, ...incident } = e.incident;
  return {
    ...base,
    incident: {
      ...incident,
      backfilled: false,
      impact_override: null,
      incident_updates: e.incident.incident_updates.map((u) => ({ ...u, twitter_updated_at: null, wants_twitter_update: false })),
    },
  };
}

/** The words every chat format shares. */
export interface Summary {
  title: string;
  body: string;
  status: string;
  impact: string | null;
  components: string[];
  /** ok: resolved/operational/completed; bad: outage; warn: degraded; info: the rest. */
  tone: "ok" | "bad" | "warn" | "info";
  at: string;
}

export function summarize(e: NotifyEvent, lang: Language = "en"): Summary {
  const m = messages(lang);
  const label = (group: Record<string, string>, key: string) => group[key] ?? key.replace(/_/g, " ");
  if (e.component_update && e.component) {
    const to = e.component_update.new_status;
    const status = label(m.status, to);
    return {
      title: `${e.component.name}: ${status}`,
      body: format(m.email.component_changed, { component: e.component.name, status }),
      status,
      impact: null,
      components: [e.component.name],
      tone: to === "operational" ? "ok" : to === "major_outage" ? "bad" : to === "under_maintenance" ? "info" : "warn",
      at: e.component_update.created_at,
    };
  }
  if (!e.incident) {
    return {
      title: `${e.page.name}: test notification`,
      body: "This channel works: notifications will arrive here.",
      status: "test",
      impact: null,
      components: [],
      tone: "info",
      at: e.generated_at,
    };
  }
  const i = e.incident;
  if (e.type === "maintenance.reminder" || e.type === "incident.postmortem") return noticeSummary(e, i, lang);
  const update = e.update ?? i.incident_updates[0];
  const status = label(m.update, update?.status ?? i.status);
  const done = ["resolved", "completed", "postmortem"].includes(update?.status ?? i.status);
  return {
    title: `${i.name}: ${status}`,
    body: update?.body ?? "",
    status,
    impact: label(m.impact, i.impact),
    components: i.components.map((c) => c.name),
    tone: done
      ? "ok"
      : i.scheduled_for !== undefined
        ? "info"
        : i.impact === "critical" || i.impact === "major"
          ? "bad"
          : i.impact === "minor"
            ? "warn"
            : "info",
    at: update?.created_at ?? i.updated_at,
  };
}

/** A notice: a maintenance about to start, or a postmortem published (its Markdown as the text). */
function noticeSummary(e: NotifyEvent, i: NonNullable<NotifyEvent["incident"]>, lang: Language): Summary {
  const m = messages(lang);
  const reminder = e.type === "maintenance.reminder";
  const status = reminder ? m.email.reminder : (m.update.postmortem ?? "postmortem");
  const body = reminder
    ? format(m.email.maintenance_reminder, { maintenance: i.name, time: utcText(i.scheduled_for ?? i.started_at, lang) })
    : `${format(m.email.postmortem_published, { incident: i.name })}\n\n${clip(i.postmortem_body ?? "", 3000)}`;
  return {
    title: `${i.name}: ${status}`,
    body,
    status,
    impact: messages(lang).impact[i.impact] ?? i.impact,
    components: i.components.map((c) => c.name),
    tone: reminder ? "info" : "ok",
    at: reminder ? e.generated_at : (i.postmortem_published_at ?? e.generated_at),
  };
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
/**
 * Slack: &, < and > are its control characters (`<!channel>`, `<@U123>`, `<https://evil|click>`), in
 * mrkdwn and in the top-level `text` alike; escaped in every text field, Slack shows them as typed.
 */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function slackBody(e: NotifyEvent, links: Links): Record<string, unknown> {
  const s = summarize(e);
  const context = [
    `*${slackEscape(s.status)}*`,
    ...(s.impact ? [slackEscape(s.impact)] : []),
    ...(s.components.length ? [slackEscape(s.components.join(", "))] : []),
  ];
  return {
    text: clip(slackEscape(`${s.title} — ${e.page.name}`), 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(slackEscape(s.title), 150), emoji: true } },
      ...(s.body ? [{ type: "section", text: { type: "mrkdwn", text: clip(slackEscape(s.body), 3000) } }] : []),
      { type: "context", elements: [{ type: "mrkdwn", text: clip(context.join(" · "), 3000) }] },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "View on the status page" }, url: links.view }] },
    ],
  };
}

/**
 * Teams (Adaptive Cards markdown) and Discord: a status text must not become a link or a mention.
 * `[text](url)` and `<at>name</at>` lose their syntax: brackets and angle brackets become look-alikes
 * (［ ］ ‹ ›), which read the same and render as plain text in every client, whatever its markdown.
 */
const plainText = (s: string) => s.replace(/\[/g, "［").replace(/\]/g, "］").replace(/</g, "‹").replace(/>/g, "›");

const COLORS = { ok: 0x18794e, bad: 0xb42318, warn: 0xdc6803, info: 0x2456c7 } as const;

export function discordBody(e: NotifyEvent, links: Links): Record<string, unknown> {
  const s = summarize(e);
  const fields = [
    { name: "Status", value: clip(s.status, 1024), inline: true },
    ...(s.impact ? [{ name: "Impact", value: clip(s.impact, 1024), inline: true }] : []),
    ...(s.components.length ? [{ name: "Components", value: clip(s.components.join(", "), 1024), inline: false }] : []),
  ];
  return {
    username: clip(e.page.name, 80),
    // Nothing in a status text may ping anyone.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: clip(s.title, 256),
        description: clip(plainText(s.body), 4096),
        url: links.view,
        color: COLORS[s.tone],
        timestamp: s.at,
        fields,
        footer: { text: clip(e.page.name, 2048) },
      },
    ],
  };
}

const TEAMS_COLORS = { ok: "Good", bad: "Attention", warn: "Warning", info: "Accent" } as const;

export function teamsBody(e: NotifyEvent, links: Links): Record<string, unknown> {
  const s = summarize(e);
  const facts = [
    { title: "Status", value: plainText(s.status) },
    ...(s.impact ? [{ title: "Impact", value: plainText(s.impact) }] : []),
    ...(s.components.length ? [{ title: "Components", value: plainText(s.components.join(", ")) }] : []),
  ];
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: plainText(s.title), weight: "Bolder", size: "Medium", wrap: true, color: TEAMS_COLORS[s.tone] },
            ...(s.body ? [{ type: "TextBlock", text: plainText(s.body), wrap: true }] : []),
            { type: "FactSet", facts },
            { type: "TextBlock", text: plainText(e.page.name), isSubtle: true, size: "Small", wrap: true },
          ],
          actions: [{ type: "Action.OpenUrl", title: "View on the status page", url: links.view }],
        },
      },
    ],
  };
}

/** Datadog's event stream: error/warning/info while open, success once resolved. */
export function datadogBody(e: NotifyEvent, links: Links): Record<string, unknown> {
  const s = summarize(e);
  const alertType = s.tone === "ok" ? "success" : s.tone === "bad" ? "error" : s.tone === "warn" ? "warning" : "info";
  // One incident groups together: every update of it shares the key.
  const group = e.incident?.id ?? e.component?.id ?? e.id;
  const text = [
    s.body,
    `Status: ${s.status}`,
    ...(s.impact ? [`Impact: ${s.impact}`] : []),
    ...(s.components.length ? [`Components: ${s.components.join(", ")}`] : []),
    links.view,
  ]
    .filter(Boolean)
    .join("\n");
  return {
    title: clip(`[${e.page.name}] ${s.title}`, 100),
    text: clip(text, 4000),
    alert_type: alertType,
    aggregation_key: clip(`status-page-${group}`, 100),
    date_happened: Math.floor(Date.parse(s.at) / 1000) || Math.floor(Date.now() / 1000),
    priority: "normal",
    source_type_name: "status page",
    tags: [
      `status_page:${e.page.id}`,
      `event_type:${e.type}`,
      ...(e.incident ? [`incident_id:${e.incident.id}`, `impact:${e.incident.impact}`] : []),
      ...(e.component ? [`component_id:${e.component.id}`] : []),
    ],
  };
}

/** The email: in the recipient's language, with its links; the List-Unsubscribe headers go beside it. */
export function emailBody(e: NotifyEvent, links: Links, lang: Language, subscriber: boolean): { subject: string; text: string; html: string } {
  const m = messages(lang);
  const s = summarize(e, lang);
  const subject =
    e.component && e.component_update
      ? format(m.email.subject_component, { name: e.page.name, component: e.component.name, status: s.status })
      : e.incident
        ? format(m.email.subject_incident, { name: e.page.name, incident: e.incident.name, status: s.status })
        : s.title;
  const heading = e.incident ? format(m.email.new_update, { incident: e.incident.name }) : s.title;
  const footer = format(subscriber ? m.email.footer : m.email.channel_footer, { name: e.page.name });
  const lines = [heading, "", s.body, "", `${m.email.view}: ${links.view}`, "", "--", footer];
  if (links.manage) lines.push(`${m.email.manage}: ${links.manage}`);
  if (subscriber) lines.push(`${m.email.unsubscribe}: ${links.unsubscribe}`);
  const html = `<!DOCTYPE html><html lang="${esc(lang)}"><body style="font-family:system-ui,sans-serif;color:#1d2330">
<h1 style="font-size:18px">${esc(heading)}</h1>
<p><strong>${esc(s.status)}</strong>${s.impact ? ` · ${esc(s.impact)}` : ""}${s.components.length ? ` · ${esc(s.components.join(", "))}` : ""}</p>
<p style="white-space:pre-wrap">${esc(s.body)}</p>
<p><a href="${esc(links.view)}">${esc(m.email.view)}</a></p>
<hr><p style="color:#667085;font-size:13px">${esc(footer)}${links.manage ? `<br><a href="${esc(links.manage)}">${esc(m.email.manage)}</a>` : ""}${subscriber ? ` · <a href="${esc(links.unsubscribe)}">${esc(m.email.unsubscribe)}</a>` : ""}</p>
</body></html>`;
  return { subject, text: lines.join("\n"), html };
}

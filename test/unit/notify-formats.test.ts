// Each destination's format (worker/notify/formats.ts) within its platform's limits, and event types.
import { describe, expect, it } from "vitest";
import { MESSAGES } from "../../i18n";
import type { NotifyEvent } from "../../worker/notify/events";
import { datadogBody, discordBody, emailBody, slackBody, teamsBody, webhookBody } from "../../worker/notify/formats";
import { eventType } from "../../worker/notify/load";

const long = "x".repeat(5000);
const event = (name = "API down <@everyone> & more", body = "Investigating *now*"): NotifyEvent => ({
  id: "upd000000001",
  type: "incident.created",
  componentIds: ["cmp000000001"],
  page: {
    id: "page00000001",
    name: "Acme",
    url: "https://status.acme.test",
    status_indicator: "major",
    status_description: "Partial System Outage",
  },
  incident: {
    id: "inc000000001",
    name,
    status: "investigating",
    created_at: "2026-12-01T10:00:00.000Z",
    updated_at: "2026-12-01T10:00:00.000Z",
    monitoring_at: null,
    resolved_at: null,
    impact: "major",
    shortlink: "https://status.acme.test/incidents/inc000000001",
    started_at: "2026-12-01T10:00:00.000Z",
    page_id: "page00000001",
    postmortem_body: null,
    postmortem_body_last_updated_at: null,
    postmortem_ignored: false,
    postmortem_notified_subscribers: false,
    postmortem_notified_twitter: false,
    postmortem_published_at: null,
    incident_updates: [
      {
        id: "upd000000001",
        status: "investigating",
        body,
        incident_id: "inc000000001",
        created_at: "2026-12-01T10:00:00.000Z",
        updated_at: "2026-12-01T10:00:00.000Z",
        display_at: "2026-12-01T10:00:00.000Z",
        affected_components: null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      },
    ],
    components: [
      {
        id: "cmp000000001",
        name: "API",
        status: "major_outage",
        created_at: "",
        updated_at: "",
        position: 0,
        description: null,
        showcase: true,
        start_date: null,
        group_id: null,
        page_id: "page00000001",
        group: false,
        only_show_if_degraded: false,
      },
    ],
  },
  generated_at: "2026-12-01T10:00:01.000Z",
});
const links = {
  view: "https://status.acme.test/incidents/inc000000001",
  unsubscribe: "https://status.acme.test/subscriptions/t/unsubscribe",
  manage: "https://status.acme.test/subscriptions/t",
};

describe("notification formats", () => {
  it("webhook: Statuspage's subscriber-webhook shape", () => {
    const b = webhookBody(event(), links) as any;
    expect(Object.keys(b)).toEqual(["meta", "page", "incident"]);
    expect(b.meta).toEqual({
      unsubscribe: links.unsubscribe,
      documentation: expect.stringContaining("statuspage"),
      generated_at: "2026-12-01T10:00:01.000Z",
    });
    expect(b.page).toEqual({ id: "page00000001", status_indicator: "major", status_description: "Partial System Outage" });
    expect(b.incident).toMatchObject({ id: "inc000000001", backfilled: false, impact_override: null, postmortem_body: null });
    expect(b.incident.incident_updates[0]).toMatchObject({
      status: "investigating",
      wants_twitter_update: false,
      twitter_updated_at: null,
    });
    expect(b.incident.components).toBeUndefined();
  });

  it("Slack escapes its control characters and stays within block limits", () => {
    const b = slackBody(event(long, long), links) as any;
    expect(b.blocks[0].text.text.length).toBeLessThanOrEqual(150);
    expect(b.blocks[1].text.text.length).toBeLessThanOrEqual(3000);
    const short = slackBody(event(), links) as any;
    // Escaped in plain_text too: Slack decodes &amp; &lt; &gt; for display in every text field.
    expect(short.blocks[0].text.text).toBe("API down &lt;@everyone&gt; &amp; more: Investigating");
    expect(short.blocks[2].elements[0].text).not.toContain("<@");
  });

  it("Discord pings nobody and stays within embed limits", () => {
    const b = discordBody(event(long, long), links) as any;
    expect(b.allowed_mentions).toEqual({ parse: [] });
    expect(b.embeds[0].title.length).toBeLessThanOrEqual(256);
    expect(b.embeds[0].description.length).toBeLessThanOrEqual(4096);
    expect(b.embeds[0].color).toBe(0xb42318);
  });

  it("Teams gets an Adaptive Card in a Workflows message", () => {
    const b = teamsBody(event(), links) as any;
    expect(b.type).toBe("message");
    expect(b.attachments[0].content.actions[0]).toEqual({ type: "Action.OpenUrl", title: "View on the status page", url: links.view });
  });

  it("Datadog: alert_type by impact, success when resolved, limits kept", () => {
    expect(datadogBody(event(), links)).toMatchObject({
      alert_type: "error",
      aggregation_key: "status-page-inc000000001",
      date_happened: Date.parse("2026-12-01T10:00:00.000Z") / 1000,
    });
    const resolved = event();
    resolved.incident!.incident_updates[0]!.status = "resolved";
    expect(datadogBody(resolved, links)).toMatchObject({ alert_type: "success" });
    const big = datadogBody(event(long, long), links) as any;
    expect(big.title.length).toBeLessThanOrEqual(100);
    expect(big.text.length).toBeLessThanOrEqual(4000);
  });

  it("email in the subscriber's language, HTML escaped, with its links", () => {
    const m = emailBody(event(), links, "de", true);
    expect(m.subject).toBe(`[Acme] API down <@everyone> & more: ${MESSAGES.de.update.investigating}`);
    expect(MESSAGES.de.update.investigating).not.toBe("Investigating");
    expect(m.text).toContain("Neue Meldung zu API down");
    expect(m.text).toContain(links.unsubscribe);
    expect(m.text).toContain(links.manage);
    expect(m.html).toContain("API down &lt;@everyone&gt; &amp; more");
    expect(m.html).not.toContain("<@everyone>");
    const channel = emailBody(event(), { ...links, manage: null }, "en", false);
    expect(channel.text).not.toContain(links.unsubscribe);
  });

  it("event types: opened, updated, resolved; maintenance scheduled, started, completed", () => {
    expect(eventType("incident", "investigating", 0, null)).toBe("incident.created");
    expect(eventType("incident", "monitoring", 1, "investigating")).toBe("incident.updated");
    expect(eventType("incident", "investigating", 2, "monitoring")).toBe("incident.updated"); // a reopen
    expect(eventType("incident", "resolved", 2, "monitoring")).toBe("incident.resolved");
    expect(eventType("maintenance", "scheduled", 0, null)).toBe("maintenance.scheduled");
    expect(eventType("maintenance", "in_progress", 1, "scheduled")).toBe("maintenance.started");
    expect(eventType("maintenance", "in_progress", 0, null)).toBe("maintenance.started");
    expect(eventType("maintenance", "verifying", 2, "in_progress")).toBe("maintenance.updated");
    expect(eventType("maintenance", "completed", 2, "verifying")).toBe("maintenance.completed");
  });
});

// A hostile alert title or update (mentions, disguised links) reaches chat as plain text.
describe("hostile titles in Slack and Teams", () => {
  const HOSTILE = ["<!channel>", "<!here>", "<@U123>", "<https://evil.example|click>", "[click](https://evil.example)", "<at>x</at>"];
  const links = { view: "https://status.acme.test/incidents/inc000000001", unsubscribe: "https://status.acme.test/admin/channels", manage: null };
  const texts = (v: unknown): string[] =>
    typeof v === "string"
      ? [v]
      : Array.isArray(v)
        ? v.flatMap(texts)
        : v && typeof v === "object"
          ? Object.entries(v).flatMap(([k, x]) => (k === "url" ? [] : texts(x)))
          : [];

  for (const hostile of HOSTILE) {
    it(`Slack: ${hostile} in the title and the body is escaped in every text field, top-level text included`, () => {
      const body = slackBody(event(`API down ${hostile}`, `Body ${hostile}`), links);
      for (const t of texts(body)) expect(t, t).not.toMatch(/[<>]/);
      expect(String(body.text)).toContain(hostile.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
      const blocks = body.blocks as Array<{ type: string; text?: { text: string } }>;
      expect(blocks.find((b) => b.type === "header")!.text!.text).not.toContain("<");
    });

    it(`Teams: ${hostile} in the title and the body is neither a link nor a mention`, () => {
      const body = teamsBody(event(`API down ${hostile}`, `Body ${hostile}`), links);
      for (const t of texts(body)) {
        expect(t, t).not.toMatch(/\[[^\]]*\]\(/);
        expect(t, t).not.toMatch(/<\/?at>/i);
        expect(t, t).not.toMatch(/[<>]/);
      }
    });
  }

  it("Discord: a markdown link in the body is not a masked link, and nothing pings", () => {
    const body = discordBody(event("t", "[click](https://evil.example) <@&123>"), links);
    expect(JSON.stringify(body)).not.toContain("[click](");
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });
});

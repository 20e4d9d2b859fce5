// The notices' words in every format (worker/notify/formats.ts): a maintenance's reminder and a
// postmortem published, in the recipient's language, escaped where the platform needs it.
import { describe, expect, it } from "vitest";
import type { NotifyEvent } from "../../worker/notify/events";
import { discordBody, emailBody, slackBody, summarize, webhookBody } from "../../worker/notify/formats";

const incident = (over: Partial<NonNullable<NotifyEvent["incident"]>> = {}): NonNullable<NotifyEvent["incident"]> => ({
  id: "inc000000001",
  name: "Database upgrade <@here>",
  status: "scheduled",
  created_at: "2026-12-01T08:00:00.000Z",
  updated_at: "2026-12-01T08:00:00.000Z",
  monitoring_at: null,
  resolved_at: null,
  impact: "maintenance" as never,
  shortlink: "https://status.acme.test/incidents/inc000000001",
  started_at: "2026-12-01T12:00:00.000Z",
  page_id: "page00000001",
  incident_updates: [],
  components: [],
  postmortem_body: null,
  postmortem_body_last_updated_at: null,
  postmortem_ignored: false,
  postmortem_notified_subscribers: false,
  postmortem_notified_twitter: false,
  postmortem_published_at: null,
  scheduled_for: "2026-12-01T12:00:00.000Z",
  scheduled_until: "2026-12-01T13:00:00.000Z",
  ...over,
});
const event = (type: NotifyEvent["type"], i: NotifyEvent["incident"]): NotifyEvent => ({
  id: "ntc1",
  type,
  componentIds: [],
  page: { id: "page00000001", name: "Acme", url: "https://status.acme.test", status_indicator: "none", status_description: "All Systems Operational" },
  incident: i,
  generated_at: "2026-12-01T11:00:00.000Z",
});
const links = { view: "https://status.acme.test/incidents/inc000000001", unsubscribe: "https://status.acme.test/u", manage: null };

describe("a maintenance's reminder", () => {
  it("says when it starts, in the recipient's language", () => {
    const e = event("maintenance.reminder", incident());
    expect(summarize(e)).toMatchObject({ status: "Starts soon", tone: "info", title: "Database upgrade <@here>: Starts soon" });
    expect(summarize(e).body).toMatch(/^Database upgrade <@here> starts at .*2026.*12/);
    expect(summarize(e, "de").status).toBe("Beginnt bald");
    expect(emailBody(e, links, "fr", true).subject).toMatch(/^\[Acme\] Database upgrade <@here>.*Commence bientôt$/);
    expect(JSON.stringify(slackBody(e, links))).not.toContain("<@here>");
    expect(webhookBody(e, links)).toMatchObject({ incident: { id: "inc000000001", status: "scheduled", scheduled_for: "2026-12-01T12:00:00.000Z" } });
  });
});

describe("a postmortem published", () => {
  it("carries its Markdown as text, and the incident's postmortem fields in the webhook", () => {
    const e = event(
      "incident.postmortem",
      incident({
        status: "resolved",
        impact: "major",
        postmortem_body: "## Cause\n\n[x](https://e.com)",
        postmortem_published_at: "2026-12-02T09:00:00.000Z",
        postmortem_notified_subscribers: true,
      }),
    );
    const s = summarize(e);
    expect(s).toMatchObject({ status: "Postmortem", tone: "ok", at: "2026-12-02T09:00:00.000Z" });
    expect(s.body).toBe("The postmortem of Database upgrade <@here> is published.\n\n## Cause\n\n[x](https://e.com)");
    expect(JSON.stringify(discordBody(e, links))).not.toContain("[x](https://e.com)");
    expect(webhookBody(e, links)).toMatchObject({ incident: { postmortem_body: "## Cause\n\n[x](https://e.com)", postmortem_notified_subscribers: true } });
    expect(emailBody(e, links, "en", true).html).not.toContain("<@here>");
  });
});

// Statuspage's management API shapes (api.statuspage.io/v1), made from the read model's public v2 shapes
// (db/public-json.ts) and the admin's settings: the v2 fields plus what the management API adds. Fields
// for features this page does not have carry Statuspage's own "off" value (null, false, {}), never a
// made-up one. docs/statuspage.md lists them.
import type { ComponentJson, IncidentJson, IncidentUpdateJson } from "../../db/queries";
import type { Subscriber } from "../../db/schema";
import type { SettingsJson } from "../admin/catalog";
import type { PostmortemJson } from "../admin/postmortems";

export function v1Component(c: ComponentJson) {
  return {
    id: c.id,
    page_id: c.page_id,
    group_id: c.group_id,
    created_at: c.created_at,
    updated_at: c.updated_at,
    group: false,
    name: c.name,
    description: c.description,
    position: c.position,
    status: c.status,
    showcase: c.showcase,
    only_show_if_degraded: c.only_show_if_degraded,
    automation_email: null,
    start_date: c.start_date,
  };
}

/** A group as /component-groups shows it: its members' ids in `components`. */
export function v1Group(g: ComponentJson) {
  return {
    id: g.id,
    page_id: g.page_id,
    name: g.name,
    description: g.description,
    components: g.components ?? [],
    position: g.position,
    created_at: g.created_at,
    updated_at: g.updated_at,
  };
}

function v1Update(u: IncidentUpdateJson) {
  return {
    ...u,
    wants_twitter_update: false,
    twitter_updated_at: null,
  };
}

export function v1Incident(i: IncidentJson) {
  const maintenance = i.scheduled_for !== undefined;
  return {
    id: i.id,
    components: i.components.map(v1Component),
    created_at: i.created_at,
    impact: i.impact,
    impact_override: null,
    incident_updates: i.incident_updates.map(v1Update),
    metadata: {},
    monitoring_at: i.monitoring_at,
    name: i.name,
    page_id: i.page_id,
    postmortem_body: i.postmortem_body,
    postmortem_body_last_updated_at: i.postmortem_body_last_updated_at,
    postmortem_ignored: i.postmortem_ignored,
    postmortem_notified_subscribers: i.postmortem_notified_subscribers,
    postmortem_notified_twitter: i.postmortem_notified_twitter,
    postmortem_published_at: i.postmortem_published_at,
    resolved_at: i.resolved_at,
    // Maintenance windows here always start and end on their own (the cron).
    scheduled_auto_completed: maintenance,
    scheduled_auto_in_progress: maintenance,
    scheduled_for: i.scheduled_for ?? null,
    auto_transition_deliver_notifications_at_end: maintenance,
    auto_transition_deliver_notifications_at_start: maintenance,
    auto_transition_to_maintenance_state: maintenance,
    auto_transition_to_operational_state: maintenance,
    auto_tweet_at_beginning: false,
    auto_tweet_on_completion: false,
    auto_tweet_on_creation: false,
    auto_tweet_one_hour_before: false,
    backfill_date: null,
    backfilled: false,
    scheduled_remind_prior: false,
    scheduled_reminded_at: null,
    scheduled_until: i.scheduled_until ?? null,
    shortlink: i.shortlink,
    started_at: i.started_at,
    status: i.status,
    updated_at: i.updated_at,
    reminder_intervals: null,
  };
}

export function v1Subscriber(s: Subscriber) {
  return {
    id: s.id,
    mode: s.webhookUrl ? "webhook" : "email",
    email: s.email,
    endpoint: s.webhookUrl,
    // Operators' subscribers (and skip_confirmation_notification) were confirmed without an email.
    skip_confirmation_notification: s.createdBy === "operator",
    phone_number: null,
    phone_country: null,
    display_phone_number: null,
    obfuscated_channel_name: null,
    workspace_name: null,
    quarantined_at: s.disabledAt ?? null,
    purge_at: null,
    components: s.componentIds ?? [],
    page_access_user_id: null,
    created_at: s.createdAt,
  };
}

/** The page as the management API shows it; what this page does not have is off (false) or empty (null). */
export function v1Page(s: SettingsJson & { page_id: string }, host: string, createdAt: string, updatedAt: string) {
  return {
    id: s.page_id,
    created_at: createdAt,
    updated_at: updatedAt,
    name: s.name,
    page_description: null,
    headline: null,
    branding: "basic",
    subdomain: host,
    domain: null,
    url: s.url || null,
    support_url: s.support_url,
    hidden_from_search: false,
    allow_page_subscribers: true,
    allow_incident_subscribers: false,
    allow_email_subscribers: true,
    allow_sms_subscribers: false,
    allow_rss_atom_feeds: true,
    allow_webhook_subscribers: true,
    notifications_from_email: null,
    notifications_email_footer: null,
    activity_score: 0,
    twitter_username: null,
    viewers_must_be_team_members: s.visibility === "private",
    ip_restrictions: null,
    city: null,
    state: null,
    country: null,
    time_zone: s.time_zone,
    css_body_background_color: null,
    css_font_color: null,
    css_light_font_color: null,
    css_greens: null,
    css_yellows: null,
    css_oranges: null,
    css_blues: s.brand_color,
    css_reds: null,
    css_border_color: null,
    css_graph_color: null,
    css_link_color: s.brand_color,
    css_no_data: null,
    favicon_logo: s.favicon_url,
    transactional_logo: s.logo_url,
    hero_cover: null,
    email_logo: null,
    twitter_logo: null,
  };
}

/**
 * A postmortem as Statuspage shows it. This page keeps one text: `body_draft` is it, `body` is it once
 * published, and the times follow. What this page does not have (a preview key, a tweet) is left out.
 */
export function v1Postmortem(p: PostmortemJson) {
  const shown = {
    body: p.published_at ? p.body : null,
    body_updated_at: p.published_at ? p.body_updated_at : null,
    body_draft: p.body,
    body_draft_updated_at: p.body_updated_at,
    published_at: p.published_at,
    notify_subscribers: p.notified_at !== null,
    notify_twitter: false,
    created_at: p.body_updated_at,
    updated_at: p.body_updated_at,
  };
  return Object.fromEntries(Object.entries(shown).filter(([, v]) => v !== null));
}

// The management API's request bodies, in Statuspage's envelopes (`{"component": {...}}`). Every object
// is strict: a field nobody knows is a 400 naming it. A field Statuspage has but this page cannot honour
// is a 400 naming it too, unless the value asked for is what this page does anyway (a maintenance window
// here always starts and ends on its own, so `scheduled_auto_in_progress: true` is accepted, `false` is not).
import { z } from "zod";
import { COMPONENT_STATUSES, IMPACTS } from "../../domain/status";
import { idSchema, instant } from "../admin/schemas";

const name = z.string().trim().min(1, "is required").max(120);
const description = z.string().max(2000).nullable().optional();
const componentStatus = z.enum(COMPONENT_STATUSES, { error: `must be one of ${COMPONENT_STATUSES.join(", ")}` });
const body = z.string().max(10_000).nullable().optional();

/** A Statuspage field this page cannot honour: only the value it behaves as anyway is accepted. */
const only = <const T extends boolean | null>(value: T, why: string) =>
  z.literal(value, { error: `is not supported here (${why}): only ${JSON.stringify(value)} is accepted` }).optional();
const notSupported = (why: string) => z.never({ error: `is not supported here (${why})` }).optional();

export const pagePatch = z.strictObject({
  page: z.strictObject({
    name: name.optional(),
    url: z.string().max(2000).optional(),
    time_zone: z.string().max(64).optional(),
    domain: notSupported("host names are set in admin"),
    subdomain: notSupported("host names are set in admin"),
    branding: notSupported("the page has one look, set in admin"),
    hidden_from_search: only(false, "the page is always indexable unless private"),
    viewers_must_be_team_members: notSupported("visibility is set in admin"),
    allow_page_subscribers: only(true, "readers can always subscribe"),
    allow_incident_subscribers: only(false, "subscriptions are to the page or its components"),
    allow_email_subscribers: only(true, "email subscriptions are always offered"),
    allow_sms_subscribers: only(false, "there is no SMS"),
    allow_rss_atom_feeds: only(true, "feeds are always served"),
    allow_webhook_subscribers: only(true, "webhook subscriptions are always offered"),
    notifications_from_email: notSupported("the sender is EMAIL_FROM"),
    notifications_email_footer: notSupported("emails have no custom footer"),
    css_body_background_color: notSupported("colours other than the brand's"),
    css_font_color: notSupported("colours other than the brand's"),
    css_light_font_color: notSupported("colours other than the brand's"),
    css_greens: notSupported("colours other than the brand's"),
    css_yellows: notSupported("colours other than the brand's"),
    css_oranges: notSupported("colours other than the brand's"),
    css_blues: notSupported("colours other than the brand's"),
    css_reds: notSupported("colours other than the brand's"),
    css_border_color: notSupported("colours other than the brand's"),
    css_graph_color: notSupported("colours other than the brand's"),
    css_link_color: notSupported("colours other than the brand's"),
  }),
});

const componentFields = {
  name,
  description,
  status: componentStatus.optional(),
  group_id: idSchema.nullable().optional(),
  only_show_if_degraded: z.boolean().optional(),
  showcase: only(true, "every component is shown"),
  start_date: notSupported("uptime starts when the component is created"),
};

export const componentCreate = z.strictObject({ component: z.strictObject(componentFields) });
export const componentPatch = z.strictObject({ component: z.strictObject({ ...componentFields, name: name.optional() }) });
export type V1ComponentBody = z.infer<typeof componentPatch>["component"];

const memberIds = z.array(idSchema).max(100);
/** Statuspage's published document puts `description` beside `component_group`; its API takes it inside too. */
export const groupCreate = z.strictObject({
  description,
  component_group: z.strictObject({ name, components: memberIds, description }),
});
export const groupPatch = z.strictObject({
  description,
  component_group: z.strictObject({ name: name.optional(), components: memberIds.optional(), description }),
});
export type V1GroupBody = z.infer<typeof groupPatch>;

/** The statuses Statuspage takes: an incident's, or a maintenance's. */
export const INCIDENT_STATUSES_V1 = ["investigating", "identified", "monitoring", "resolved"] as const;
export const MAINTENANCE_STATUSES_V1 = ["scheduled", "in_progress", "verifying", "completed"] as const;
const incidentStatus = z.enum([...INCIDENT_STATUSES_V1, ...MAINTENANCE_STATUSES_V1], {
  error: `must be one of ${[...INCIDENT_STATUSES_V1, ...MAINTENANCE_STATUSES_V1].join(", ")}`,
});

const incidentFields = {
  name,
  status: incidentStatus.optional(),
  impact_override: z.enum(IMPACTS, { error: `must be one of ${IMPACTS.join(", ")}` }).optional(),
  body,
  deliver_notifications: z.boolean().optional(),
  components: z.record(idSchema, componentStatus).optional(),
  component_ids: z.array(idSchema).max(100).optional(),
  scheduled_for: instant.optional(),
  scheduled_until: instant.optional(),
  scheduled_auto_in_progress: only(true, "maintenance windows start on their own"),
  scheduled_auto_completed: only(true, "maintenance windows end on their own"),
  scheduled_auto_transition: only(true, "maintenance windows start on their own"),
  auto_transition_to_maintenance_state: only(true, "components are under maintenance during the window"),
  auto_transition_to_operational_state: only(true, "components leave maintenance when the window ends"),
  auto_transition_deliver_notifications_at_start: only(true, "a window's start is always told"),
  auto_transition_deliver_notifications_at_end: only(true, "a window's end is always told"),
  scheduled_remind_prior: only(false, "no reminder before a window"),
  auto_tweet_at_beginning: only(false, "there is no Twitter"),
  auto_tweet_on_completion: only(false, "there is no Twitter"),
  auto_tweet_on_creation: only(false, "there is no Twitter"),
  auto_tweet_one_hour_before: only(false, "there is no Twitter"),
  backfilled: only(false, "past incidents come in through the import"),
  backfill_date: notSupported("past incidents come in through the import"),
  metadata: notSupported("incidents carry no metadata"),
};

export const incidentCreate = z.strictObject({ incident: z.strictObject(incidentFields) });
export type V1IncidentCreate = z.infer<typeof incidentCreate>["incident"];
export const incidentPatch = z.strictObject({
  incident: z.strictObject({
    ...incidentFields,
    name: name.optional(),
    scheduled_for: notSupported("a window's times are set when it is scheduled"),
    scheduled_until: notSupported("a window's times are set when it is scheduled"),
  }),
});
export type V1IncidentPatch = z.infer<typeof incidentPatch>["incident"];

export const incidentUpdatePatch = z.strictObject({
  incident_update: z.strictObject({
    body: z.string().trim().min(1, "is required").max(10_000).optional(),
    display_at: instant.optional(),
    deliver_notifications: only(false, "an edit is never sent again"),
    wants_twitter_update: only(false, "there is no Twitter"),
  }),
});

export const subscriberCreate = z.strictObject({
  subscriber: z.strictObject({
    email: z.string().trim().toLowerCase().max(254, "must be at most 254 characters").email("must be an email address").optional(),
    endpoint: z.string().trim().max(2000).optional(),
    skip_confirmation_notification: z.boolean().optional(),
    component_ids: z.array(idSchema).min(1, "must list at least one component when given").max(500).optional(),
    phone_number: notSupported("there is no SMS"),
    phone_country: notSupported("there is no SMS"),
    page_access_user: notSupported("there are no page access users"),
  }),
});

export const resendConfirmation = z.strictObject({
  subscribers: z.union([z.literal("all"), z.string().regex(/^[a-z0-9]{12}(,[a-z0-9]{12})*$/, 'must be "all" or subscriber ids separated by commas')]),
});

/** A postmortem's draft (Markdown), as Statuspage takes it. */
export const postmortemPut = z.strictObject({ postmortem: z.strictObject({ body_draft: z.string().trim().min(1, "is required").max(50_000) }) });
/** Publishing: subscribers told or not; Twitter is not a channel here. */
export const postmortemPublish = z.strictObject({
  postmortem: z
    .strictObject({
      notify_subscribers: z.boolean().optional(),
      notify_twitter: z.literal(false, { error: "is not supported here (no Twitter account is connected)" }).optional(),
      custom_tweet: notSupported("no Twitter account is connected"),
    })
    .optional(),
});

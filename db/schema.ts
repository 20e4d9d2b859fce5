// The one description of the data. Times are ISO 8601 strings with milliseconds and zone, as the API shows them.
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CHANNEL_KINDS } from "../domain/channels";
import type { IntegrationOptions } from "../domain/integration-options";
import {
  ALERT_STATUSES,
  ALERT_VISIBILITIES,
  COMPONENT_STATUSES,
  DELIVERY_OUTCOMES,
  IMPACTS,
  INCIDENT_PUBLICATIONS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  NOTICE_KINDS,
  PUBLICATION_POLICIES,
  RULE_FREQUENCIES,
  SEVERITIES,
} from "../domain/status";

type ComponentStatusValue = (typeof COMPONENT_STATUSES)[number];

// Enum columns type what the code reads and writes; SQLite stores them as plain text (no CHECK).
const componentStatus = (name: string) => text(name, { enum: COMPONENT_STATUSES });
/** Incidents and maintenances share the status and impact columns. */
const INCIDENT_KINDS = ["incident", "maintenance"] as const;
const INCIDENT_OR_MAINTENANCE_STATUSES = [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES] as const;
const INCIDENT_IMPACTS = [...IMPACTS, "maintenance"] as const;
const MATCH_TYPES = ["monitor", "tag", "label"] as const;

const createdAt = () => text("created_at").notNull();
/** A reference to the row this one belongs to: deleted with it. */
const owned = (name: string, parent: () => AnySQLiteColumn) => text(name).notNull().references(parent, { onDelete: "cascade" });
const updatedAt = () => text("updated_at").notNull();

// ── Page ────────────────────────────────────────────────────────────────────
/** One row per page. Page 1 is the install's first page: every row made before pages existed is on it. */
export const pageSettings = sqliteTable(
  "page_settings",
  {
    /** The page: what `page` columns elsewhere refer to. */
    id: integer("id").primaryKey(),
    /** The page's public id, as the Statuspage APIs show it. */
    pageId: text("page_id").notNull(),
    /** Its path prefix under a shared host (`/p/<slug>/`) and its `<slug>.localhost` name. */
    slug: text("slug").notNull().default("main"),
    /** Order in the admin's page switcher. */
    position: integer("position").notNull().default(0),
    name: text("name").notNull(),
    url: text("url").notNull().default(""),
    timeZone: text("time_zone").notNull().default("Etc/UTC"),
    autoResolveMinutes: integer("auto_resolve_minutes"), // null: an operator resolves
    /** The language readers get when neither `?lang=`, their cookie nor Accept-Language decides (i18n/). */
    language: text("language").notNull().default("en"),
    logoUrl: text("logo_url"),
    faviconUrl: text("favicon_url"),
    /** `#rrggbb`, checked for WCAG AA contrast when set (domain/contrast.ts). */
    brandColor: text("brand_color"),
    /** JSON `[{label, url}]`, shown in the page's header. */
    headerLinks: text("header_links").notNull().default("[]"),
    supportUrl: text("support_url"),
    footerText: text("footer_text"),
    /** `private`: only readers with the page password or a Cloudflare Access identity (worker/visibility.ts). */
    visibility: text("visibility", { enum: ["public", "private"] })
      .notNull()
      .default("public"),
    /** PBKDF2-SHA256 of the page password (`pbkdf2-sha256$<iterations>$<salt>$<hash>`); null: none. */
    pagePasswordHash: text("page_password_hash"),
    /** Signs readers' access cookies; replaced with every new password, which signs every reader out. */
    accessSecret: text("access_secret"),
    /** Retention the cron enforces on the delivery log and the audit log. */
    deliveryRetentionDays: integer("delivery_retention_days").notNull().default(30),
    auditRetentionDays: integer("audit_retention_days").notNull().default(365),
    /** Whether other sites may show the public page in a frame (frame-ancestors / X-Frame-Options). */
    allowFraming: integer("allow_framing", { mode: "boolean" }).notNull().default(true),
    /** Cloudflare Turnstile on the subscribe form when set (migration 0007); its secret is TURNSTILE_SECRET. */
    turnstileSiteKey: text("turnstile_site_key"),
    /** Minutes before a maintenance starts when its subscribers are reminded (0: no reminder; migration 0013). */
    maintenanceRemindMinutes: integer("maintenance_remind_minutes").notNull().default(60),
    /** How alerts' incidents on this page read in public (domain/public-text.ts); null: each integration's own. */
    publicText: text("public_text", { enum: ["summary", "full", "template"] }),
    publicTemplate: text("public_template"),
    /** What alerts' incidents on this page do in public (domain/publication.ts); null: each integration's own. */
    publication: text("publication", { enum: PUBLICATION_POLICIES }),
    publishAfterSeconds: integer("publish_after_seconds"),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("page_settings_slug_unique").on(t.slug)],
);

/** The host names a page answers on (`status.example.com`); a host belongs to one page. */
export const pageHosts = sqliteTable(
  "page_hosts",
  {
    host: text("host").primaryKey(), // lower case, no port
    page: integer("page")
      .notNull()
      .references(() => pageSettings.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [index("page_hosts_page_idx").on(t.page)],
);

/** The page a row belongs to (`page_settings.id`); rows made before pages existed are on page 1. */
const pageColumn = () => integer("page").notNull().default(1);

// ── Components ──────────────────────────────────────────────────────────────
export const componentGroups = sqliteTable(
  "component_groups",
  {
    id: text("id").primaryKey(),
    page: pageColumn(),
    name: text("name").notNull(),
    description: text("description"),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("component_groups_page_idx").on(t.page, t.position)],
);

export const components = sqliteTable(
  "components",
  {
    id: text("id").primaryKey(),
    page: pageColumn(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    groupId: text("group_id").references(() => componentGroups.id, { onDelete: "set null" }),
    position: integer("position").notNull().default(0),
    showcase: integer("showcase", { mode: "boolean" }).notNull().default(true),
    onlyShowIfDegraded: integer("only_show_if_degraded", { mode: "boolean" }).notNull().default(false),
    /** What the reader sees: override, else maintenance, else the alerts (domain/status.ts effectiveStatus). */
    status: componentStatus("status").notNull().default("operational"),
    /** Worst over the firing alerts routed here. */
    autoStatus: componentStatus("auto_status").notNull().default("operational"),
    overrideStatus: componentStatus("override_status"),
    inMaintenance: integer("in_maintenance", { mode: "boolean" }).notNull().default(false),
    startDate: text("start_date"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("components_page_slug_unique").on(t.page, t.slug), index("components_group_idx").on(t.groupId, t.position)],
);

/** Every change of a component's visible status: the source of uptime history. */
export const componentStatusChanges = sqliteTable(
  "component_status_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    componentId: owned("component_id", () => components.id),
    fromStatus: componentStatus("from_status").notNull(),
    toStatus: componentStatus("to_status").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("status_changes_component_at_idx").on(t.componentId, t.at)],
);

// ── Incident templates ──────────────────────────────────────────────────────
/**
 * The operator's words ready before an incident (migration 0012): chosen when an operator opens one, or
 * attached to an integration or a link so that an alert opens its incident with them (placeholders filled
 * as the integration's public text allows, domain/incident-templates.ts).
 */
export const incidentTemplates = sqliteTable(
  "incident_templates",
  {
    id: text("id").primaryKey(),
    /** The page it belongs to (page_settings.id). */
    page: integer("page").notNull().default(1),
    name: text("name").notNull(),
    /** The incident's name. */
    title: text("title").notNull(),
    /** The first update's body. */
    body: text("body").notNull(),
    /** The status an operator's incident opens in. */
    status: text("status", { enum: ["investigating", "identified", "monitoring"] })
      .notNull()
      .default("investigating"),
    /** Null: from the components' statuses. */
    impact: text("impact", { enum: IMPACTS }),
    /** The affected components and the status each is set to: `{id: status}` (null: listed, not changed). */
    components: text("components", { mode: "json" }).$type<Record<string, ComponentStatusValue | null>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("incident_templates_page_idx").on(t.page), uniqueIndex("incident_templates_page_name_unique").on(t.page, t.name)],
);

// ── Integrations and routing ────────────────────────────────────────────────
export const integrations = sqliteTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    source: text("source").notNull(),
    /** SHA-256 hex of the key; the key itself is shown once and never stored. */
    keyHash: text("key_hash").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    /** Shared secret for senders that sign their bodies (Grafana HMAC); null when unsigned. */
    signingSecret: text("signing_secret"),
    /** Per-integration receiver settings (IntegrationOptions in worker/sources/options.ts), as JSON. */
    options: text("options", { mode: "json" }).$type<IntegrationOptions>().notNull().default({}),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    /** Heartbeat: flag the integration to operators after this many quiet minutes. */
    expectedIntervalMinutes: integer("expected_interval_minutes"),
    lastDeliveryAt: text("last_delivery_at"),
    /** When the sender's own test notification last arrived (outcome `test`: nothing else changed). */
    lastTestAt: text("last_test_at"),
    /** What its alerts publish: `summary` (cleaned title, neutral body), `full` (verbatim) or `template`. */
    publicText: text("public_text", { enum: ["summary", "full", "template"] })
      .notNull()
      .default("summary"),
    /** With `template`: the operator's wording ({{component}}, {{severity}}, {{summary}} filled in). */
    publicTemplate: text("public_template"),
    /** What its alerts do in public (migration 0009): publish, review, status_only or private. */
    publication: text("publication", { enum: PUBLICATION_POLICIES }).notNull().default("publish"),
    /** With `publish`: the grace period, in seconds, before an incident still firing is published; null: at once. */
    publishAfterSeconds: integer("publish_after_seconds"),
    /** The incident template its alerts open incidents with (migration 0012); null: the public text's words. */
    incidentTemplateId: text("incident_template_id").references(() => incidentTemplates.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("integrations_key_hash_unique").on(t.keyHash)],
);

/** The integration's own components: every event it sends affects them (the StatusHub model). */
export const integrationComponents = sqliteTable(
  "integration_components",
  {
    integrationId: owned("integration_id", () => integrations.id),
    componentId: owned("component_id", () => components.id),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.componentId] })],
);

/** monitor / tag / label match → components, with the status to apply while firing (null: from severity). */
export const links = sqliteTable(
  "links",
  {
    id: text("id").primaryKey(),
    integrationId: owned("integration_id", () => integrations.id),
    matchType: text("match_type", { enum: MATCH_TYPES }).notNull(),
    matchKey: text("match_key").notNull(), // monitor id or name; tag/label key
    matchValue: text("match_value"), // tag/label value; null matches any value
    status: componentStatus("status"),
    /** The incident template the alerts it matches open incidents with; wins over the integration's. */
    incidentTemplateId: text("incident_template_id").references(() => incidentTemplates.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("links_integration_idx").on(t.integrationId)],
);

export const linkComponents = sqliteTable(
  "link_components",
  {
    linkId: owned("link_id", () => links.id),
    componentId: owned("component_id", () => components.id),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.componentId] }), index("link_components_component_idx").on(t.componentId)],
);

// ── Alerts ──────────────────────────────────────────────────────────────────
export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    integrationId: owned("integration_id", () => integrations.id),
    dedupKey: text("dedup_key").notNull(),
    /** The page whose components it is routed to: an alert reaching several pages is one row per page, each with its own incident. */
    page: pageColumn(),
    status: text("status", { enum: ALERT_STATUSES }).notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    summary: text("summary").notNull(),
    details: text("details"),
    monitorId: text("monitor_id"),
    monitorName: text("monitor_name"),
    tags: text("tags", { mode: "json" }).$type<Record<string, string>>().notNull(),
    link: text("link"),
    incidentId: text("incident_id"),
    firstTriggeredAt: text("first_triggered_at"),
    lastEventAt: text("last_event_at").notNull(),
    lastAction: text("last_action").notNull(),
    acknowledgedAt: text("acknowledged_at"),
    resolvedAt: text("resolved_at"),
    /** A trigger the sender re-confirms on a schedule (Uptime Kuma's resend) stops counting after this. */
    expiresAt: text("expires_at"),
    /** Whether it counts in public (migration 0009): `held` until its incident is published, `private` never. */
    visibility: text("visibility", { enum: ALERT_VISIBILITIES }).notNull().default("public"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // What makes a duplicate delivery harmless (on each page it reaches).
    uniqueIndex("alerts_integration_dedup_page_unique").on(t.integrationId, t.dedupKey, t.page),
    index("alerts_incident_idx").on(t.incidentId),
    index("alerts_status_idx").on(t.status),
    index("alerts_expires_idx").on(t.expiresAt).where(sql`${t.expiresAt} IS NOT NULL`),
  ],
);

/** Where a firing alert is routed, and the status it asks for there. */
export const alertComponents = sqliteTable(
  "alert_components",
  {
    alertId: owned("alert_id", () => alerts.id),
    componentId: owned("component_id", () => components.id),
    status: componentStatus("status"), // null: no change (info)
  },
  (t) => [primaryKey({ columns: [t.alertId, t.componentId] }), index("alert_components_component_idx").on(t.componentId)],
);

// ── Incidents and maintenance ───────────────────────────────────────────────
/** Incidents and scheduled maintenances share a table, as in Statuspage: `kind` tells them apart. */
export const incidents = sqliteTable(
  "incidents",
  {
    id: text("id").primaryKey(),
    page: pageColumn(),
    kind: text("kind", { enum: INCIDENT_KINDS }).notNull().default("incident"),
    name: text("name").notNull(),
    status: text("status", { enum: INCIDENT_OR_MAINTENANCE_STATUSES }).notNull(),
    impact: text("impact", { enum: INCIDENT_IMPACTS }).notNull(),
    /** Opened by an alert (the state machine owns it) rather than by an operator. */
    automatic: integer("automatic", { mode: "boolean" }).notNull().default(true),
    shortlink: text("shortlink"),
    startedAt: text("started_at").notNull(),
    monitoringAt: text("monitoring_at"),
    resolvedAt: text("resolved_at"),
    scheduledFor: text("scheduled_for"),
    scheduledUntil: text("scheduled_until"),
    lastAlertAt: text("last_alert_at"),
    /** Only `published` incidents reach the public and the notifications (migration 0009). */
    publication: text("publication", { enum: INCIDENT_PUBLICATIONS }).notNull().default("published"),
    /** Pending: when the grace period ends and the incident, still firing, is published. */
    publishAt: text("publish_at"),
    /** The resolved incident's postmortem, in Markdown: a draft until `postmortemPublishedAt` (migration 0013). */
    postmortemBody: text("postmortem_body"),
    postmortemBodyUpdatedAt: text("postmortem_body_updated_at"),
    postmortemPublishedAt: text("postmortem_published_at"),
    /** When subscribers and channels were told of the published postmortem; null: they were not. */
    postmortemNotifiedAt: text("postmortem_notified_at"),
    /** A maintenance's reminder, in minutes before it starts; null: the page's setting, 0: none. */
    remindMinutes: integer("remind_minutes"),
    /** The recurring rule that made this maintenance; null: scheduled by hand. */
    ruleId: text("rule_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // What makes the cron's creation of a rule's occurrence idempotent.
    uniqueIndex("incidents_rule_occurrence_unique").on(t.ruleId, t.scheduledFor).where(sql`${t.ruleId} IS NOT NULL`),
    index("incidents_open_idx").on(t.kind, t.resolvedAt),
    index("incidents_page_idx").on(t.page, t.kind, t.createdAt),
    index("incidents_created_idx").on(t.createdAt),
    // The cron's look-up of grace periods that ran out, and the admin's list of drafts.
    index("incidents_unpublished_idx").on(t.publication, t.publishAt).where(sql`${t.publication} != 'published'`),
  ],
);

export const incidentUpdates = sqliteTable(
  "incident_updates",
  {
    id: text("id").primaryKey(),
    incidentId: owned("incident_id", () => incidents.id),
    status: text("status", { enum: INCIDENT_OR_MAINTENANCE_STATUSES }).notNull(),
    body: text("body").notNull(),
    /** [{code, name, old_status, new_status}] or null, as Statuspage shows it. */
    affectedComponents: text("affected_components", { mode: "json" }).$type<AffectedComponent[] | null>(),
    createdAt: createdAt(),
    displayAt: text("display_at").notNull(),
    /** Whether subscribers and channels hear of it (Statuspage's deliver_notifications); imported history never is. */
    deliverNotifications: integer("deliver_notifications", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [index("incident_updates_incident_idx").on(t.incidentId, t.createdAt)],
);

export interface AffectedComponent {
  code: string;
  name: string;
  old_status: string;
  new_status: string;
}

export const incidentComponents = sqliteTable(
  "incident_components",
  {
    incidentId: owned("incident_id", () => incidents.id),
    componentId: owned("component_id", () => components.id),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.componentId] }), index("incident_components_component_idx").on(t.componentId)],
);

/** Notifications that are not an incident update: a maintenance's reminder, a postmortem published. Once per (incident, kind). */
export const incidentNotices = sqliteTable(
  "incident_notices",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    page: pageColumn(),
    incidentId: owned("incident_id", () => incidents.id),
    kind: text("kind", { enum: NOTICE_KINDS }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("incident_notices_unique").on(t.incidentId, t.kind), index("incident_notices_page_idx").on(t.page)],
);

/** Recurring maintenance: the cron creates each occurrence ahead of time (domain/recurrence.ts). */
export const maintenanceRules = sqliteTable(
  "maintenance_rules",
  {
    id: text("id").primaryKey(),
    page: pageColumn(),
    name: text("name").notNull(),
    body: text("body"),
    componentIds: text("component_ids", { mode: "json" }).$type<string[]>().notNull(),
    frequency: text("frequency", { enum: RULE_FREQUENCIES }).notNull(),
    /** weekly: ISO weekdays, 1 (Monday) to 7 (Sunday). */
    weekdays: text("weekdays", { mode: "json" }).$type<number[]>().notNull().default([]),
    /** interval: every this many days from `startsOn`. */
    intervalDays: integer("interval_days"),
    /** `HH:MM` in the page's time zone. */
    startTime: text("start_time").notNull(),
    /** `YYYY-MM-DD`: the first day an occurrence may fall on. */
    startsOn: text("starts_on").notNull(),
    /** `YYYY-MM-DD`: the last day an occurrence may start on; null: no end. */
    endsOn: text("ends_on"),
    durationMinutes: integer("duration_minutes").notNull(),
    remindMinutes: integer("remind_minutes"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("maintenance_rules_page_idx").on(t.page)],
);

// ── Logs ────────────────────────────────────────────────────────────────────
/** Every webhook that arrived and what it did, so an operator can see it. */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id"),
    source: text("source").notNull(),
    receivedAt: text("received_at").notNull(),
    outcome: text("outcome", { enum: DELIVERY_OUTCOMES }).notNull(),
    httpStatus: integer("http_status").notNull(),
    eventCount: integer("event_count").notNull().default(0),
    /** What the events did: applied, duplicate, stale, unrouted counts. */
    summary: text("summary", { mode: "json" }).$type<Record<string, number>>(),
    error: text("error"),
    /** Truncated, secrets redacted. */
    payload: text("payload"),
  },
  (t) => [index("deliveries_received_idx").on(t.receivedAt), index("deliveries_integration_idx").on(t.integrationId, t.receivedAt)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
  },
  (t) => [index("audit_log_at_idx").on(t.at)],
);

/** Admin UI sessions: the cookie carries only the id, so signing out (or out everywhere) ends them. */
export const adminSessions = sqliteTable(
  "admin_sessions",
  {
    id: text("id").primaryKey(), // SHA-256 hex of the cookie's secret
    actor: text("actor").notNull(),
    csrf: text("csrf").notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("admin_sessions_expires_idx").on(t.expiresAt)],
);

/** Operator keys: `Authorization: Bearer <key>` on the admin API, limited to some pages or not (db/keys.ts). */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** SHA-256 hex of the key; the key itself is shown once and never stored. */
    keyHash: text("key_hash").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    /** JSON array of the page ids (`page_settings.id`) it may touch; null: every page. */
    pages: text("pages"),
    createdAt: createdAt(),
    createdBy: text("created_by").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_key_hash_unique").on(t.keyHash)],
);

/**
 * The pages a Cloudflare Access identity may touch in the admin: an email, `group:<name>` for an Access
 * group, or `*` for every identity not listed (absent: those keep every page).
 */
export const operatorPages = sqliteTable("operator_pages", {
  identity: text("identity").primaryKey(),
  /** JSON array of page ids; `[]`: none. */
  pages: text("pages").notNull(),
  createdAt: createdAt(),
  createdBy: text("created_by").notNull(),
});

/** Deliveries refused for an unknown key: counted per hour, source and key prefix, never stored. */
export const refusedDeliveries = sqliteTable(
  "refused_deliveries",
  {
    hour: text("hour").notNull(), // YYYY-MM-DDTHH
    source: text("source").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    count: integer("count").notNull().default(0),
    lastAt: text("last_at").notNull(),
    lastError: text("last_error").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.source, t.keyPrefix] })],
);

/**
 * Failed sign-ins, wrong bearer tokens, wrong page passwords and subscribe requests (and the attempts
 * refused while a limit held): counted per hour, kind and client, never stored one row each.
 * Distinct clients per hour and kind are capped (worker/security/rate-limit.ts), past it they share `*`.
 */
export const failedAttempts = sqliteTable(
  "failed_attempts",
  {
    hour: text("hour").notNull(), // YYYY-MM-DDTHH
    kind: text("kind").notNull(),
    client: text("client").notNull(),
    failures: integer("failures").notNull().default(0),
    refused: integer("refused").notNull().default(0),
    lastAt: text("last_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.kind, t.client] })],
);

/**
 * One row: the last Ingestor inbox sequence number projected into D1. Written in the same batch as
 * the projected rows, so a batch replayed after a lost answer or a restart is refused (see worker/ingestor.ts).
 */
export const ingestProgress = sqliteTable(
  "ingest_progress",
  {
    id: integer("id").primaryKey(),
    appliedSeq: integer("applied_seq").notNull(),
  },
  (t) => [check("ingest_progress_one_row", sql`${t.id} = 1`)],
);

// ── Notifications ───────────────────────────────────────────────────────────
/** What an operator channel hears: incidents, maintenance, component status changes. */
export type NotifyGroup = "incident" | "maintenance" | "component";

/** Operator channels: where the team hears of every change (worker/notify). */
export const channels = sqliteTable(
  "channels",
  {
    id: text("id").primaryKey(),
    /** The page it listens to; null: every page. */
    page: integer("page").default(1),
    name: text("name").notNull(),
    kind: text("kind", { enum: CHANNEL_KINDS }).notNull(),
    /** webhook/slack/discord/teams: the URL; datadog: the api_url; email: the address. */
    target: text("target").notNull(),
    /** webhook: the `whsec_…` signing secret; datadog: the API key. Shown once, never again. */
    secret: text("secret"),
    /** Component ids; null: every component. */
    componentIds: text("component_ids", { mode: "json" }).$type<string[] | null>(),
    /** Event groups; null: incident + maintenance. */
    events: text("events", { mode: "json" }).$type<NotifyGroup[] | null>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check("channels_kind", sql`${t.kind} IN ('webhook','slack','discord','teams','datadog','email')`)],
);

/** The public's subscriptions. Unsubscribe = DELETE of the row. */
export const subscribers = sqliteTable(
  "subscribers",
  {
    id: text("id").primaryKey(),
    /** The page subscribed to (its components, or some of them). */
    page: pageColumn(),
    email: text("email").notNull(),
    /** Null: an email subscriber. */
    webhookUrl: text("webhook_url"),
    /** Component ids; null: every component. */
    componentIds: text("component_ids", { mode: "json" }).$type<string[] | null>(),
    language: text("language").notNull().default("en"),
    /** Random capability token for the confirm, manage and unsubscribe links. */
    token: text("token").notNull(),
    /** Null: waiting for the double opt-in; nothing is sent to it. */
    confirmedAt: text("confirmed_at"),
    createdBy: text("created_by", { enum: ["public", "operator"] })
      .notNull()
      .default("public"),
    createdAt: createdAt(),
    /** A webhook subscriber: when its deliveries began failing, every one since (null: the last one arrived). */
    failingSince: text("failing_since"),
    /** A webhook subscriber that failed every delivery for a day: nothing is sent to it any more. */
    disabledAt: text("disabled_at"),
  },
  (t) => [
    uniqueIndex("subscribers_token_unique").on(t.token),
    index("subscribers_email_idx").on(t.email),
    // One subscriber per (page, email, webhook): parallel sign-ups for one address make one row.
    uniqueIndex("subscribers_page_email_webhook_unique").on(t.page, t.email, sql`coalesce(${t.webhookUrl}, '')`),
    check("subscribers_created_by", sql`${t.createdBy} IN ('public','operator')`),
  ],
);

/** The notification log, and the idempotency record: one row per (event, recipient). */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    /** `<event id>:<recipient id>`; also the webhook-id. */
    idempotencyKey: text("idempotency_key").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    incidentId: text("incident_id"),
    componentId: text("component_id"),
    recipientType: text("recipient_type", { enum: ["channel", "subscriber"] }).notNull(),
    recipientId: text("recipient_id").notNull(),
    channelKind: text("channel_kind").notNull(),
    /** Masked: no URL secrets, no full address. */
    target: text("target").notNull(),
    /** sending | delivered | retrying | failed */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    httpStatus: integer("http_status"),
    leaseUntil: text("lease_until"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [
    uniqueIndex("notifications_key_unique").on(t.idempotencyKey),
    index("notifications_created_idx").on(t.createdAt),
    index("notifications_status_idx").on(t.status, t.createdAt),
    check("notifications_recipient_type", sql`${t.recipientType} IN ('channel','subscriber')`),
  ],
);

// ── Row types, as a query returns them ──────────────────────────────────────
export type PageHostRow = typeof pageHosts.$inferSelect;
export type ComponentGroupRow = typeof componentGroups.$inferSelect;
export type ComponentRow = typeof components.$inferSelect;
export type IntegrationRow = typeof integrations.$inferSelect;
export type Channel = typeof channels.$inferSelect;
export type Subscriber = typeof subscribers.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type MaintenanceRuleRow = typeof maintenanceRules.$inferSelect;
export type IncidentTemplateRow = typeof incidentTemplates.$inferSelect;

/**
 * What an import brought in, by the source's own ids: a second run of the same import finds them here
 * and adds only what is new. `source` is the page's base URL; `kind` component, group, incident, update or subscriber.
 */
export const importMappings = sqliteTable(
  "import_mappings",
  {
    page: pageColumn(),
    source: text("source").notNull(),
    kind: text("kind", { enum: ["component", "group", "incident", "update", "subscriber"] }).notNull(),
    sourceId: text("source_id").notNull(),
    localId: text("local_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.page, t.source, t.kind, t.sourceId] }), index("import_mappings_local_idx").on(t.localId)],
);

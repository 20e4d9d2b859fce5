// The admin inputs, one schema per action, shared by the JSON API and the UI's forms (which build
// the same objects from their fields), so both edges refuse the same things with the same messages.
import { z } from "zod";
import { INCIDENT_UPDATE_STATUSES } from "../../domain/admin-actions";
import { checkBrandColour, isHexColour } from "../../domain/contrast";
import { integrationOptions, integrationOptionsPatch } from "../../domain/integration-options";
import { isTimeZone } from "../../domain/maintenance";
import { PUBLIC_TEXT_MODES } from "../../domain/public-text";
import { COMPONENT_STATUSES, IMPACTS, MAINTENANCE_STATUSES, PUBLICATION_POLICIES } from "../../domain/status";
import { LANGUAGES } from "../../i18n";
import { VISIBILITIES } from "../reader-settings";
import { SOURCES } from "../sources/registry";

export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lowercase letters, digits and dashes");
export const idSchema = z.string().regex(/^[a-z0-9]{12}$/, "must be a 12-character id");
const name = z.string().trim().min(1, "is required").max(120);
const description = z.string().max(2000).nullable().optional();
const position = z.number().int().min(0).max(1_000_000).optional();
const componentStatus = z.enum(COMPONENT_STATUSES);
const ids = z.array(idSchema).max(100);
/** Requested component statuses: id → status, or null to go back to automatic. */
const componentStatuses = z.record(idSchema, componentStatus.nullable()).optional();
const message = z.string().max(10_000).nullable().optional();

/** ISO 8601 with a zone, normalised to the API's form (UTC, milliseconds). */
export const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, "must be an ISO 8601 time with a zone")
  .refine((s) => !Number.isNaN(Date.parse(s)), "is not a valid time")
  .transform((s) => new Date(s).toISOString());

/** Statuspage's "show only when not operational". */
const onlyShowIfDegraded = z.boolean().optional();

export const componentCreate = z.strictObject({
  name,
  slug: slugSchema.optional(),
  group_id: idSchema.nullable().optional(),
  description,
  position,
  only_show_if_degraded: onlyShowIfDegraded,
});
export type ComponentCreate = z.infer<typeof componentCreate>;

/** Every field of a creation, each optional. */
export const componentPatch = componentCreate.partial();
export type ComponentPatch = z.infer<typeof componentPatch>;

export const componentStatusPut = z.strictObject({ status: componentStatus });

export const groupCreate = z.strictObject({ name, description, position });
export type GroupCreate = z.infer<typeof groupCreate>;
export const groupPatch = z.strictObject({ name: name.optional(), description, position });
export type GroupPatch = z.infer<typeof groupPatch>;

/**
 * The per-integration options may come together in `options` or at the top level: `signing_secret`
 * is kept in its own column (never shown back), `verify_signatures` and `mapping` in the options.
 * Any other setting at the top level (`timestamp_header`…) is refused, naming it and where it goes.
 */
function gatherOptions(input: unknown): unknown {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!plain(input)) return input;
  const body = { ...input };
  let options: unknown = plain(body.options) ? { ...body.options } : body.options;
  if (plain(options) && "signing_secret" in options) {
    if (!("signing_secret" in body)) body.signing_secret = options.signing_secret;
    delete options.signing_secret;
  }
  for (const key of ["verify_signatures", "mapping"] as const) {
    if (!(key in body)) continue;
    if (options === undefined) options = {};
    if (plain(options) && !(key in options)) options[key] = body[key];
    delete body[key];
  }
  if (options !== undefined) body.options = options;
  return body;
}

/** What its alerts publish (domain/public-text.ts); a template needs its wording. */
const publicText = z.enum(PUBLIC_TEXT_MODES).optional();
const publicTemplate = z.string().trim().min(1, "is required").max(255).nullable().optional();
const templateNeedsWording = (b: { public_text?: string; public_template?: string | null }) => b.public_text !== "template" || !!b.public_template;
const TEMPLATE_MESSAGE = {
  message: "is required when `public_text` is template (use {{components}}, {{severity}}, {{title}})",
  path: ["public_template"],
};

/** An unknown top-level field of an integration body: a receiver setting in the wrong place, or a typo. */
const integrationFieldError = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys" && issue.keys?.length && Object.hasOwn(integrationOptions.shape, issue.keys[0]!)
      ? `is a receiver setting: put it inside \`options\` ({"options": {"${issue.keys[0]}": …}})`
      : undefined,
};

/**
 * What its alerts do in public, and with `publish` an optional grace period: an incident
 * still firing after that many seconds is published, one that recovers sooner is suppressed.
 */
const publication = z.enum(PUBLICATION_POLICIES).optional();
const publishAfterSeconds = z.number().int("must be a whole number of seconds").min(0).max(86_400, "must be at most 86400 (one day)").nullable().optional();
export const GRACE_NEEDS_PUBLISH = "is only meaningful with `publication` publish: set it to 0 or null, or publish";
const graceWithPublish = (b: { publication?: string; publish_after_seconds?: number | null }) =>
  !b.publish_after_seconds || b.publication === undefined || b.publication === "publish";
const GRACE_MESSAGE = { message: GRACE_NEEDS_PUBLISH, path: ["publish_after_seconds"] };

export const integrationCreate = z.preprocess(
  gatherOptions,
  z
    .strictObject(
      {
        name,
        source: z.enum(SOURCES),
        component_ids: ids.optional(),
        /** Shared secret for signed deliveries (Grafana's X-Grafana-Alerting-Signature). */
        signing_secret: z.string().min(8).max(256).nullable().optional(),
        /** Receiver settings (Grafana's signature_header, timestamp_header). */
        options: integrationOptions.optional(),
        public_text: publicText,
        public_template: publicTemplate,
        publication,
        publish_after_seconds: publishAfterSeconds,
        /** The incident template its alerts open incidents with. */
        incident_template_id: idSchema.nullable().optional(),
      },
      integrationFieldError,
    )
    .refine(templateNeedsWording, TEMPLATE_MESSAGE)
    .refine(graceWithPublish, GRACE_MESSAGE),
);
export type IntegrationCreate = z.infer<typeof integrationCreate>;

/** Heartbeat: operators see the integration flagged `silent` after this many minutes without a delivery. */
const expectedInterval = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 30)
  .nullable()
  .optional();

export const integrationPatch = z.preprocess(
  gatherOptions,
  z.strictObject(
    {
      name: name.optional(),
      disabled: z.boolean().optional(),
      expected_interval_minutes: expectedInterval,
      component_ids: ids.optional(),
      signing_secret: z.string().min(8).max(256).nullable().optional(),
      /** Merged into the stored options: a value sets a setting, null clears it. */
      options: integrationOptionsPatch.optional(),
      public_text: publicText,
      public_template: publicTemplate,
      publication,
      publish_after_seconds: publishAfterSeconds,
      incident_template_id: idSchema.nullable().optional(),
    },
    integrationFieldError,
  ),
);
export type IntegrationPatch = z.infer<typeof integrationPatch>;

const matchSchema = z
  .strictObject({
    monitor: z.string().min(1).max(255).optional(),
    tag: z.string().min(1).max(255).optional(),
    label: z.string().min(1).max(255).optional(),
  })
  .refine((m) => [m.monitor, m.tag, m.label].filter(Boolean).length === 1, "must have exactly one of monitor, tag, label");

export const linkCreate = z.strictObject({
  integration_id: idSchema,
  match: matchSchema,
  component_ids: ids.min(1, "must name at least one component"),
  status: componentStatus.nullable().optional(),
  /** The incident template the alerts it matches open incidents with (wins over the integration's). */
  incident_template_id: idSchema.nullable().optional(),
});
export type LinkCreate = z.infer<typeof linkCreate>;

/** A link's incident template, set or (null) cleared. */
export const linkPatch = z.strictObject({ incident_template_id: idSchema.nullable() });

/** Link an unrouted alert: by its monitor unless `match` says otherwise. */
export const alertLink = z.strictObject({
  match: matchSchema.optional(),
  component_ids: ids.min(1, "must name at least one component"),
  status: componentStatus.nullable().optional(),
});
export type AlertLink = z.infer<typeof alertLink>;

export const incidentUpdate = z.strictObject({
  status: z.enum([...INCIDENT_UPDATE_STATUSES, ...MAINTENANCE_STATUSES]),
  body: message,
  components: componentStatuses,
});
export type IncidentUpdate = z.infer<typeof incidentUpdate>;

/** The statuses an incident opened by hand may start in: any an operator may post but `resolved`. */
export const OPENING_STATUSES = z.enum(INCIDENT_UPDATE_STATUSES).exclude(["resolved"]);

export const incidentCreate = z
  .strictObject({
    name: z.string().trim().min(1, "is required").max(255).optional(),
    status: OPENING_STATUSES.optional(),
    impact: z.enum(IMPACTS).optional(),
    body: message,
    component_ids: ids.optional(),
    components: componentStatuses,
    /** An incident template: its words, status, impact and components, for whatever the body leaves out. */
    template_id: idSchema.optional(),
  })
  .refine((b) => b.name !== undefined || b.template_id !== undefined, { message: "is required (or give a `template_id`)", path: ["name"] });

/** An incident template: the words and components an incident opens with. */
export const incidentTemplateCreate = z.strictObject({
  name,
  title: z.string().trim().min(1, "is required").max(255),
  body: z.string().trim().min(1, "is required").max(10_000),
  status: OPENING_STATUSES.optional(),
  impact: z.enum(IMPACTS).nullable().optional(),
  /** Affected components with the status each is set to (null: listed, status unchanged). */
  components: z.record(idSchema, componentStatus.nullable()).optional(),
  /** Affected components whose status is left as it is. */
  component_ids: ids.optional(),
});
export type IncidentTemplateCreate = z.infer<typeof incidentTemplateCreate>;
export const incidentTemplatePatch = incidentTemplateCreate.partial();
export type IncidentTemplatePatch = z.infer<typeof incidentTemplatePatch>;
export type IncidentCreate = z.infer<typeof incidentCreate>;

/** Publishing a draft: optionally with a new name and first update (what the public will read). */
export const incidentPublish = z.strictObject({
  name: z.string().trim().min(1, "is required").max(255).optional(),
  body: z.string().trim().min(1, "is required").max(10_000).optional(),
});
export type IncidentPublish = z.infer<typeof incidentPublish>;

/** Minutes before a maintenance starts when subscribers are reminded (0: none; null: the page's setting). */
const remindMinutes = z.number().int("must be a whole number of minutes").min(0).max(10_080);

export const maintenanceCreate = z.strictObject({
  name: z.string().trim().min(1, "is required").max(255),
  body: message,
  scheduled_for: instant,
  scheduled_until: instant,
  component_ids: ids.min(1, "must name at least one component"),
  remind_minutes: remindMinutes.nullable().optional(),
});
export type MaintenanceCreate = z.infer<typeof maintenanceCreate>;

/** A postmortem's Markdown (rendered with raw HTML shown as text, domain/markdown.ts). */
export const postmortemPut = z.strictObject({ body: z.string().trim().min(1, "is required").max(50_000) });
export type PostmortemPut = z.infer<typeof postmortemPut>;

/** Publishing it; `notify`: subscribers and channels hear of it (once). */
export const postmortemPublish = z.strictObject({ notify: z.boolean().optional() });

const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "is not a valid date");

/** A recurring maintenance: weekly on `weekdays` (1 Monday … 7 Sunday) or every `interval_days`, at `start_time` in the page's time zone. */
export const maintenanceRule = z.strictObject({
  name: z.string().trim().min(1, "is required").max(255),
  body: message,
  component_ids: ids.min(1, "must name at least one component"),
  frequency: z.enum(["weekly", "interval"]),
  weekdays: z.array(z.number().int().min(1, "must be 1 (Monday) to 7 (Sunday)").max(7, "must be 1 (Monday) to 7 (Sunday)")).max(7).optional(),
  interval_days: z.number().int().min(1).max(366).nullable().optional(),
  start_time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time as HH:MM (24-hour)"),
  starts_on: calendarDay,
  ends_on: calendarDay.nullable().optional(),
  duration_minutes: z.number().int().min(1).max(10_080),
  remind_minutes: remindMinutes.nullable().optional(),
});
export type MaintenanceRuleBody = z.infer<typeof maintenanceRule>;

/** A link readers follow or an image they load: http(s) only (never javascript:, data: or the like). */
export const webUrl = z
  .string()
  .trim()
  .max(500)
  .refine((u) => {
    try {
      const url = new URL(u);
      return (url.protocol === "https:" || url.protocol === "http:") && !!url.hostname && !/\s/.test(u);
    } catch {
      return false;
    }
  }, "must be an http(s) URL");
/** Set, or cleared with null or "". */
const optionalUrl = z.union([webUrl, z.literal("").transform(() => null), z.null()]).optional();

/** `#rrggbb`, readable as text at WCAG AA in light and dark mode (domain/contrast.ts). */
const brandColor = z
  .union([
    z
      .string()
      .trim()
      .toLowerCase()
      .refine(isHexColour, "must be a colour as #rrggbb")
      .superRefine((colour, ctx) => {
        if (!isHexColour(colour)) return;
        const check = checkBrandColour(colour);
        if (!check.ok) ctx.addIssue({ code: "custom", message: check.problem });
      }),
    z.literal("").transform(() => null),
    z.null(),
  ])
  .optional();

const headerLinks = z
  .array(z.strictObject({ label: z.string().trim().min(1, "is required").max(40), url: webUrl }))
  .max(6, "at most 6 links")
  .optional();

export const settingsPut = z.strictObject({
  /** Read-only, as GET /settings answers them: accepted back (a client PUTs what it read) and ignored. */
  page_id: z.string().max(64).optional(),
  page_password_set: z.boolean().optional(),
  name,
  url: z
    .string()
    .trim()
    .max(500)
    .refine((u) => u === "" || /^https?:\/\/[^\s]+$/.test(u), "must be an http(s) URL or empty"),
  time_zone: z.string().min(1).max(64).refine(isTimeZone, "must be an IANA time zone such as Europe/Paris or Etc/UTC"),
  auto_resolve_minutes: z.number().int().min(1).max(10_080).nullable(),
  /** The default reminder before a maintenance starts, in minutes (0: none). */
  maintenance_remind_minutes: remindMinutes.optional(),
  delivery_retention_days: z.number().int().min(1).max(3650).optional(),
  audit_retention_days: z.number().int().min(1).max(3650).optional(),
  allow_framing: z.boolean().optional(),
  // Optional in a PUT, so a client that predates them keeps what is set.
  language: z.enum(LANGUAGES).optional(),
  logo_url: optionalUrl,
  favicon_url: optionalUrl,
  brand_color: brandColor,
  header_links: headerLinks,
  support_url: optionalUrl,
  footer_text: z.union([z.string().trim().max(500), z.null()]).optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  /** Set it (8 to 200 characters), clear it with null; stored hashed, never shown again. */
  page_password: z.union([z.string().min(8, "must be at least 8 characters").max(200), z.null()]).optional(),
  /** Turnstile on the subscribe form: its site key, or null / "" for none. */
  turnstile_site_key: z
    .union([
      z
        .string()
        .trim()
        .regex(/^([0-9A-Za-z_-]{1,100})?$/, "must be a Turnstile site key (letters, digits, _ and -)"),
      z.null(),
    ])
    .optional(),
  /** The page's own wording and publication policy for alerts' incidents on it; null: each integration's; absent: kept. */
  public_text: z.enum(PUBLIC_TEXT_MODES).nullable().optional(),
  public_template: publicTemplate,
  publication: z.enum(PUBLICATION_POLICIES).nullable().optional(),
  publish_after_seconds: publishAfterSeconds,
});
export type SettingsPut = z.infer<typeof settingsPut>;

// ── Pages, operator keys, Access identities ─────────────────────────────────

/** A page's slug: its `/p/<slug>/` prefix and `<slug>.localhost` name, so a DNS label. */
export const pageSlug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "must be 1 to 40 lowercase letters, digits and inner dashes");
/** A host name, lower-cased, without a port or a trailing dot. */
const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .transform((h) => h.replace(/\.$/, ""))
  .pipe(
    z
      .string()
      .max(253)
      .regex(
        /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
        "must be a host name (letters, digits, dashes and dots; no port)",
      ),
  );
const hosts = z
  .array(hostName)
  .max(20)
  .transform((hs) => [...new Set(hs)]);
export const pageCreate = z.strictObject({ name, slug: pageSlug, hosts: hosts.optional() });
export type PageCreate = z.infer<typeof pageCreate>;
export const pagePatch = z.strictObject({ name: name.optional(), slug: pageSlug.optional(), hosts: hosts.optional() });
export type PagePatch = z.infer<typeof pagePatch>;

/** Pages an operator may touch, by id; null or absent: every page. */
const pageIds = z.array(z.number().int().min(1)).min(1, "must name at least one page (or be null for every page)").max(100);
export const keyCreate = z.strictObject({ name, pages: pageIds.nullable().optional() });
export type KeyCreate = z.infer<typeof keyCreate>;

export const operatorPagesPut = z.strictObject({
  identity: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(\*|[^\s@]+@[^\s@]+|service-token:\S+)$/, "must be an email, `service-token:<client id>` or `*` (every identity not listed)"),
  pages: z.array(z.number().int().min(1)).max(100),
});
export type OperatorPagesPut = z.infer<typeof operatorPagesPut>;

// Integrations (senders and their keys), links (routing rules) and unrouted alerts.
// A key is shown once, in the answer to create or rotate; only its hash and a 6-character prefix are
// stored, and neither the audit log nor any listing carries it.

import { audit } from "../../db/audit";
import { existingComponentIds } from "../../db/components";
import {
  alertRow,
  alertRows,
  deleteLinkRows,
  insertIntegration,
  integrationRow,
  integrationRows,
  linkRow,
  linkRows,
  replaceIntegrationComponents,
  updateIntegrationFields,
} from "../../db/integrations";
import { type Row, str } from "../../db/sql";
import { linkMatchOptions } from "../../domain/admin-actions";
import { newId, newIntegrationKey, nowIso, sha256Hex } from "../../domain/ids";
import { applyOptionsPatch, type IntegrationOptions, readOptions } from "../../domain/integration-options";
import type { PublicTextMode } from "../../domain/public-text";
import type { ComponentStatus, PublicationPolicy } from "../../domain/status";
import type { Env } from "../env";
import { HttpError } from "../errors";
import { type HeartbeatStatus, ingestor } from "../ingestor";
import { type AdminCtx, command, commit } from "./catalog";
import { getIncidentTemplate } from "./incident-templates";
import { type AlertLink, GRACE_NEEDS_PUBLISH, type IntegrationCreate, type IntegrationPatch, type LinkCreate } from "./schemas";

export function webhookUrl(base: string, source: string, key: string): string {
  return source === "pagerduty" ? `${base}/v2/enqueue` : `${base}/hooks/${source}/${key}`;
}

export interface IntegrationJson {
  id: string;
  name: string;
  source: string;
  key_prefix: string;
  webhook_url_template: string;
  component_ids: string[];
  disabled: boolean;
  signed: boolean;
  last_delivery_at: string | null;
  /** When the sender's own test notification last arrived (logged with outcome `test`, nothing else changed). */
  last_test_at: string | null;
  /** Heartbeat: null when none is expected. */
  expected_interval_minutes: number | null;
  /** Nothing arrived for longer than expected (shown to operators, never to the public). */
  silent: boolean;
  /** What its alerts publish: summary, full or template (domain/public-text.ts). */
  public_text: string;
  public_template: string | null;
  /** What its alerts do in public: publish, review, status_only or private. */
  publication: PublicationPolicy;
  /** With publish: seconds an incident must keep firing before it is published; null: at once. */
  publish_after_seconds: number | null;
  /** Receiver settings: Grafana's `signature_header` and `timestamp_header`, `verify_signatures`, `mapping`, `sentry_issue_events`. */
  options: IntegrationOptions;
  /** CloudWatch: the SNS subscriptions this page confirmed (from the delivery log), newest first. */
  sns_subscriptions?: Array<{ topic_arn: string | null; confirmed_at: string }>;
  /** The incident template its alerts open incidents with; null: the public text's words. */
  incident_template_id: string | null;
  /** Heartbeat integrations and Alertmanager Watchdogs: the last ping and the lateness, as the ingestor keeps them. */
  heartbeat?: HeartbeatStatus;
}

/** Every heartbeat's state, by integration id: from the ingestor's storage, where pings are kept (never D1). */
export const heartbeatStates = (env: Env): Promise<Record<string, HeartbeatStatus>> => ingestor(env).heartbeats(nowIso());

/** The answer to create and rotate: the only time the key leaves the worker. */
export interface IntegrationWithKey {
  id: string;
  name: string;
  source: string;
  key: string;
  webhook_url: string;
}

function integrationJson(r: Row, base: string, heartbeats: Record<string, HeartbeatStatus> = {}): IntegrationJson {
  const heartbeat = heartbeats[String(r.id)];
  return {
    id: String(r.id),
    name: String(r.name),
    source: String(r.source),
    key_prefix: String(r.key_prefix),
    webhook_url_template: webhookUrl(base, String(r.source), `${r.key_prefix}…`),
    component_ids: JSON.parse(String(r.component_ids)),
    disabled: !!r.disabled,
    signed: !!r.signed,
    last_delivery_at: str(r.last_delivery_at),
    last_test_at: str(r.last_test_at),
    expected_interval_minutes: r.expected_interval_minutes == null ? null : Number(r.expected_interval_minutes),
    silent: !!r.silent,
    public_text: String(r.public_text ?? "summary"),
    public_template: str(r.public_template),
    publication: (str(r.publication) ?? "publish") as PublicationPolicy,
    publish_after_seconds: r.publish_after_seconds == null ? null : Number(r.publish_after_seconds),
    options: readOptions(r.options),
    incident_template_id: str(r.incident_template_id),
    ...(r.sns_subscriptions != null ? { sns_subscriptions: JSON.parse(String(r.sns_subscriptions)) } : {}),
    ...(heartbeat ? { heartbeat } : {}),
  };
}

export async function listIntegrations(db: D1Database, base: string, heartbeats?: Record<string, HeartbeatStatus>): Promise<IntegrationJson[]> {
  return (await integrationRows(db)).map((r) => integrationJson(r, base, heartbeats));
}

export async function getIntegration(db: D1Database, base: string, id: string, heartbeats?: Record<string, HeartbeatStatus>): Promise<IntegrationJson> {
  const row = await integrationRow(db, id);
  if (!row) throw new HttpError(404, `no integration ${id}`);
  return integrationJson(row, base, heartbeats);
}

export async function assertComponentsExist(db: D1Database, ids: string[], field: string) {
  if (!ids.length) return;
  const found = await existingComponentIds(db, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new HttpError(400, `\`${field}\` names unknown components: ${missing.join(", ")}`, field);
}

/** Any change to an integration: through the Ingestor (commit), so the next delivery is decided on it. */
async function changed(ctx: AdminCtx, statements: D1PreparedStatement[]) {
  await commit(ctx.env, statements);
}

export async function createIntegration(ctx: AdminCtx, body: IntegrationCreate): Promise<IntegrationWithKey> {
  const db = ctx.env.DB;
  const componentIds = [...new Set(body.component_ids ?? [])];
  await assertComponentsExist(db, componentIds, "component_ids");
  if (body.incident_template_id) await getIncidentTemplate(db, body.incident_template_id, ctx.page, "incident_template_id");
  const id = newId();
  const key = newIntegrationKey();
  const now = nowIso();
  await changed(ctx, [
    ...insertIntegration(
      db,
      {
        id,
        name: body.name,
        source: body.source,
        keyHash: await sha256Hex(key),
        keyPrefix: key.slice(0, 6),
        signingSecret: body.signing_secret ?? null,
        options: body.options ?? {},
        publicText: body.public_text,
        publicTemplate: body.public_template,
        publication: body.publication ?? "publish",
        publishAfterSeconds: body.publish_after_seconds || null,
        incidentTemplateId: body.incident_template_id ?? null,
        componentIds,
      },
      now,
    ),
    // Never the key, its hash or the signing secret: the audit log is readable by every operator.
    audit(db, ctx.actor, "integration.create", "integration", id, null, {
      name: body.name,
      source: body.source,
      component_ids: componentIds,
      key_prefix: key.slice(0, 6),
      signed: !!body.signing_secret,
      publication: body.publication ?? "publish",
      ...(body.publish_after_seconds ? { publish_after_seconds: body.publish_after_seconds } : {}),
      ...(body.incident_template_id ? { incident_template_id: body.incident_template_id } : {}),
      ...(body.options && Object.keys(body.options).length ? { options: body.options } : {}),
    }),
  ]);
  return { id, name: body.name, source: body.source, key, webhook_url: webhookUrl(ctx.base, body.source, key) };
}

/** A new key; the old one stops working at once. */
export async function rotateIntegrationKey(ctx: AdminCtx, id: string): Promise<IntegrationWithKey> {
  const db = ctx.env.DB;
  const current = await getIntegration(db, ctx.base, id);
  const key = newIntegrationKey();
  await changed(ctx, [
    updateIntegrationFields(db, id, { keyHash: await sha256Hex(key), keyPrefix: key.slice(0, 6) }, nowIso()),
    audit(db, ctx.actor, "integration.rotate", "integration", id, { key_prefix: current.key_prefix }, { key_prefix: key.slice(0, 6) }),
  ]);
  return { id, name: current.name, source: current.source, key, webhook_url: webhookUrl(ctx.base, current.source, key) };
}

export async function updateIntegration(ctx: AdminCtx, id: string, patch: IntegrationPatch): Promise<IntegrationJson> {
  const db = ctx.env.DB;
  const current = await getIntegration(db, ctx.base, id);
  const statements: D1PreparedStatement[] = [];
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const now = nowIso();
  if (patch.name !== undefined && patch.name !== current.name) {
    before.name = current.name;
    after.name = patch.name;
    statements.push(updateIntegrationFields(db, id, { name: patch.name }, now));
  }
  // Disabling resolves the integration's firing alerts, in the ingestor (its monitor's resolve will
  // be refused from now on); what else the patch changes follows here.
  if (patch.disabled === true && !current.disabled) {
    await command(ctx, { type: "integration.disable", integrationId: id });
    current.disabled = true;
  }
  if (patch.disabled !== undefined && patch.disabled !== current.disabled) {
    before.disabled = current.disabled;
    after.disabled = patch.disabled;
    statements.push(updateIntegrationFields(db, id, { disabled: patch.disabled }, now));
  }
  if (patch.expected_interval_minutes !== undefined && patch.expected_interval_minutes !== current.expected_interval_minutes) {
    before.expected_interval_minutes = current.expected_interval_minutes;
    after.expected_interval_minutes = patch.expected_interval_minutes;
    statements.push(updateIntegrationFields(db, id, { expectedIntervalMinutes: patch.expected_interval_minutes }, now));
  }
  if (patch.signing_secret !== undefined) {
    // Recorded as set or cleared, never its value.
    before.signed = current.signed;
    after.signed = patch.signing_secret !== null;
    statements.push(updateIntegrationFields(db, id, { signingSecret: patch.signing_secret }, now));
  }
  if (patch.public_text !== undefined || patch.public_template !== undefined) {
    const mode = patch.public_text ?? current.public_text;
    const template = patch.public_template === undefined ? current.public_template : patch.public_template;
    if (mode === "template" && !template)
      throw new HttpError(400, "`public_template` is required when `public_text` is template (use {{components}}, {{severity}}, {{title}})", "public_template");
    if (mode !== current.public_text || template !== current.public_template) {
      Object.assign(before, { public_text: current.public_text, public_template: current.public_template });
      Object.assign(after, { public_text: mode, public_template: template });
      statements.push(updateIntegrationFields(db, id, { publicText: mode as PublicTextMode, publicTemplate: template }, now));
    }
  }
  if (patch.publication !== undefined || patch.publish_after_seconds !== undefined) {
    // A grace period belongs to `publish`: another policy clears it, and refuses one given with it.
    const policy = patch.publication ?? current.publication;
    if (policy !== "publish" && patch.publish_after_seconds)
      throw new HttpError(400, `\`publish_after_seconds\` ${GRACE_NEEDS_PUBLISH}`, "publish_after_seconds");
    const grace = policy !== "publish" ? null : patch.publish_after_seconds === undefined ? current.publish_after_seconds : patch.publish_after_seconds || null;
    if (policy !== current.publication || grace !== current.publish_after_seconds) {
      // Drafts and grace periods already open keep theirs: an operator publishes or discards them.
      Object.assign(before, { publication: current.publication, publish_after_seconds: current.publish_after_seconds });
      Object.assign(after, { publication: policy, publish_after_seconds: grace });
      statements.push(updateIntegrationFields(db, id, { publication: policy, publishAfterSeconds: grace }, now));
    }
  }
  if (patch.incident_template_id !== undefined && patch.incident_template_id !== current.incident_template_id) {
    if (patch.incident_template_id) await getIncidentTemplate(db, patch.incident_template_id, ctx.page, "incident_template_id");
    before.incident_template_id = current.incident_template_id;
    after.incident_template_id = patch.incident_template_id;
    statements.push(updateIntegrationFields(db, id, { incidentTemplateId: patch.incident_template_id }, now));
  }
  if (patch.options !== undefined) {
    // Header names only, never a secret: safe for the audit log.
    const options = applyOptionsPatch(current.options, patch.options);
    if (JSON.stringify(options) !== JSON.stringify(current.options)) {
      before.options = current.options;
      after.options = options;
      statements.push(updateIntegrationFields(db, id, { options }, now));
    }
  }
  if (patch.component_ids !== undefined) {
    const ids = [...new Set(patch.component_ids)];
    await assertComponentsExist(db, ids, "component_ids");
    if (ids.slice().sort().join() !== current.component_ids.slice().sort().join()) {
      before.component_ids = current.component_ids;
      after.component_ids = ids;
      statements.push(...replaceIntegrationComponents(db, id, ids));
    }
  }
  if (!statements.length) return patch.disabled === true ? getIntegration(db, ctx.base, id) : current;
  const action =
    Object.keys(after).length === 1 && "disabled" in after ? (patch.disabled ? "integration.disable" : "integration.enable") : "integration.update";
  statements.push(audit(db, ctx.actor, action, "integration", id, before, after));
  await changed(ctx, statements);
  return getIntegration(db, ctx.base, id);
}

/** Deletes an integration with its links and alerts, resolving its firing alerts first (in the ingestor). */
export async function deleteIntegration(ctx: AdminCtx, id: string): Promise<{ id: string; deleted: true; alerts_resolved: number }> {
  const result = await command(ctx, { type: "integration.delete", integrationId: id });
  return { id, deleted: true, alerts_resolved: result.alertsResolved ?? 0 };
}

/** An operator dismisses a firing alert: resolved as if its monitor had sent the resolve. */
export async function resolveAlert(ctx: AdminCtx, alertId: string): Promise<AlertJson> {
  await command(ctx, { type: "alert.resolve", alertId });
  const row = await alertRow(ctx.env.DB, alertId);
  return alertJson(row!);
}

// ── Links ───────────────────────────────────────────────────────────────────

export interface LinkJson {
  id: string;
  integration_id: string;
  match: { monitor?: string; tag?: string; label?: string };
  match_type: string;
  match_key: string;
  match_value: string | null;
  component_ids: string[];
  status: ComponentStatus | null;
  /** The incident template the alerts it matches open incidents with (wins over the integration's). */
  incident_template_id: string | null;
}

function linkJson(r: Row): LinkJson {
  const type = String(r.match_type);
  const key = String(r.match_key);
  const value = str(r.match_value);
  return {
    id: String(r.id),
    integration_id: String(r.integration_id),
    match: { [type]: type === "monitor" || value == null ? key : `${key}=${value}` },
    match_type: type,
    match_key: key,
    match_value: value,
    component_ids: JSON.parse(String(r.component_ids)),
    status: (str(r.status) as ComponentStatus | null) ?? null,
    incident_template_id: str(r.incident_template_id),
  };
}

export async function listLinks(db: D1Database, integrationId?: string): Promise<LinkJson[]> {
  return (await linkRows(db, integrationId)).map(linkJson);
}

function splitMatch(raw: string): [string, string | null] {
  const i = raw.search(/[=:]/);
  return i < 0 ? [raw, null] : [raw.slice(0, i), raw.slice(i + 1)];
}

/**
 * Creates a link, in the ingestor: firing alerts of the integration that reached no component and
 * that the link matches are routed through it at once.
 */
export async function createLink(ctx: AdminCtx, body: LinkCreate, fromAlertId?: string): Promise<LinkJson & { alerts_routed: number }> {
  const matchType = body.match.monitor ? "monitor" : body.match.tag ? "tag" : "label";
  const raw = (body.match.monitor ?? body.match.tag ?? body.match.label)!;
  // tag and label are "key=value" or "key:value" (any value when none is given).
  const [matchKey, matchValue] = matchType === "monitor" ? [raw, null] : splitMatch(raw);
  if (body.incident_template_id) await getIncidentTemplate(ctx.env.DB, body.incident_template_id, 1, "incident_template_id");
  const result = await command(ctx, {
    type: "link.create",
    integrationId: body.integration_id,
    matchType,
    matchKey,
    matchValue,
    componentIds: body.component_ids,
    status: body.status ?? null,
    fromAlertId,
    ...(body.incident_template_id ? { incidentTemplateId: body.incident_template_id } : {}),
  });
  const row = await linkRow(ctx.env.DB, result.id);
  return { ...linkJson(row!), match: body.match, alerts_routed: result.reapplied ?? 0 };
}

export async function deleteLink(ctx: AdminCtx, id: string): Promise<void> {
  const db = ctx.env.DB;
  const row = await linkRow(db, id);
  if (!row) throw new HttpError(404, `no link ${id}`);
  const link = linkJson(row);
  await commit(ctx.env, [...deleteLinkRows(db, id), audit(db, ctx.actor, "link.delete", "link", id, link, null)]);
}

// ── Unrouted alerts ─────────────────────────────────────────────────────────

export interface AlertJson {
  id: string;
  integration_id: string;
  integration_name: string | null;
  dedup_key: string;
  status: string;
  severity: string;
  summary: string;
  details: string | null;
  monitor: { id: string | null; name: string | null };
  tags: Record<string, string>;
  link: string | null;
  incident_id: string | null;
  /** public; held until its incident (a draft, a grace period) is published; private: counts nowhere. */
  visibility: string;
  first_triggered_at: string | null;
  last_event_at: string;
  component_ids: string[];
  /** The matches a link could use for it (unrouted alerts only). */
  match_options?: Array<{ monitor: string } | { tag: string } | { label: string }>;
}

export function alertJson(r: Row): AlertJson {
  const tags = JSON.parse(String(r.tags ?? "{}")) as Record<string, string>;
  const componentIds = JSON.parse(String(r.component_ids ?? "[]")) as string[];
  return {
    id: String(r.id),
    integration_id: String(r.integration_id),
    integration_name: str(r.integration_name),
    dedup_key: String(r.dedup_key),
    status: String(r.status),
    severity: String(r.severity),
    summary: String(r.summary),
    details: str(r.details),
    monitor: { id: str(r.monitor_id), name: str(r.monitor_name) },
    tags,
    link: str(r.link),
    incident_id: str(r.incident_id),
    visibility: String(r.visibility ?? "public"),
    first_triggered_at: str(r.first_triggered_at),
    last_event_at: String(r.last_event_at),
    component_ids: componentIds,
    ...(componentIds.length ? {} : { match_options: linkMatchOptions({ monitorId: str(r.monitor_id), monitorName: str(r.monitor_name), tags }) }),
  };
}

/** Alerts, newest first: `unrouted` those that reached no component, `firing` those not resolved. */
export async function listAlerts(db: D1Database, opts: { unrouted?: boolean; firing?: boolean; limit?: number }): Promise<AlertJson[]> {
  return (await alertRows(db, opts)).map(alertJson);
}

/** One step from an unrouted alert to a link: by its monitor (or the match given), routed at once. */
export async function linkAlert(ctx: AdminCtx, alertId: string, body: AlertLink) {
  const row = await alertRow(ctx.env.DB, alertId);
  if (!row) throw new HttpError(404, `no alert ${alertId}`);
  const alert = alertJson(row);
  const match = body.match ?? linkMatchOptions({ monitorId: alert.monitor.id, monitorName: alert.monitor.name, tags: alert.tags })[0];
  if (!match) throw new HttpError(400, "this alert has no monitor or tags to link by: give `match`", "match");
  return createLink(ctx, { integration_id: alert.integration_id, match, component_ids: body.component_ids, status: body.status }, alertId);
}

// Integrations (senders and their keys), their links (routing rules), the alerts they raised and the
// delivery log, as the operators' actions read and write them. The reads that gather JSON from joined
// tables stay SQL; single-table writes go through drizzle.
import { eq } from "drizzle-orm";
import type { LinkRule } from "../domain/incidents";
import type { IntegrationOptions } from "../domain/integration-options";
import { KeyMasker, type KeyRecord, keyCandidates } from "../domain/mask";
import { orm, statement, updateRow } from "./orm";
import { type IntegrationRow, integrationComponents, integrations, linkComponents, links } from "./schema";
import type { Row } from "./sql";

// ── Integrations ────────────────────────────────────────────────────────────

const INTEGRATION_SELECT = `SELECT i.id, i.name, i.source, i.key_prefix, i.disabled, i.last_delivery_at, i.last_test_at, i.signing_secret IS NOT NULL AS signed,
    i.public_text, i.public_template, i.publication, i.publish_after_seconds,
    i.expected_interval_minutes, i.options, i.incident_template_id,
    (i.expected_interval_minutes IS NOT NULL AND i.disabled = 0
      AND coalesce(i.last_delivery_at, i.created_at) < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || i.expected_interval_minutes || ' minutes')) AS silent,
    (SELECT json_group_array(component_id) FROM integration_components WHERE integration_id = i.id) AS component_ids,
    CASE WHEN i.source = 'cloudwatch' THEN (
      SELECT json_group_array(json_object('topic_arn', CASE WHEN json_valid(d.payload) THEN json_extract(d.payload, '$.TopicArn') END, 'confirmed_at', d.received_at))
      FROM (SELECT payload, received_at FROM deliveries WHERE integration_id = i.id AND json_valid(summary)
              AND json_extract(summary, '$.subscription_confirmed') = 1 ORDER BY received_at DESC LIMIT 20) d
    ) END AS sns_subscriptions
  FROM integrations i`;

export const integrationRows = async (db: D1Database) => (await db.prepare(`${INTEGRATION_SELECT} ORDER BY i.created_at, i.name`).all<Row>()).results;

export const integrationRow = (db: D1Database, id: string) => db.prepare(`${INTEGRATION_SELECT} WHERE i.id = ?1`).bind(id).first<Row>();

export interface NewIntegration {
  id: string;
  name: string;
  source: string;
  keyHash: string;
  keyPrefix: string;
  signingSecret: string | null;
  options: IntegrationOptions;
  publicText?: IntegrationRow["publicText"];
  publicTemplate?: string | null;
  publication?: IntegrationRow["publication"];
  publishAfterSeconds?: number | null;
  incidentTemplateId?: string | null;
  componentIds: string[];
}

/** The integration's own row (typed), or undefined. */
export const getIntegrationRow = async (db: D1Database, id: string): Promise<IntegrationRow | undefined> =>
  (await orm(db).select().from(integrations).where(eq(integrations.id, id)).limit(1))[0];

/** The integration a key belongs to (by the key's hash): what a receiver checks before the Ingestor decides. */
export const integrationByKeyHash = (db: D1Database, keyHash: string) =>
  orm(db)
    .select({ id: integrations.id, source: integrations.source, disabled: integrations.disabled, options: integrations.options })
    .from(integrations)
    .where(eq(integrations.keyHash, keyHash))
    .get();

/** Its alerts, links and own components go with it (foreign keys cascade); deliveries stay. */
export const deleteIntegrationRow = (db: D1Database, id: string) => statement(db, orm(db).delete(integrations).where(eq(integrations.id, id)));

/** A new integration with its own components. */
export function insertIntegration(db: D1Database, n: NewIntegration, now: string): D1PreparedStatement[] {
  const { componentIds, publicText, publicTemplate, ...fields } = n;
  return [
    statement(
      db,
      orm(db)
        .insert(integrations)
        .values({ ...fields, publicText: publicText ?? "summary", publicTemplate: publicTemplate ?? null, createdAt: now, updatedAt: now }),
    ),
    ...(componentIds.length
      ? [
          statement(
            db,
            orm(db)
              .insert(integrationComponents)
              .values(componentIds.map((componentId) => ({ integrationId: n.id, componentId }))),
          ),
        ]
      : []),
  ];
}

type IntegrationFields = Partial<
  Pick<
    IntegrationRow,
    | "name"
    | "disabled"
    | "expectedIntervalMinutes"
    | "signingSecret"
    | "publicText"
    | "publicTemplate"
    | "publication"
    | "publishAfterSeconds"
    | "options"
    | "incidentTemplateId"
    | "keyHash"
    | "keyPrefix"
  >
>;

export const updateIntegrationFields = (db: D1Database, id: string, fields: IntegrationFields, now: string) => updateRow(db, integrations, id, fields, now);

/** The integration's own components, replaced by `componentIds`. */
export const replaceIntegrationComponents = (db: D1Database, id: string, componentIds: string[]) => [
  statement(db, orm(db).delete(integrationComponents).where(eq(integrationComponents.integrationId, id))),
  db.prepare("INSERT INTO integration_components (integration_id, component_id) SELECT ?1, value FROM json_each(?2)").bind(id, JSON.stringify(componentIds)),
];

// ── Links ───────────────────────────────────────────────────────────────────

const LINK_SELECT = `SELECT l.*, (SELECT json_group_array(component_id) FROM link_components WHERE link_id = l.id) AS component_ids FROM links l`;

/** Every link, or an integration's, oldest first. */
export const linkRows = async (db: D1Database, integrationId?: string) =>
  (
    await db
      .prepare(`${LINK_SELECT} WHERE ?1 IS NULL OR l.integration_id = ?1 ORDER BY l.created_at`)
      .bind(integrationId ?? null)
      .all<Row>()
  ).results;

/** A new link with its components. */
export const insertLink = (
  db: D1Database,
  integrationId: string,
  link: LinkRule,
  now: string,
  incidentTemplateId: string | null = null,
): D1PreparedStatement[] => [
  statement(
    db,
    orm(db).insert(links).values({
      id: link.id,
      integrationId,
      matchType: link.matchType,
      matchKey: link.matchKey,
      matchValue: link.matchValue,
      status: link.status,
      incidentTemplateId,
      createdAt: now,
    }),
  ),
  db.prepare("INSERT INTO link_components (link_id, component_id) SELECT ?1, value FROM json_each(?2)").bind(link.id, JSON.stringify(link.componentIds)),
];

export const linkRow = (db: D1Database, id: string) => db.prepare(`${LINK_SELECT} WHERE l.id = ?1`).bind(id).first<Row>();

export const deleteLinkRows = (db: D1Database, id: string) => [
  statement(db, orm(db).delete(linkComponents).where(eq(linkComponents.linkId, id))),
  statement(db, orm(db).delete(links).where(eq(links.id, id))),
];

// ── Alerts ──────────────────────────────────────────────────────────────────

export const ALERT_SELECT = `SELECT a.*, i.name AS integration_name,
    (SELECT json_group_array(component_id) FROM alert_components WHERE alert_id = a.id) AS component_ids
  FROM alerts a LEFT JOIN integrations i ON i.id = a.integration_id`;

const pageSize = (limit: number | undefined) => Math.min(Math.max(limit ?? 100, 1), 500);

/** Alerts, newest first: `unrouted` those that reached no component, `firing` those not resolved. */
export async function alertRows(db: D1Database, opts: { unrouted?: boolean; firing?: boolean; limit?: number }) {
  const { results } = await db
    .prepare(
      `${ALERT_SELECT}
       WHERE (?1 = 0 OR NOT EXISTS (SELECT 1 FROM alert_components ac WHERE ac.alert_id = a.id))
         AND (?2 = 0 OR a.status != 'resolved')
       ORDER BY a.last_event_at DESC LIMIT ?3`,
    )
    .bind(opts.unrouted ? 1 : 0, opts.firing ? 1 : 0, pageSize(opts.limit))
    .all<Row>();
  return results;
}

export const alertRow = (db: D1Database, id: string) => db.prepare(`${ALERT_SELECT} WHERE a.id = ?1`).bind(id).first<Row>();

// ── Delivery log ────────────────────────────────────────────────────────────

/** Newest first; `before` pages back by received_at. */
export async function deliveryRows(db: D1Database, opts: { integrationId?: string; outcome?: string; before?: string; limit?: number }) {
  const { results } = await db
    .prepare(
      `SELECT d.*, i.name AS integration_name FROM deliveries d LEFT JOIN integrations i ON i.id = d.integration_id
       WHERE (?1 IS NULL OR d.integration_id = ?1) AND (?2 IS NULL OR d.outcome = ?2) AND (?3 IS NULL OR d.received_at < ?3)
       ORDER BY d.received_at DESC, d.rowid DESC LIMIT ?4`,
    )
    .bind(opts.integrationId ?? null, opts.outcome ?? null, opts.before ?? null, pageSize(opts.limit))
    .all<Row>();
  return results;
}

/** The integration's last delivery that kept its payload. */
export const lastDeliveryWithPayload = (db: D1Database, integrationId: string) =>
  db
    .prepare("SELECT id, received_at, payload FROM deliveries WHERE integration_id = ?1 AND payload IS NOT NULL ORDER BY received_at DESC, rowid DESC LIMIT 1")
    .bind(integrationId)
    .first<{ id: string; received_at: string; payload: string | null }>();

/** The keys of every integration, as the masker needs them (disabled ones too: they may be re-enabled). */
export async function integrationKeys(db: D1Database): Promise<KeyRecord[]> {
  return (await db.prepare("SELECT key_prefix, key_hash FROM integrations").all<KeyRecord>()).results;
}

/** Masks every integration key in `text`. */
export async function maskKeys(db: D1Database, text: string): Promise<string> {
  if (!keyCandidates(text).length) return text;
  const masker = await new KeyMasker(await integrationKeys(db)).prepare([text]);
  return masker.mask(text);
}

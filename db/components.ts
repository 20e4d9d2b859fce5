// Components as the state machine and the operators' actions read and write them.
import { and, eq } from "drizzle-orm";
import type { ComponentState, StatusChange } from "../domain/incidents";
import { columnsOf, type SqlRow } from "./columns";
import { insertRows, orm, statement, updateRow } from "./orm";
import { type ComponentGroupRow, type ComponentRow, componentGroups, components } from "./schema";
import { type SqlStatement, sqlOf } from "./sql";

const STATE_FIELDS = ["id", "page", "slug", "name", "autoStatus", "overrideStatus", "inMaintenance", "status"] as const;
/** What the state machine holds of a component, as raw SQL reads it through COMPONENT_STATE_COLUMNS, with its page's slug. */
export type ComponentStateRow = SqlRow<typeof components, (typeof STATE_FIELDS)[number]> & { pageSlug: string };

/** The one mapping of a component row to what the state machine holds. */
export function componentState(r: ComponentStateRow): ComponentState {
  return { ...r, inMaintenance: !!r.inMaintenance };
}

/** The columns componentState reads, of `components` as `c` (page 1 is `main` before its settings are saved). */
export const COMPONENT_STATE_COLUMNS = `${columnsOf(components, "c", STATE_FIELDS)},
  coalesce((SELECT p.slug FROM page_settings p WHERE p.id = c.page), 'main') AS pageSlug`;

/** The components with these ids, by id (unknown ids are left out). */
export async function loadComponentStates(db: D1Database, ids: string[]): Promise<Map<string, ComponentState>> {
  if (!ids.length) return new Map();
  const { results } = await db
    .prepare(`SELECT ${COMPONENT_STATE_COLUMNS} FROM components c WHERE c.id IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(ids))
    .all<ComponentStateRow>();
  return new Map(results.map((r) => [r.id, componentState(r)]));
}

/** Every visible status change, kept for uptime history: one statement for any number of them. */
export function insertStatusChanges(changes: StatusChange[]): SqlStatement {
  return sqlOf(
    `INSERT INTO component_status_changes (component_id, from_status, to_status, at)
     SELECT json_extract(value, '$.componentId'), json_extract(value, '$.from'), json_extract(value, '$.to'),
       json_extract(value, '$.at') FROM json_each(?1)`,
    JSON.stringify(changes.map(({ componentId, from, to, at }) => ({ componentId, from, to, at }))),
  );
}

export interface ComponentUser {
  kind: "incident" | "maintenance" | "link" | "integration";
  id: string;
  name: string;
}

/** What uses a component and would be left pointing at nothing without it. */
export async function componentUsers(db: D1Database, componentId: string): Promise<ComponentUser[]> {
  const { results } = await db
    .prepare(
      `SELECT i.kind AS kind, i.id AS id, i.name AS name FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
         WHERE ic.component_id = ?1 AND ((i.kind = 'incident' AND i.resolved_at IS NULL)
           OR (i.kind = 'maintenance' AND i.status IN ('scheduled', 'in_progress', 'verifying')))
       UNION ALL
       SELECT 'link', l.id, l.match_type || ' ' || l.match_key || coalesce('=' || l.match_value, '') FROM links l
         JOIN link_components lc ON lc.link_id = l.id WHERE lc.component_id = ?1
       UNION ALL
       SELECT 'integration', g.id, g.name FROM integrations g JOIN integration_components gc ON gc.integration_id = g.id WHERE gc.component_id = ?1`,
    )
    .bind(componentId)
    .all<ComponentUser>();
  return results.map((r) => ({ kind: r.kind, id: r.id, name: r.name }));
}

/** The component's flags and visible status, for the components in `rows`: one statement. */
export function updateComponentFlags(components: Array<Pick<ComponentState, "id" | "overrideStatus" | "inMaintenance" | "status">>, now: string): SqlStatement {
  const rows = components.map((c) => ({ id: c.id, override: c.overrideStatus, maint: c.inMaintenance ? 1 : 0, status: c.status }));
  const value = (f: string) => `(SELECT json_extract(value, '$.${f}') FROM json_each(?1) WHERE json_extract(value, '$.id') = components.id)`;
  return sqlOf(
    `UPDATE components SET override_status = ${value("override")}, in_maintenance = ${value("maint")},
       status = ${value("status")}, updated_at = ?2
     WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1))`,
    JSON.stringify(rows),
    now,
  );
}

/** Deletes a component and every row that names it. */
export function deleteComponentRows(id: string): SqlStatement[] {
  return [
    ...["component_status_changes", "alert_components", "incident_components", "integration_components", "link_components"].map((t) =>
      sqlOf(`DELETE FROM ${t} WHERE component_id = ?1`, id),
    ),
    sqlOf("DELETE FROM components WHERE id = ?1", id),
  ];
}

// ── The catalog: components and groups as operators edit them (drizzle: not the hot path) ─────

/** A page's components (every page's without one). */
export const listComponentRows = (db: D1Database, page?: number): Promise<ComponentRow[]> =>
  orm(db)
    .select()
    .from(components)
    .where(page === undefined ? undefined : eq(components.page, page))
    .orderBy(components.position, components.name);

export const getComponentRow = async (db: D1Database, id: string): Promise<ComponentRow | undefined> =>
  (await orm(db).select().from(components).where(eq(components.id, id)).limit(1))[0];

/** The component of this page that has this slug, if any. */
export const slugOwner = async (db: D1Database, slug: string, page = 1): Promise<string | undefined> =>
  (
    await orm(db)
      .select({ id: components.id })
      .from(components)
      .where(and(eq(components.slug, slug), eq(components.page, page)))
      .limit(1)
  )[0]?.id;

/** A page's groups (every page's without one). */
export const listGroupRows = (db: D1Database, page?: number): Promise<ComponentGroupRow[]> =>
  orm(db)
    .select()
    .from(componentGroups)
    .where(page === undefined ? undefined : eq(componentGroups.page, page))
    .orderBy(componentGroups.position, componentGroups.name);

export const getGroupRow = async (db: D1Database, id: string): Promise<ComponentGroupRow | undefined> =>
  (await orm(db).select().from(componentGroups).where(eq(componentGroups.id, id)).limit(1))[0];

/** The next position at the top level (groups and ungrouped components share it) or in a group. */
export async function nextPosition(db: D1Database, groupId: string | null, page = 1): Promise<number> {
  const row = await db
    .prepare(
      groupId
        ? "SELECT coalesce(max(position), 0) + 1 AS p FROM components WHERE group_id = ?1"
        : `SELECT max(coalesce((SELECT max(position) FROM components WHERE group_id IS NULL AND page = ?1), 0),
             coalesce((SELECT max(position) FROM component_groups WHERE page = ?1), 0)) + 1 AS p`,
    )
    .bind(groupId ?? page)
    .first<{ p: number }>();
  return Number(row?.p ?? 1);
}

type ComponentFields = Pick<ComponentRow, "slug" | "name" | "description" | "groupId" | "position" | "onlyShowIfDegraded">;
type GroupFields = Pick<ComponentGroupRow, "name" | "description" | "position">;

/** A new component on a page: operational until an alert says otherwise. */
export const insertComponent = (db: D1Database, id: string, fields: ComponentFields, now: string, page = 1) =>
  insertRows(db, components, {
    id,
    page,
    ...fields,
    status: "operational",
    autoStatus: "operational",
    startDate: now,
    createdAt: now,
    updatedAt: now,
  });

export const updateComponentFields = (db: D1Database, id: string, fields: ComponentFields, now: string) => updateRow(db, components, id, fields, now);

export const insertGroup = (db: D1Database, id: string, fields: GroupFields, now: string, page = 1) =>
  insertRows(db, componentGroups, { id, page, ...fields, createdAt: now, updatedAt: now });

export const updateGroupFields = (db: D1Database, id: string, fields: GroupFields, now: string) => updateRow(db, componentGroups, id, fields, now);

/** Deleting a group keeps its components: they move to the top level. */
export const deleteGroupRows = (db: D1Database, id: string, now: string) => [
  statement(db, orm(db).update(components).set({ groupId: null, updatedAt: now }).where(eq(components.groupId, id))),
  statement(db, orm(db).delete(componentGroups).where(eq(componentGroups.id, id))),
];

/** A component's or group's place among its siblings. */
export const setPosition = (db: D1Database, kind: "component" | "group", id: string, position: number, now: string) =>
  kind === "group" ? updateRow(db, componentGroups, id, { position }, now) : updateRow(db, components, id, { position }, now);

/** Of `ids`, those that name a component. */
export async function existingComponentIds(db: D1Database, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const { results } = await db
    .prepare("SELECT id FROM components WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

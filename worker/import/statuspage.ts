// An import of a Statuspage page (or this project's own, or an export of it) into a page here: its
// groups, components (names, order, descriptions, statuses), incidents and maintenances with every update
// and time, and subscribers. The documents are the public v2 API's (components.json, incidents.json,
// scheduled-maintenances.json), as scripts/import.mjs or the admin's form fetched them. Every source id
// is mapped (import_mappings), so running it again adds only what is new (new incidents, new updates,
// an incident the source resolved since) and changes nothing else. Imported history is never notified.
// One write through the Ingestor, with its audit row.
import { z } from "zod";
import { audit } from "../../db/audit";
import {
  type ImportedComponent,
  type ImportedGroup,
  type ImportedIncident,
  type ImportedUpdate,
  importMappings,
  insertComponents,
  insertGroups,
  insertImportedSubscribers,
  insertImportedUpdates,
  insertIncidentLinks,
  insertIncidents,
  insertMappings,
  liveLocalIds,
  type MappingKind,
  refreshIncidents,
  slugsOnPage,
  subscriberPairs,
} from "../../db/import";
import type { AffectedComponent, Subscriber } from "../../db/schema";
import { prepare } from "../../db/sql";
import { newId, nowIso } from "../../domain/ids";
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from "../../domain/status";
import { type AdminCtx, commit, slugify } from "../admin/catalog";
import { randomToken } from "../auth";

const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 time");
const iso = (s: string) => new Date(s).toISOString();
const text = (max: number) => z.string().max(max);

const v2Component = z.object({
  id: text(64),
  name: text(255),
  status: z.enum(COMPONENT_STATUSES, { error: `must be one of ${COMPONENT_STATUSES.join(", ")}` }),
  description: text(5000).nullable().optional(),
  position: z.number().int().optional(),
  group: z.boolean().optional(),
  group_id: text(64).nullable().optional(),
  showcase: z.boolean().optional(),
  only_show_if_degraded: z.boolean().optional(),
  start_date: z.string().nullable().optional(),
  created_at: time.optional(),
  updated_at: time.optional(),
});

const STATUSES = [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES] as const;
const v2Update = z.object({
  id: text(64),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(", ")}` }),
  body: text(100_000),
  created_at: time,
  display_at: time.nullable().optional(),
  // Older pages list some as `{name}` alone: kept as they are.
  affected_components: z
    .array(z.object({ code: text(64).optional(), name: text(255), old_status: text(64).optional(), new_status: text(64).optional() }))
    .nullable()
    .optional(),
});
const v2Incident = z.object({
  id: text(64),
  name: text(255),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(", ")}` }),
  impact: z.enum([...IMPACTS, "maintenance"], { error: `must be one of ${[...IMPACTS, "maintenance"].join(", ")}` }),
  created_at: time,
  updated_at: time.optional(),
  started_at: time.nullable().optional(),
  monitoring_at: time.nullable().optional(),
  resolved_at: time.nullable().optional(),
  scheduled_for: time.nullable().optional(),
  scheduled_until: time.nullable().optional(),
  incident_updates: z.array(v2Update).max(1000),
  components: z
    .array(z.object({ id: text(64) }))
    .max(1000)
    .optional(),
});

const subscriberRow = z.object({
  email: z.string().trim().toLowerCase().max(254).email("must be an email address"),
  endpoint: z.string().trim().max(2000).nullable().optional(),
  /** The source's component ids (or names) the subscriber hears of; none: every component. */
  components: z.array(text(255)).max(500).nullable().optional(),
});

/** What an import takes: the source's base URL (its ids are mapped under it) and its v2 documents. */
export const importDocument = z.object({
  source: z.string().url("must be the source page's URL").max(2000),
  page: z.object({ name: text(120).optional(), url: text(2000).optional(), time_zone: text(64).optional() }).optional(),
  components: z.array(v2Component).max(1000).default([]),
  incidents: z.array(v2Incident).max(5000).default([]),
  scheduled_maintenances: z.array(v2Incident).max(5000).default([]),
  /** From Statuspage's subscriber CSV export (scripts/import.mjs reads it). */
  subscribers: z.array(subscriberRow).max(100_000).default([]),
  /** true: subscribers are confirmed at once; otherwise pending, and each is sent a confirmation email. */
  confirm_subscribers: z.boolean().default(false),
});
export type ImportDocument = z.infer<typeof importDocument>;

export interface ImportResult {
  groups: number;
  components: number;
  incidents: number;
  maintenances: number;
  updates: number;
  /** Incidents the source moved on since the last import (resolved, say): their status and times refreshed. */
  refreshed: number;
  subscribers: number;
  /** The new pending subscribers, to be sent their confirmation email. */
  pending: Subscriber[];
}

const STATEMENT_ROWS = 200;
const chunks = <T>(rows: T[]): T[][] =>
  Array.from({ length: Math.ceil(rows.length / STATEMENT_ROWS) }, (_, i) => rows.slice(i * STATEMENT_ROWS, (i + 1) * STATEMENT_ROWS));

/** The import of `doc` into the context's page; nothing is written when nothing is new. */
export async function importPage(ctx: AdminCtx, doc: ImportDocument): Promise<ImportResult> {
  const db = ctx.env.DB;
  const page = ctx.page;
  const source = doc.source.replace(/\/+$/, "");
  const now = nowIso();
  const [mapped, live, slugs] = await Promise.all([importMappings(db, page, source), liveLocalIds(db, page), slugsOnPage(db, page)]);
  const local = (kind: MappingKind, id: string) => {
    const found = mapped.get(`${kind}:${id}`);
    return found && live.has(found) ? found : undefined;
  };
  const mappings: Array<{ kind: MappingKind; sourceId: string; localId: string }> = [];
  const map = (kind: MappingKind, sourceId: string) => {
    const localId = newId();
    mappings.push({ kind, sourceId, localId });
    mapped.set(`${kind}:${sourceId}`, localId);
    live.add(localId);
    return localId;
  };

  // Groups, then components (a member names its group).
  const groups: ImportedGroup[] = [];
  for (const g of doc.components.filter((c) => c.group)) {
    if (local("group", g.id)) continue;
    groups.push({
      id: map("group", g.id),
      name: g.name,
      description: g.description ?? null,
      position: g.position ?? 0,
      createdAt: iso(g.created_at ?? now),
      updatedAt: iso(g.updated_at ?? now),
    });
  }
  const components: ImportedComponent[] = [];
  for (const c of doc.components.filter((x) => !x.group)) {
    if (local("component", c.id)) continue;
    let slug = slugify(c.name);
    for (let n = 2; slugs.has(slug); n++) slug = `${slugify(c.name).slice(0, 58)}-${n}`;
    slugs.add(slug);
    components.push({
      id: map("component", c.id),
      slug,
      name: c.name,
      description: c.description ?? null,
      groupId: c.group_id ? (local("group", c.group_id) ?? null) : null,
      position: c.position ?? 0,
      showcase: c.showcase ?? true,
      onlyShowIfDegraded: c.only_show_if_degraded ?? false,
      status: c.status,
      // Its status stays as the source shows it until an operator or an alert changes it; maintenance
      // comes from the maintenance window imported with it.
      overrideStatus: c.status === "operational" || c.status === "under_maintenance" ? null : c.status,
      inMaintenance: c.status === "under_maintenance",
      startDate: c.start_date ?? null,
      createdAt: iso(c.created_at ?? now),
      updatedAt: iso(c.updated_at ?? now),
    });
  }

  // Incidents and maintenances, each once (a source may list a maintenance in both documents).
  const seen = new Set<string>();
  const all = [
    ...doc.scheduled_maintenances.map((i) => ({ i, kind: "maintenance" as const })),
    ...doc.incidents.map((i) => ({ i, kind: i.scheduled_for ? ("maintenance" as const) : ("incident" as const) })),
  ].filter(({ i }) => !seen.has(i.id) && seen.add(i.id));
  const incidents: ImportedIncident[] = [];
  const refreshed: ImportedIncident[] = [];
  const updates: ImportedUpdate[] = [];
  const links: Array<{ incidentId: string; componentId: string }> = [];
  const componentOf = (code: string) => local("component", code) ?? code;
  for (const { i, kind } of all) {
    const existing = local("incident", i.id);
    const row: ImportedIncident = {
      id: existing ?? map("incident", i.id),
      kind,
      name: i.name,
      status: i.status,
      impact: kind === "maintenance" ? "maintenance" : i.impact === "maintenance" ? "none" : i.impact,
      startedAt: iso(i.started_at ?? i.scheduled_for ?? i.created_at),
      monitoringAt: i.monitoring_at ? iso(i.monitoring_at) : null,
      resolvedAt: i.resolved_at ? iso(i.resolved_at) : null,
      scheduledFor: kind === "maintenance" && i.scheduled_for ? iso(i.scheduled_for) : null,
      scheduledUntil: kind === "maintenance" && i.scheduled_until ? iso(i.scheduled_until) : null,
      createdAt: iso(i.created_at),
      updatedAt: iso(i.updated_at ?? i.created_at),
    };
    // Updates oldest first, so updates at the same time keep the source's order.
    const fresh = [...i.incident_updates].reverse().filter((u) => !local("update", u.id));
    if (!existing) incidents.push(row);
    else if (fresh.length) refreshed.push(row);
    for (const u of fresh) {
      const affected: AffectedComponent[] | null = u.affected_components?.length
        ? u.affected_components.map((a) => (a.code ? { ...a, code: componentOf(a.code) } : a) as AffectedComponent)
        : null;
      updates.push({
        id: map("update", u.id),
        incidentId: row.id,
        status: u.status,
        body: u.body,
        affectedComponents: affected,
        createdAt: iso(u.created_at),
        displayAt: iso(u.display_at ?? u.created_at),
      });
    }
    for (const c of i.components ?? []) {
      const componentId = local("component", c.id);
      if (componentId && (!existing || fresh.length)) links.push({ incidentId: row.id, componentId });
    }
  }

  // Subscribers by (email, endpoint): one already here is left as it is.
  const pairs = await subscriberPairs(db, page);
  const byName = new Map(doc.components.filter((c) => !c.group).map((c) => [c.name.toLowerCase(), c.id]));
  const subscribers: Array<Omit<Subscriber, "page" | "failingSince" | "disabledAt">> = [];
  for (const s of doc.subscribers) {
    const key = `${s.email}\n${s.endpoint ?? ""}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    const componentIds = (s.components ?? [])
      .map((ref) => local("component", ref) ?? local("component", byName.get(ref.toLowerCase()) ?? ""))
      .filter((id): id is string => !!id);
    subscribers.push({
      id: newId(),
      email: s.email,
      webhookUrl: s.endpoint || null,
      componentIds: componentIds.length ? componentIds : null,
      language: "en",
      token: randomToken(),
      confirmedAt: doc.confirm_subscribers ? now : null,
      createdBy: "operator",
      createdAt: now,
    });
  }

  const result: ImportResult = {
    groups: groups.length,
    components: components.length,
    incidents: incidents.filter((i) => i.kind === "incident").length,
    maintenances: incidents.filter((i) => i.kind === "maintenance").length,
    updates: updates.length,
    refreshed: refreshed.length,
    subscribers: subscribers.length,
    pending: doc.confirm_subscribers ? [] : subscribers.map((s) => ({ ...s, page, failingSince: null, disabledAt: null })),
  };
  if (!groups.length && !components.length && !incidents.length && !updates.length && !subscribers.length) return result;

  const statements = [
    ...(groups.length ? [insertGroups(page, groups)] : []),
    ...chunks(components).map((rows) => insertComponents(page, rows)),
    ...chunks(incidents).map((rows) => insertIncidents(page, rows)),
    ...chunks(refreshed).map(refreshIncidents),
    ...chunks(updates).map(insertImportedUpdates),
    ...chunks(links).map(insertIncidentLinks),
    ...chunks(subscribers).map((rows) => insertImportedSubscribers(page, rows)),
    ...chunks(mappings).map((rows) => insertMappings(page, source, rows, now)),
  ].map((s) => prepare(db, s));
  const { pending: _pending, ...counts } = result;
  statements.push(audit(db, ctx.actor, "page.import", "page", String(page), null, { source, ...counts }));
  await commit(ctx.env, statements);
  return result;
}

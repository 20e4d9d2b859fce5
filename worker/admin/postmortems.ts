// Postmortems and recurring maintenance for operators: the JSON API's and the UI's actions, written
// by the Ingestor (worker/ingestor-maintenance.ts) in turn with deliveries.
import { getRule, listRules, ruleOccurrences } from "../../db/maintenance-rules";
import { postmortemTarget } from "../../db/postmortems";
import type { MaintenanceRuleRow } from "../../db/schema";
import { readPageSettings } from "../../db/settings";
import { nowIso } from "../../domain/ids";
import { renderMarkdown } from "../../domain/markdown";
import { occurrences } from "../../domain/recurrence";
import { HttpError } from "../errors";
import { type AdminCtx, command } from "./catalog";
import type { MaintenanceRuleBody, PostmortemPut } from "./schemas";

export interface PostmortemJson {
  incident_id: string;
  /** The Markdown, draft or published. */
  body: string | null;
  /** The HTML readers see (raw HTML shown as text, unsafe links emptied). */
  body_html: string | null;
  body_updated_at: string | null;
  published_at: string | null;
  notified_at: string | null;
}

export async function getPostmortem(ctx: AdminCtx, incidentId: string): Promise<PostmortemJson> {
  const t = await postmortemTarget(ctx.env.DB, incidentId);
  // A postmortem follows its incident's page: one of another page is not found on this one.
  if (t?.kind !== "incident" || t.page !== ctx.page) throw new HttpError(404, `no incident ${incidentId}${ctx.page === 1 ? "" : " on this page"}`);
  return {
    incident_id: t.id,
    body: t.body,
    body_html: t.body ? renderMarkdown(t.body) : null,
    body_updated_at: t.bodyUpdatedAt,
    published_at: t.publishedAt,
    notified_at: t.notifiedAt,
  };
}

export async function savePostmortem(ctx: AdminCtx, incidentId: string, body: PostmortemPut): Promise<PostmortemJson> {
  await command(ctx, { type: "postmortem.save", page: ctx.page, incidentId, body: body.body });
  return getPostmortem(ctx, incidentId);
}

export async function publishPostmortem(ctx: AdminCtx, incidentId: string, notify: boolean): Promise<PostmortemJson> {
  await command(ctx, { type: "postmortem.publish", page: ctx.page, incidentId, notify });
  return getPostmortem(ctx, incidentId);
}

export async function deletePostmortem(ctx: AdminCtx, incidentId: string): Promise<void> {
  await command(ctx, { type: "postmortem.delete", page: ctx.page, incidentId });
}

// ── Recurring maintenance ───────────────────────────────────────────────────

export interface MaintenanceRuleJson {
  id: string;
  name: string;
  body: string | null;
  component_ids: string[];
  frequency: "weekly" | "interval";
  weekdays: number[];
  interval_days: number | null;
  start_time: string;
  starts_on: string;
  ends_on: string | null;
  duration_minutes: number;
  remind_minutes: number | null;
  time_zone: string;
  /** The next occurrences the rule makes (the cron creates those within the horizon). */
  next_occurrences: Array<{ scheduled_for: string; scheduled_until: string; maintenance_id: string | null }>;
  created_at: string;
  updated_at: string;
}

const NEXT_SHOWN = 5;
/** How far ahead the next occurrences are looked for: a rule every 366 days still shows one. */
const LOOKAHEAD_MS = 400 * 86_400_000;

async function ruleJson(db: D1Database, r: MaintenanceRuleRow, timeZone: string, now: string): Promise<MaintenanceRuleJson> {
  const made = new Map((await ruleOccurrences(db, r.id, now)).map((o) => [String(o.scheduledFor), o.id]));
  const next = occurrences(r, timeZone, now, new Date(Date.parse(now) + LOOKAHEAD_MS).toISOString()).slice(0, NEXT_SHOWN);
  return {
    id: r.id,
    name: r.name,
    body: r.body,
    component_ids: r.componentIds,
    frequency: r.frequency,
    weekdays: r.weekdays,
    interval_days: r.intervalDays,
    start_time: r.startTime,
    starts_on: r.startsOn,
    ends_on: r.endsOn,
    duration_minutes: r.durationMinutes,
    remind_minutes: r.remindMinutes,
    time_zone: timeZone,
    next_occurrences: next.map((o) => ({ scheduled_for: o.scheduledFor, scheduled_until: o.scheduledUntil, maintenance_id: made.get(o.scheduledFor) ?? null })),
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export async function listMaintenanceRules(ctx: AdminCtx): Promise<MaintenanceRuleJson[]> {
  const db = ctx.env.DB;
  const [rules, settings] = await Promise.all([listRules(db, ctx.page), readPageSettings(db, ctx.page)]);
  const now = nowIso();
  return Promise.all(rules.map((r) => ruleJson(db, r, settings.timeZone, now)));
}

export async function getMaintenanceRule(ctx: AdminCtx, id: string): Promise<MaintenanceRuleJson> {
  const db = ctx.env.DB;
  const rule = await getRule(db, id);
  if (rule?.page !== ctx.page) throw new HttpError(404, `no maintenance rule ${id}${ctx.page === 1 ? "" : " on this page"}`);
  return ruleJson(db, rule, (await readPageSettings(db, ctx.page)).timeZone, nowIso());
}

/** Creates the rule (id null) or replaces it; its future occurrences follow, its past and in-progress ones stay. */
export async function saveMaintenanceRule(ctx: AdminCtx, id: string | null, b: MaintenanceRuleBody): Promise<MaintenanceRuleJson> {
  const result = await command(ctx, {
    type: "maintenance_rule.save",
    page: ctx.page,
    ruleId: id,
    rule: {
      name: b.name,
      body: b.body ?? null,
      componentIds: b.component_ids,
      frequency: b.frequency,
      weekdays: b.weekdays ?? [],
      intervalDays: b.interval_days ?? null,
      startTime: b.start_time,
      startsOn: b.starts_on,
      endsOn: b.ends_on ?? null,
      durationMinutes: b.duration_minutes,
      remindMinutes: b.remind_minutes ?? null,
    },
  });
  return getMaintenanceRule(ctx, result.id);
}

export async function deleteMaintenanceRule(ctx: AdminCtx, id: string): Promise<void> {
  await command(ctx, { type: "maintenance_rule.delete", page: ctx.page, ruleId: id });
}

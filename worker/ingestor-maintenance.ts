// Inside the Ingestor, in turn with deliveries: postmortems (saved, published, withdrawn), recurring
// maintenance rules (saved, deleted) and the cron's part of both maintenance notifications: each
// rule's occurrences created ahead of time, and reminders before a maintenance starts. A reminder or a
// postmortem's publication is a row of incident_notices, written in the batch that decides it; the
// outbox tells it once (its unique index holds whatever runs twice).
import { audit } from "../db/audit";
import { loadComponentStates } from "../db/components";
import { deleteFutureOccurrences, deleteRule, getRule, listAllRules, ruleOccurrences, upsertRule } from "../db/maintenance-rules";
import { clearPostmortem, insertNotice, postmortemTarget, publishPostmortem, setPostmortemBody, unremindedMaintenances } from "../db/postmortems";
import type { MaintenanceRuleRow } from "../db/schema";
import { readPageSettings } from "../db/settings";
import { newId } from "../domain/ids";
import { dueReminders } from "../domain/maintenance";
import { OCCURRENCE_HORIZON_DAYS, occurrences, ruleError } from "../domain/recurrence";
import { Batch, otherPageComponents, uniq, unknownComponents } from "./ingestor-batch";
import { scheduleMaintenance } from "./ingestor-catalog-commands";
import type { Cmd, CommandResult } from "./ingestor-command-types";

// ── Postmortems ─────────────────────────────────────────────────────────────

type Target = NonNullable<Awaited<ReturnType<typeof postmortemTarget>>>;

/** The incident on `page` (absent: page 1); one of another page is not found there. */
async function incidentOnPage(db: D1Database, id: string, page = 1): Promise<Target | CommandResult> {
  const target = await postmortemTarget(db, id);
  if (target?.kind !== "incident" || target.page !== page) return { ok: false, status: 404, error: `no incident ${id}` };
  return target;
}

async function resolvedIncident(db: D1Database, id: string, page?: number): Promise<Target | CommandResult> {
  const target = await incidentOnPage(db, id, page);
  if (refused(target)) return target;
  if (target.publication !== "published" || !target.resolvedAt)
    return { ok: false, status: 409, error: `incident ${id} is not resolved: a postmortem follows a resolved, public incident` };
  return target;
}
const refused = (r: object): r is CommandResult => "ok" in r;

export async function savePostmortem(db: D1Database, cmd: Cmd<"postmortem.save">, now: string): Promise<CommandResult> {
  const target = await resolvedIncident(db, cmd.incidentId, cmd.page);
  if (refused(target)) return target;
  await db.batch([
    setPostmortemBody(db, target.id, cmd.body, !!target.publishedAt, now),
    audit(db, cmd.actor, "postmortem.save", "incident", target.id, target.body ? { body: target.body } : null, { body: cmd.body }, now),
  ]);
  return { ok: true, id: target.id };
}

export async function publishPostmortemCommand(db: D1Database, cmd: Cmd<"postmortem.publish">, now: string): Promise<CommandResult> {
  const target = await resolvedIncident(db, cmd.incidentId, cmd.page);
  if (refused(target)) return target;
  if (!target.body?.trim()) return { ok: false, status: 409, error: `incident ${target.id} has no postmortem to publish: save its body first`, field: "body" };
  // Told once: a second publication (or a notice already sent) sends nothing more.
  const notify = cmd.notify && !target.notifiedAt;
  await db.batch([
    publishPostmortem(db, target.id, notify, now),
    ...(notify ? [insertNotice(db, target.id, "incident.postmortem", now, target.page)] : []),
    audit(
      db,
      cmd.actor,
      "postmortem.publish",
      "incident",
      target.id,
      { published_at: target.publishedAt },
      { published_at: target.publishedAt ?? now, notify },
      now,
    ),
  ]);
  return { ok: true, id: target.id };
}

export async function deletePostmortem(db: D1Database, cmd: Cmd<"postmortem.delete">, now: string): Promise<CommandResult> {
  const target = await incidentOnPage(db, cmd.incidentId, cmd.page);
  if (refused(target)) return target;
  await db.batch([
    clearPostmortem(db, target.id, now),
    audit(db, cmd.actor, "postmortem.delete", "incident", target.id, { body: target.body, published_at: target.publishedAt }, null, now),
  ]);
  return { ok: true, id: target.id };
}

// ── Recurring maintenance ───────────────────────────────────────────────────

const HORIZON_MS = OCCURRENCE_HORIZON_DAYS * 86_400_000;

/**
 * The occurrences of `rule` that start after `now` and within the horizon and do not exist yet,
 * added to `b`. `keep`: start times that exist and stay (past, in progress, or untouched).
 */
function addOccurrences(b: Batch, rule: MaintenanceRuleRow, timeZone: string, keep: Set<string>, actor: string): string[] {
  const due = occurrences(rule, timeZone, new Date(Date.parse(b.now) + 1).toISOString(), new Date(Date.parse(b.now) + HORIZON_MS).toISOString());
  return due
    .filter((o) => !keep.has(o.scheduledFor))
    .map(
      (o) =>
        scheduleMaintenance(
          b,
          {
            name: rule.name,
            body: rule.body,
            ...o,
            page: rule.page,
            componentIds: rule.componentIds,
            remindMinutes: rule.remindMinutes,
            ruleId: rule.id,
          },
          actor,
        ).id,
    );
}

export async function saveRule(db: D1Database, cmd: Cmd<"maintenance_rule.save">, now: string): Promise<CommandResult> {
  const invalid = ruleError(cmd.rule);
  if (invalid) return { ok: false, status: 400, ...invalid };
  const ids = uniq(cmd.rule.componentIds);
  const flags = await loadComponentStates(db, ids);
  const page = cmd.page ?? 1;
  const unknown = unknownComponents(ids, flags, "component_ids") ?? otherPageComponents(ids, flags, page, "component_ids");
  if (unknown) return unknown;
  const before = cmd.ruleId ? await getRule(db, cmd.ruleId) : null;
  if (cmd.ruleId && before?.page !== page) return { ok: false, status: 404, error: `no maintenance rule ${cmd.ruleId}` };
  const { name, body, frequency, weekdays, intervalDays, startTime, startsOn, endsOn, durationMinutes, remindMinutes } = cmd.rule;
  const rule: MaintenanceRuleRow = {
    id: before?.id ?? newId(),
    page,
    name,
    body,
    componentIds: ids,
    frequency,
    weekdays: frequency === "weekly" ? uniq(weekdays).sort((x, y) => x - y) : [],
    intervalDays: frequency === "interval" ? intervalDays : null,
    startTime,
    startsOn,
    endsOn,
    durationMinutes,
    remindMinutes,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
  const settings = await readPageSettings(db, page);
  // Occurrences still to come are made again from the new rule; those begun or past stay as they were.
  const existing = before ? await ruleOccurrences(db, rule.id, now) : [];
  const keep = new Set(existing.filter((o) => !(o.status === "scheduled" && String(o.scheduledFor) > now)).map((o) => String(o.scheduledFor)));
  const b = new Batch(db, flags, now);
  b.add(upsertRule(db, rule));
  if (before) b.add(deleteFutureOccurrences(db, rule.id, now));
  const created = addOccurrences(b, rule, settings.timeZone, keep, cmd.actor);
  b.add(audit(db, cmd.actor, before ? "maintenance_rule.update" : "maintenance_rule.create", "maintenance_rule", rule.id, before, { ...rule, created }, now));
  await db.batch(b.finish());
  return { ok: true, id: rule.id };
}

export async function deleteRuleCommand(db: D1Database, cmd: Cmd<"maintenance_rule.delete">, now: string): Promise<CommandResult> {
  const before = await getRule(db, cmd.ruleId);
  if (!before || before.page !== (cmd.page ?? 1)) return { ok: false, status: 404, error: `no maintenance rule ${cmd.ruleId}` };
  await db.batch([
    deleteFutureOccurrences(db, before.id, now),
    deleteRule(db, before.id),
    audit(db, cmd.actor, "maintenance_rule.delete", "maintenance_rule", before.id, before, null, now),
  ]);
  return { ok: true, id: before.id };
}

// ── The cron ────────────────────────────────────────────────────────────────

/** Each page's time zone (or its reminder minutes), read once per page the cron deals with. */
async function pagesSettings(db: D1Database, pages: number[]) {
  const all = await Promise.all(uniq(pages).map(async (p) => [p, await readPageSettings(db, p)] as const));
  return new Map(all);
}

/** Every page's rules' occurrences within the horizon that do not exist yet, created in one batch. */
export async function createDueOccurrences(db: D1Database, now: string): Promise<string[]> {
  const rules = await listAllRules(db);
  if (!rules.length) return [];
  const [settings, known] = await Promise.all([
    pagesSettings(
      db,
      rules.map((r) => r.page),
    ),
    loadComponentStates(db, uniq(rules.flatMap((r) => r.componentIds))),
  ]);
  const b = new Batch(db, new Map(), now);
  const created: string[] = [];
  for (const rule of rules) {
    const keep = new Set((await ruleOccurrences(db, rule.id, now)).map((o) => String(o.scheduledFor)));
    // A component deleted since the rule was saved is left out, rather than failing every tick.
    const live = { ...rule, componentIds: rule.componentIds.filter((id) => known.has(id)) };
    created.push(...addOccurrences(b, live, settings.get(rule.page)!.timeZone, keep, "cron"));
  }
  if (created.length) await db.batch(b.finish());
  return created;
}

/** Reminders due before maintenances start, on every page by its setting, each written once as a notice. */
export async function remindDue(db: D1Database, now: string): Promise<string[]> {
  const candidates = await unremindedMaintenances(db);
  if (!candidates.length) return [];
  const settings = await pagesSettings(
    db,
    candidates.map((c) => c.page),
  );
  const due = candidates.filter(
    (c) =>
      dueReminders([{ ...c, status: c.status as "scheduled", scheduledFor: String(c.scheduledFor) }], settings.get(c.page)!.maintenanceRemindMinutes, now)
        .length > 0,
  );
  if (due.length) await db.batch(due.map((c) => insertNotice(db, c.id, "maintenance.reminder", now, c.page)));
  return due.map((c) => c.id);
}

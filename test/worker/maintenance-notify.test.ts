// Maintenance that tells people, through the real cron handler, Ingestor, outbox, queue and D1: a
// maintenance scheduled two hours ahead is told at once, 60 minutes before, at its start and at its
// end, each exactly once, with the Ingestor restarted and the cron run twice around every step. Then
// recurring rules: occurrences created ahead of time; an edit changes the future ones only.
// One file, tests in order: the cron acts on every maintenance in the database.
import { createExecutionContext, createScheduledController, env, evictDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import type { Ingestor } from "../../worker/ingestor";
import { admin, BASE, createComponent, rows, unique } from "./helpers";

vi.setConfig({ testTimeout: 90_000 });

const CAPTURE = env.NOTIFY_CAPTURE_URL;
const minute = 60_000;
type Json = Record<string, any>;

async function json(res: Response, status: number): Promise<any> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function cron(at: number) {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, createExecutionContext());
}
const restart = () => evictDurableObject(env.INGESTOR.get(env.INGESTOR.idFromName("page")) as DurableObjectStub<Ingestor>);

/** The event types delivered to a recipient, oldest first, once `n` arrived (or the wait ran out). */
async function told(recipientId: string, n: number, settleMs = 0): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const log = (await json(await admin("GET", `/notifications?recipient_id=${recipientId}`), 200)) as Json[];
    if ((log.length >= n && log.every((l) => l.status === "delivered")) || Date.now() > deadline) {
      if (settleMs) {
        await new Promise((r) => setTimeout(r, settleMs));
        return told(recipientId, n);
      }
      return log.map((l) => l.event_type).reverse();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function subscriberHook(url: string, componentId: string): Promise<string> {
  const id = unique("s")
    .replace(/[^a-z0-9]/g, "")
    .slice(-12)
    .padStart(12, "s");
  const now = new Date().toISOString();
  await env.DB.prepare(
    "INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at) VALUES (?1, ?2, ?3, ?4, 'en', ?5, ?6, 'operator', ?6)",
  )
    .bind(id, `${id}@example.com`, url, JSON.stringify([componentId]), `tok-${id}`, now)
    .run();
  return id;
}

describe("the overview", () => {
  it("shows maintenance scheduled within the next 7 days before it starts; summary.json lists every one to come", async () => {
    const comp = await createComponent("Storage");
    const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const make = async (name: string, days: number) =>
      json(await admin("POST", "/maintenances", { name, scheduled_for: at(days), scheduled_until: at(days + 0.1), component_ids: [comp.id] }), 201);
    const soon = await make(unique("Soon window"), 3);
    const later = await make(unique("Later window"), 10);
    const html = await (await SELF.fetch(`${BASE}/`)).text();
    const section = html.slice(html.indexOf('id="maintenance"'), html.indexOf("</section>", html.indexOf('id="maintenance"')));
    expect(section).toContain(soon.name);
    expect(section).not.toContain(later.name);
    const summary = (await json(await SELF.fetch(`${BASE}/api/v2/summary.json`), 200)) as { scheduled_maintenances: Json[] };
    expect(summary.scheduled_maintenances.map((m) => m.id)).toEqual(expect.arrayContaining([soon.id, later.id]));
  });
});

describe("a maintenance scheduled 2 hours ahead", () => {
  it("is told at once, 60 minutes before, at start and at end: each exactly once, across restarts and repeated crons", async () => {
    const comp = await createComponent("Database");
    const tag = unique("mnt");
    const channel = await json(
      await admin("POST", "/channels", { kind: "webhook", name: "maint", url: `${CAPTURE}/ok/${tag}/c`, component_ids: [comp.id] }),
      201,
    );
    const subscriber = await subscriberHook(`${CAPTURE}/ok/${tag}/s`, comp.id);
    const start = Math.ceil(Date.now() / minute) * minute + 120 * minute;
    const m = await json(
      await admin("POST", "/maintenances", {
        name: "Database upgrade",
        body: "Planned.",
        scheduled_for: new Date(start).toISOString(),
        scheduled_until: new Date(start + 30 * minute).toISOString(),
        component_ids: [comp.id],
      }),
      201,
    );
    expect(await told(channel.id, 1)).toEqual(["maintenance.scheduled"]);

    // Each step: the cron a minute early (nothing), on time, then the Ingestor restarted and the cron again, twice.
    const steps: Array<[number, string]> = [
      [start - 60 * minute, "maintenance.reminder"],
      [start, "maintenance.started"],
      [start + 30 * minute, "maintenance.completed"],
    ];
    let n = 1;
    for (const [at, type] of steps) {
      await cron(at - minute);
      expect(await told(channel.id, n, 300)).toHaveLength(n);
      await cron(at);
      n++;
      expect((await told(channel.id, n)).at(-1)).toBe(type);
      await restart();
      await cron(at);
      await cron(at + minute);
      await restart();
      await cron(at + minute);
    }
    const expected = ["maintenance.scheduled", "maintenance.reminder", "maintenance.started", "maintenance.completed"];
    expect(await told(channel.id, 4, 1000)).toEqual(expected);
    // A webhook subscriber also hears of the component's status changes (Statuspage's component_update).
    expect((await told(subscriber, 6)).filter((t) => t !== "component.updated")).toEqual(expected);
    // The reminder is one notice; every notification has its own idempotency key.
    expect(await rows("SELECT kind FROM incident_notices WHERE incident_id = ?1", m.id)).toEqual([{ kind: "maintenance.reminder" }]);
    const keys = await rows<{ k: string }>("SELECT idempotency_key AS k FROM notifications WHERE recipient_id IN (?1, ?2)", channel.id, subscriber);
    expect(keys).toHaveLength(10);
    expect(new Set(keys.map((k) => k.k)).size).toBe(10);
    // The reminder's body, as a Statuspage webhook: the maintenance with its window.
    const got = (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(`/ok/${tag}/c`)}`)).json()) as Array<{ headers: Json; body: string }>;
    const reminder = got.find((g) => g.headers["webhook-id"]?.startsWith("ntc"))!;
    expect(JSON.parse(reminder.body).incident).toMatchObject({ id: m.id, status: "scheduled", scheduled_for: new Date(start).toISOString() });
  });

  it("follows the maintenance's own reminder, or none: remind_minutes 15, 0, and the page's setting", async () => {
    const comp = await createComponent("Cache");
    const channel = await json(
      await admin("POST", "/channels", { kind: "webhook", name: "r", url: `${CAPTURE}/ok/${unique("r")}`, component_ids: [comp.id] }),
      201,
    );
    const start = Math.ceil(Date.now() / minute) * minute + 180 * minute;
    const make = async (remind_minutes?: number | null) =>
      json(
        await admin("POST", "/maintenances", {
          name: `Cache ${remind_minutes}`,
          scheduled_for: new Date(start).toISOString(),
          scheduled_until: new Date(start + 10 * minute).toISOString(),
          component_ids: [comp.id],
          ...(remind_minutes === undefined ? {} : { remind_minutes }),
        }),
        201,
      );
    const [fifteen, none, page] = [await make(15), await make(0), await make()];
    expect(
      (
        await admin("POST", "/maintenances", {
          name: "x",
          scheduled_for: new Date(start).toISOString(),
          scheduled_until: new Date(start + minute).toISOString(),
          component_ids: [comp.id],
          remind_minutes: -1,
        })
      ).status,
    ).toBe(400);
    // The page's setting: 120 minutes.
    const settings = await json(await admin("GET", "/settings"), 200);
    expect(settings.maintenance_remind_minutes).toBe(60);
    await json(await admin("PUT", "/settings", { ...settings, maintenance_remind_minutes: 120 }), 200);
    await cron(start - 120 * minute);
    const reminded = async () =>
      (await rows<{ incident_id: string }>("SELECT incident_id FROM incident_notices WHERE kind = 'maintenance.reminder'")).map((r) => r.incident_id);
    expect(await reminded()).toContain(page.id);
    expect(await reminded()).not.toContain(fifteen.id);
    await cron(start - 15 * minute);
    expect(await reminded()).toContain(fifteen.id);
    expect(await reminded()).not.toContain(none.id);
    await json(await admin("PUT", "/settings", { ...settings, maintenance_remind_minutes: 60 }), 200);
    await cron(start + 10 * minute); // started and completed in one go: the windows close
    expect((await told(channel.id, 1)).filter((t) => t === "maintenance.reminder")).toHaveLength(2);
  });
});

describe("recurring maintenance", () => {
  it("creates occurrences ahead of time, shows the next ones; an edit changes future occurrences only", async () => {
    const comp = await createComponent("Patching");
    const today = new Date().toISOString().slice(0, 10);
    const rule = {
      name: "Weekly patching",
      body: "Security updates.",
      component_ids: [comp.id],
      frequency: "weekly",
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      start_time: "03:00",
      starts_on: today,
      duration_minutes: 60,
    };
    const created = await json(await admin("POST", "/maintenance-rules", rule), 201);
    expect(created.next_occurrences).toHaveLength(5);
    expect(created.time_zone).toBe("Etc/UTC");
    for (const o of created.next_occurrences) expect(o.scheduled_for).toMatch(/T03:00:00\.000Z$/);
    const occurrences = async () =>
      rows<{ id: string; scheduled_for: string; status: string; name: string }>(
        "SELECT id, scheduled_for, status, name FROM incidents WHERE rule_id = ?1 ORDER BY scheduled_for",
        created.id,
      );
    const made = await occurrences();
    // Every day at 03:00 UTC within the next 14 days.
    expect(made.length).toBeGreaterThanOrEqual(13);
    expect(made.length).toBeLessThanOrEqual(14);
    expect(made.every((o) => o.status === "scheduled")).toBe(true);
    expect(created.next_occurrences[0].maintenance_id).toBe(made[0]!.id);
    // The cron run again makes none twice.
    await cron(Date.now());
    expect(await occurrences()).toHaveLength(made.length);

    // The first occurrence begins; then the rule is edited (04:00, a new name).
    const first = made[0]!;
    await cron(Date.parse(first.scheduled_for));
    expect((await occurrences())[0]!.status).toBe("in_progress");
    const edited = await json(
      await admin("PUT", `/maintenance-rules/${created.id}`, { ...rule, name: "Patching (new time)", start_time: "04:00", weekdays: [1] }),
      200,
    );
    const after = await occurrences();
    // The in-progress one stays as it was; the future ones follow the rule (Mondays at 04:00).
    expect(after[0]).toEqual({ ...first, status: "in_progress" });
    for (const o of after.slice(1)) {
      expect(o.scheduled_for).toMatch(/T04:00:00\.000Z$/);
      expect(new Date(o.scheduled_for).getUTCDay()).toBe(1);
      expect(o.name).toBe("Patching (new time)");
    }
    expect(edited.next_occurrences.every((o: Json) => new Date(o.scheduled_for).getUTCDay() === 1)).toBe(true);
    // A week on, the cron has made the occurrences of the week after next.
    const horizon = Date.now() + 14 * 86_400_000;
    expect((await occurrences()).some((o) => Date.parse(o.scheduled_for) > horizon)).toBe(false);
    await cron(Date.now() + 7 * 86_400_000);
    expect((await occurrences()).some((o) => Date.parse(o.scheduled_for) > horizon)).toBe(true);
    const listed = (await json(await admin("GET", "/maintenance-rules"), 200)) as Json[];
    expect(listed.find((r) => r.id === created.id)).toMatchObject({ name: "Patching (new time)", weekdays: [1] });

    // Deleted: its occurrences still to come go; those begun (or over, here a week on) stay.
    const begun = (await occurrences()).filter((o) => o.status !== "scheduled").map((o) => o.id);
    expect(begun).toContain(first.id);
    expect((await admin("DELETE", `/maintenance-rules/${created.id}`)).status).toBe(204);
    expect((await occurrences()).map((o) => o.id)).toEqual(begun);
    expect((await admin("GET", `/maintenance-rules/${created.id}`)).status).toBe(404);
  });

  it("leaves out a component deleted since the rule was saved: the cron goes on", async () => {
    const [kept, gone] = [await createComponent("Kept"), await createComponent("Gone")];
    const rule = await json(
      await admin("POST", "/maintenance-rules", {
        name: "Every 3 days",
        component_ids: [kept.id, gone.id],
        frequency: "interval",
        interval_days: 3,
        start_time: "05:00",
        starts_on: new Date().toISOString().slice(0, 10),
        duration_minutes: 30,
      }),
      201,
    );
    expect((await admin("DELETE", `/components/${gone.id}?force=true`)).status).toBe(204);
    await cron(Date.now() + 20 * 86_400_000);
    const latest = await rows<{ ids: string }>(
      "SELECT (SELECT json_group_array(component_id) FROM incident_components WHERE incident_id = i.id) AS ids FROM incidents i WHERE rule_id = ?1 ORDER BY scheduled_for DESC LIMIT 1",
      rule.id,
    );
    expect(JSON.parse(latest[0]!.ids)).toEqual([kept.id]);
    expect((await admin("DELETE", `/maintenance-rules/${rule.id}`)).status).toBe(204);
  });

  it("refuses bad rules with a 400 naming the field, and writes nothing", async () => {
    const comp = await createComponent("Rules");
    const base = {
      name: "R",
      component_ids: [comp.id],
      frequency: "weekly",
      weekdays: [1],
      start_time: "02:00",
      starts_on: "2030-01-01",
      duration_minutes: 30,
    };
    const before = (await rows<{ n: number }>("SELECT count(*) AS n FROM maintenance_rules"))[0]!.n;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, weekdays: [] }, "weekdays"],
      [{ ...base, weekdays: [8] }, "weekdays[0]"],
      [{ ...base, start_time: "25:00" }, "start_time"],
      [{ ...base, starts_on: "2030-02-30" }, "starts_on"],
      [{ ...base, ends_on: "2029-12-31" }, "ends_on"],
      [{ ...base, frequency: "interval", interval_days: null }, "interval_days"],
      [{ ...base, frequency: "monthly" }, "frequency"],
      [{ ...base, duration_minutes: 7 * 1440 + 1 }, "duration_minutes"],
      [{ ...base, weekdays: [1, 2], duration_minutes: 1441 }, "duration_minutes"],
      [{ ...base, component_ids: ["nosuchcompon"] }, "component_ids"],
    ];
    for (const [body, field] of cases) {
      const res = await admin("POST", "/maintenance-rules", body);
      const answer = (await res.json()) as Json;
      expect(res.status, JSON.stringify(answer)).toBe(400);
      expect(answer.field, JSON.stringify(answer)).toBe(field);
    }
    expect((await rows<{ n: number }>("SELECT count(*) AS n FROM maintenance_rules"))[0]!.n).toBe(before);
    expect((await admin("PUT", "/maintenance-rules/nosuchrule12", base)).status).toBe(404);
  });
});

describe("on another page", () => {
  const captured = async (prefix: string): Promise<Json[]> =>
    (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(prefix)}`)).json()) as Json[];
  async function arrived(prefix: string, n: number): Promise<Json[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const got = await captured(prefix);
      if (got.length >= n || Date.now() > deadline) return got;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  async function pageSubscriber(page: number, url: string) {
    const id = unique("ps")
      .replace(/[^a-z0-9]/g, "")
      .slice(-12)
      .padStart(12, "p");
    const now = new Date().toISOString();
    await env.DB.prepare(
      "INSERT INTO subscribers (id, page, email, webhook_url, language, token, confirmed_at, created_by, created_at) VALUES (?1, ?2, ?3, ?4, 'en', ?5, ?6, 'operator', ?6)",
    )
      .bind(id, page, `${id}@example.com`, url, `tok-${id}`, now)
      .run();
  }
  async function newPage(name: string) {
    const page = (await json(await admin("POST", "/pages", { name, slug: unique(name.toLowerCase()).slice(-30) }), 201)) as { id: number; slug: string };
    const comp = (await json(await admin("POST", `/pages/${page.slug}/components`, { name: "Cluster", slug: unique("cluster") }), 201)) as { id: string };
    return { ...page, comp };
  }

  it("a maintenance on page 2 is scheduled and reminded to page 2's subscribers and channels only", async () => {
    const page = await newPage("Second");
    expect(page.id).not.toBe(1);
    const tag = unique("p2");
    await json(await admin("POST", `/pages/${page.slug}/channels`, { kind: "webhook", name: "Page 2", url: `${CAPTURE}/ok/${tag}/c2` }), 201);
    await json(await admin("POST", "/channels", { kind: "webhook", name: "Page 1", url: `${CAPTURE}/ok/${tag}/c1` }), 201);
    await pageSubscriber(page.id, `${CAPTURE}/ok/${tag}/s2`);
    await pageSubscriber(1, `${CAPTURE}/ok/${tag}/s1`);
    const name = unique("Page 2 upgrade");
    const start = Math.ceil(Date.now() / minute) * minute + 120 * minute;
    const m = await json(
      await admin("POST", `/pages/${page.slug}/maintenances`, {
        name,
        scheduled_for: new Date(start).toISOString(),
        scheduled_until: new Date(start + 30 * minute).toISOString(),
        component_ids: [page.comp.id],
      }),
      201,
    );
    expect((await rows<{ page: number }>("SELECT page FROM incidents WHERE id = ?1", m.id))[0]!.page).toBe(page.id);
    await cron(start - 60 * minute);
    expect((await rows<{ page: number }>("SELECT page FROM incident_notices WHERE incident_id = ?1", m.id)).map((r) => r.page)).toEqual([page.id]);
    for (const who of ["s2", "c2"]) {
      const got = await arrived(`/ok/${tag}/${who}`, 2);
      expect(got).toHaveLength(2);
      expect(got.every((r) => r.body.includes(name))).toBe(true);
      expect(got.some((r) => r.body.includes(`/p/${page.slug}/`))).toBe(true);
    }
    // Told in the same fan-outs as the ones above: by now they would have arrived.
    for (const who of ["s1", "c1"]) expect((await captured(`/ok/${tag}/${who}`)).filter((r) => r.body.includes(name))).toEqual([]);
    expect((await admin("GET", `/maintenances?status=open`)).ok).toBe(true);
    expect((await admin("GET", `/incidents/${m.id}`)).status).toBe(404);
  });

  it("a rule on page 2 makes its occurrences on page 2, in page 2's time zone, and the cron remakes them there", async () => {
    const page = await newPage("Rules");
    const settings = (await json(await admin("GET", `/pages/${page.slug}/settings`), 200)) as Json;
    const { page_id: _id, page_password_set: _set, ...editable } = settings;
    await json(await admin("PUT", `/pages/${page.slug}/settings`, { ...editable, time_zone: "Asia/Tokyo" }), 200);
    const body = {
      name: "Nightly on page 2",
      component_ids: [page.comp.id],
      frequency: "weekly",
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      start_time: "03:00",
      starts_on: new Date().toISOString().slice(0, 10),
      duration_minutes: 30,
    };
    const rule = await json(await admin("POST", `/pages/${page.slug}/maintenance-rules`, body), 201);
    expect(rule.time_zone).toBe("Asia/Tokyo");
    const occurrences = () =>
      rows<{ id: string; page: number; scheduled_for: string }>("SELECT id, page, scheduled_for FROM incidents WHERE rule_id = ?1", rule.id);
    const made = await occurrences();
    expect(made.length).toBeGreaterThanOrEqual(13);
    // 03:00 in Tokyo is 18:00 UTC the day before.
    expect(made.every((o) => o.page === page.id && o.scheduled_for.endsWith("T18:00:00.000Z"))).toBe(true);
    // Not a rule of page 1, nor listed there; a page 1 component is refused on page 2.
    expect((await admin("GET", `/maintenance-rules/${rule.id}`)).status).toBe(404);
    expect(((await json(await admin("GET", "/maintenance-rules"), 200)) as Json[]).some((r) => r.id === rule.id)).toBe(false);
    expect(((await json(await admin("GET", `/pages/${page.slug}/maintenance-rules`), 200)) as Json[]).map((r) => r.id)).toEqual([rule.id]);
    const pageOne = await createComponent("Page one");
    const refused = await admin("POST", `/pages/${page.slug}/maintenance-rules`, { ...body, component_ids: [pageOne.id] });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("another page");
    // The cron makes what is missing on the rule's page.
    await env.DB.prepare("DELETE FROM incidents WHERE rule_id = ?1").bind(rule.id).run();
    await cron(Date.now());
    const again = await occurrences();
    expect(again).toHaveLength(made.length);
    expect(again.every((o) => o.page === page.id && o.scheduled_for.endsWith("T18:00:00.000Z"))).toBe(true);
    expect((await admin("DELETE", `/pages/${page.slug}/maintenance-rules/${rule.id}`)).status).toBe(204);
  });
});

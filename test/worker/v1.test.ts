// The management API's keys, pages, refusals and rate, against the built worker and a real D1: a bad
// key is a 401, another page's key a 403, a bad body a 400 naming the field, and none of them writes
// anything; a key limited to a page writes on that page only; past its burst a key gets Statuspage's 420.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createComponent, createIntegration, drained, post, unique } from "./helpers";
import { apiKey, firstPageId, otherPage, v1 } from "./v1-helpers";

type Obj = Record<string, unknown> & { id: string };

/** What a refused call must leave as it was. */
async function counts() {
  const n = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
  return {
    audit: await n("audit_log"),
    components: await n("components"),
    groups: await n("component_groups"),
    incidents: await n("incidents"),
    subscribers: await n("subscribers"),
  };
}

let pageId: string;
let other: { page: number; pageId: string };

beforeAll(async () => {
  pageId = await firstPageId();
  other = await otherPage();
});

describe("keys", () => {
  it("no key, a malformed header, an unknown key and a revoked key get 401 in Statuspage's error shape, and write nothing", async () => {
    const before = await counts();
    const revoked = await apiKey(null, { revoked: true });
    const body = { component: { name: "Never made" } };
    for (const [key, headers] of [
      [null, {}],
      [null, { Authorization: "Bearer sk_0123456789abcdef0123456789" }],
      ["sk_unknownunknownunknownunknown0000", {}],
      [revoked, {}],
    ] as const) {
      const res = await v1(key, "POST", `/pages/${pageId}/components`, body, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body).toMatchObject({ error: expect.stringMatching(/^Could not authenticate/), message: expect.any(String) });
    }
    expect(await counts()).toEqual(before);
  });

  it("`?api_key=` works as the header does, and paths may end in .json", async () => {
    const key = await apiKey(null);
    const res = await v1(null, "GET", `/pages/${pageId}/components.json?api_key=${key}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
  });

  it("a key limited to another page gets 403 on this one, writes nothing, and does not see it in /pages", async () => {
    const key = await apiKey([other.page]);
    const before = await counts();
    for (const [method, path, body] of [
      ["GET", `/pages/${pageId}`, undefined],
      ["GET", `/pages/${pageId}/incidents`, undefined],
      ["POST", `/pages/${pageId}/components`, { component: { name: "Elsewhere" } }],
      ["POST", `/pages/${pageId}/incidents`, { incident: { name: "Elsewhere" } }],
    ] as const) {
      const res = await v1(key, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await counts()).toEqual(before);
    const pages = (await v1(key, "GET", "/pages")).body as Obj[];
    expect(pages.map((p) => p.id)).toEqual([other.pageId]);
    expect((await v1(key, "GET", "/pages/nosuchpage00")).status).toBe(404);
  });

  it("a key limited to a page writes on that page, and its components are not found from the first page", async () => {
    const key = await apiKey([other.page]);
    const made = await v1(key, "POST", `/pages/${other.pageId}/components`, { component: { name: unique("Internal DB") } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const comp = made.body as Obj;
    expect(comp.page_id).toBe(other.pageId);
    const row = await env.DB.prepare("SELECT page FROM components WHERE id = ?1").bind(comp.id).first<{ page: number }>();
    expect(row!.page).toBe(other.page);
    const everyPage = await apiKey(null);
    expect((await v1(everyPage, "GET", `/pages/${pageId}/components/${comp.id}`)).status).toBe(404);
    const across = await v1(everyPage, "POST", `/pages/${pageId}/incidents`, { incident: { name: "Across pages", components: { [comp.id]: "major_outage" } } });
    expect(across.status).toBe(400);
    expect(across.body).toMatchObject({ field: "incident.component_ids" });
  });

  it("past its burst (60 requests, then 1 a second), a key gets 420 with Retry-After; another key is not held back", async () => {
    const key = await apiKey(null);
    const answers = await Promise.all(Array.from({ length: 75 }, () => v1(key, "GET", `/pages/${pageId}`)));
    const allowed = answers.filter((a) => a.status === 200).length;
    // The burst, and at most the few tokens refilled while the 75 were answered.
    expect(allowed).toBeGreaterThanOrEqual(60);
    expect(allowed).toBeLessThan(66);
    const limited = answers.find((a) => a.status === 420)!;
    expect(answers.every((a) => a.status === 200 || a.status === 420)).toBe(true);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(limited.body).toMatchObject({ error: expect.stringContaining("rate limit") });
    expect((await v1(await apiKey(null), "GET", `/pages/${pageId}`)).status).toBe(200);
  });
});

describe("bodies", () => {
  let key: string;
  beforeAll(async () => {
    key = await apiKey(null);
  });

  it("unknown fields, unsupported fields, wrong types and malformed JSON are 400s naming the field, and write nothing", async () => {
    const comp = await createComponent("Body checks");
    const before = await counts();
    const cases: Array<[string, string, unknown, string]> = [
      ["POST", "/components", { component: { name: "x", colour: "red" } }, "component.colour"],
      ["POST", "/components", { component: { name: "x", showcase: false } }, "component.showcase"],
      ["POST", "/components", { component: { name: "x", status: "broken" } }, "component.status"],
      ["POST", "/components", { name: "x" }, "component"],
      ["POST", "/incidents", { incident: { name: "x", backfilled: true } }, "incident.backfilled"],
      ["POST", "/incidents", { incident: { name: "x", metadata: { jira: { id: "1" } } } }, "incident.metadata"],
      ["POST", "/incidents", { incident: { name: "x", components: { [comp.id]: "sideways" } } }, `incident.components.${comp.id}`],
      ["POST", "/incidents", { incident: { name: "x", scheduled_for: "tomorrow" } }, "incident.scheduled_for"],
      [
        "POST",
        "/incidents",
        { incident: { name: "x", status: "scheduled", scheduled_for: new Date(Date.now() + 3600_000).toISOString() } },
        "incident.scheduled_until",
      ],
      ["POST", "/incidents", { incident: { name: "x", impact_override: "maintenance" } }, "incident.impact_override"],
      ["POST", "/subscribers", { subscriber: { phone_number: "202-555-0105" } }, "subscriber.phone_number"],
      ["POST", "/subscribers", { subscriber: { email: "not-an-address" } }, "subscriber.email"],
      ["POST", "/component-groups", { component_group: { name: "g", components: ["nosuchcompon"] } }, "component_group.components[0]"],
      ["POST", "/components", "{not json", "body"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await v1(key, method, `/pages/${pageId}${path}`, body);
      expect(res.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body, `${path} ${JSON.stringify(body)}`).toMatchObject({ field, error: expect.stringContaining(`\`${field}\``) });
    }
    expect(await counts()).toEqual(before);
  });

  it("an unknown incident, component or subscriber is a 404; a name change is refused; deleting an incident whose alerts fire is refused", async () => {
    expect((await v1(key, "GET", `/pages/${pageId}/incidents/nosuchincide`)).status).toBe(404);
    expect((await v1(key, "PATCH", `/pages/${pageId}/components/nosuchcompon`, { component: { name: "x" } })).status).toBe(404);
    expect((await v1(key, "DELETE", `/pages/${pageId}/subscribers/nosuchsubscr`)).status).toBe(404);

    // An incident an alert opened is updated through /v1 like any other.
    const comp = await createComponent("Alerted");
    const integ = await createIntegration("generic", [comp.id]);
    expect((await post(`/hooks/generic/${integ.key}`, { dedup_key: unique("a"), action: "trigger", severity: "critical", summary: "Disk full" })).status).toBe(
      202,
    );
    await drained();
    const open = ((await v1(key, "GET", `/pages/${pageId}/incidents/unresolved`)).body as Array<Obj & { components: Obj[] }>).find((i) =>
      i.components.some((c) => c.id === comp.id),
    )!;
    expect(open).toBeDefined();
    const renamed = await v1(key, "PATCH", `/pages/${pageId}/incidents/${open.id}`, { incident: { name: "Another name" } });
    expect(renamed.status).toBe(400);
    expect(renamed.body).toMatchObject({ field: "incident.name" });
    expect((await v1(key, "DELETE", `/pages/${pageId}/incidents/${open.id}`)).status).toBe(409);
    const identified = await v1(key, "PATCH", `/pages/${pageId}/incidents/${open.id}`, {
      incident: { status: "identified", body: "The log volume filled up." },
    });
    expect(identified.status, JSON.stringify(identified.body)).toBe(200);
    expect(identified.body).toMatchObject({ status: "identified" });
    const resolved = await v1(key, "PATCH", `/pages/${pageId}/incidents/${open.id}`, { incident: { status: "resolved" } });
    expect(resolved.body).toMatchObject({ status: "resolved" });
    expect((await v1(key, "DELETE", `/pages/${pageId}/incidents/${open.id}`)).status).toBe(200);
  });

  it("takes Statuspage's form-encoded bodies as it takes JSON", async () => {
    const comp = await createComponent("Form encoded");
    const form = new URLSearchParams();
    form.append("incident[name]", "Posted as a form");
    form.append("incident[body]", "From curl -d.");
    form.append(`incident[components][${comp.id}]`, "degraded_performance");
    form.append("incident[component_ids][]", comp.id);
    form.append("incident[deliver_notifications]", "false");
    const res = await v1(key, "POST", `/pages/${pageId}/incidents.json`, form.toString(), { "Content-Type": "application/x-www-form-urlencoded" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: "Posted as a form", components: [expect.objectContaining({ id: comp.id, status: "degraded_performance" })] });
    const bad = await v1(key, "POST", `/pages/${pageId}/incidents`, "incident[name]=x&incident[colour]=red", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: "incident.colour" });
  });

  it("deliver_notifications false writes the update without telling anyone", async () => {
    const comp = await createComponent("Quiet");
    const made = await v1(key, "POST", `/pages/${pageId}/incidents`, {
      incident: { name: "Quiet incident", body: "Nobody is told.", component_ids: [comp.id], deliver_notifications: false },
    });
    expect(made.status).toBe(201);
    const incident = made.body as Obj & { incident_updates: Obj[] };
    expect(incident.incident_updates[0]).toMatchObject({ deliver_notifications: false });
    const row = await env.DB.prepare("SELECT deliver_notifications AS d FROM incident_updates WHERE incident_id = ?1").bind(incident.id).first<{ d: number }>();
    expect(row!.d).toBe(0);
  });
});

describe("subscribers on another page than the first", () => {
  it("are created on that page, with its components only, confirmed or pending", async () => {
    const key = await apiKey([other.page]);
    const comp = (await v1(key, "POST", `/pages/${other.pageId}/components`, { component: { name: "Its own" } })).body as Obj;
    const firstPages = await createComponent("First page's");
    const wrong = await v1(key, "POST", `/pages/${other.pageId}/subscribers`, {
      subscriber: { email: "v1.other@example.com", component_ids: [firstPages.id] },
    });
    expect(wrong.status).toBe(400);
    const made = await v1(key, "POST", `/pages/${other.pageId}/subscribers`, {
      subscriber: { email: "v1.other@example.com", component_ids: [comp.id], skip_confirmation_notification: true },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const pending = await v1(key, "POST", `/pages/${other.pageId}/subscribers`, { subscriber: { email: "v1.pending@example.com" } });
    expect(pending.status, JSON.stringify(pending.body)).toBe(201);
    const { results } = await env.DB.prepare(
      "SELECT email, page, confirmed_at FROM subscribers WHERE email IN ('v1.other@example.com', 'v1.pending@example.com') ORDER BY email",
    ).all<{ email: string; page: number; confirmed_at: string | null }>();
    expect(results.map((r) => [r.email, r.page, !!r.confirmed_at])).toEqual([
      ["v1.other@example.com", other.page, true],
      ["v1.pending@example.com", other.page, false],
    ]);
    // Statuspage lists the active (confirmed) ones by default.
    const listed = (await v1(key, "GET", `/pages/${other.pageId}/subscribers`)).body as Obj[];
    expect(listed.map((s) => s.email)).toEqual(["v1.other@example.com"]);
  });
});

// Operators and subscribers: POST/GET/DELETE /admin/api/subscribers (added confirmed, by
// 'operator', with an audit row, no email), the CSV export (escaped, formula cells neutralised), the
// admin page (session + CSRF), and the refusals (no token, wrong input, another's id).
import { env, SELF } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ADMIN, admin, BASE, createComponent, rows } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Json = Record<string, any>;
let sent = 0;
beforeEach(() => {
  sent = 0;
  vi.spyOn(env.EMAIL, "send").mockImplementation((async () => {
    sent++;
    return { messageId: "<m@test>" };
  }) as never);
});
afterEach(() => vi.restoreAllMocks());

let component: { id: string; name: string };
beforeAll(async () => {
  component = await createComponent("Operator-chosen");
});

describe("/admin/api/subscribers", () => {
  it("POST adds a confirmed subscriber by 'operator', with an audit row and no email; the token never shows", async () => {
    const res = await admin("POST", "/subscribers", { email: "Team@Example.com", component_ids: [component.id], language: "ko" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({
      email: "team@example.com",
      component_ids: [component.id],
      language: "ko",
      status: "confirmed",
      created_by: "operator",
      webhook_url: null,
    });
    expect(body.id).toMatch(/^[a-z0-9]{12}$/);
    expect(body.confirmed_at).toBe(body.created_at);
    expect(body).not.toHaveProperty("token");
    const [row] = await rows<{ token: string; confirmed_at: string; created_by: string }>(
      "SELECT token, confirmed_at, created_by FROM subscribers WHERE id = ?1",
      body.id,
    );
    expect(row).toMatchObject({ created_by: "operator", confirmed_at: body.created_at });
    expect(sent).toBe(0);
    const audit = await rows<{ actor: string; after: string }>(
      "SELECT actor, after FROM audit_log WHERE action = 'subscriber.create' AND target_id = ?1",
      body.id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe("api");
    expect(audit[0]!.after).not.toContain(row!.token);
    const list = (await (await admin("GET", "/subscribers")).json()) as Json;
    expect(JSON.stringify(list)).not.toContain(row!.token);
  });

  it("the same pair again is a 409 naming `email`; a webhook for the same address is another subscriber", async () => {
    await admin("POST", "/subscribers", { email: "dup@example.com" });
    const again = await admin("POST", "/subscribers", { email: "DUP@example.com" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ field: "email" });
    const hook = await admin("POST", "/subscribers", { email: "dup@example.com", webhook_url: "https://hooks.example.com/status" });
    expect(hook.status).toBe(201);
    expect(await rows("SELECT id FROM subscribers WHERE email = 'dup@example.com'")).toHaveLength(2);
  });

  it.each([
    [{ email: "nope" }, "email"],
    [{ email: "ok@example.com", webhook_url: "https://printer/x" }, "webhook_url"],
    [{ email: "ok@example.com", webhook_url: "ftp://files.example.com/x" }, "webhook_url"],
    [{ email: "ok@example.com", component_ids: ["nosuchcompo1"] }, "component_ids[0]"],
    [{ email: "ok@example.com", language: "klingon" }, "language"],
  ])("POST %j → 400 naming `%s`", async (body, field) => {
    const res = await admin("POST", "/subscribers", body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field });
  });

  it("GET pages by id (`after`, `next_after`) and filters by status; bad queries are 400s", async () => {
    for (let i = 0; i < 3; i++) await admin("POST", "/subscribers", { email: `page${i}@example.com` });
    await SELF.fetch(`${BASE}/subscriptions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "pending.one@example.com" }),
    });
    const all = ((await (await admin("GET", "/subscribers?limit=1000")).json()) as Json).items as Json[];
    const first = (await (await admin("GET", "/subscribers?limit=2")).json()) as Json;
    expect(first.items).toHaveLength(2);
    expect(first.next_after).toBe(first.items[1].id);
    const second = (await (await admin("GET", `/subscribers?limit=2&after=${first.next_after}`)).json()) as Json;
    expect(second.items[0].id).toBe(all[2]!.id);
    const pending = ((await (await admin("GET", "/subscribers?status=pending")).json()) as Json).items as Json[];
    expect(pending.map((s) => s.email)).toContain("pending.one@example.com");
    expect(pending.every((s) => s.status === "pending")).toBe(true);
    for (const q of ["limit=0", "limit=1001", "limit=x", "after=../x", "status=maybe"]) {
      const res = await admin("GET", `/subscribers?${q}`);
      expect(res.status, q).toBe(400);
    }
  });

  it("DELETE removes one (204, audit row), then 404; a malformed id is a 404 too", async () => {
    const { id } = (await (await admin("POST", "/subscribers", { email: "gone@example.com" })).json()) as Json;
    expect((await admin("DELETE", `/subscribers/${id}`)).status).toBe(204);
    expect(await rows("SELECT id FROM subscribers WHERE id = ?1", id)).toHaveLength(0);
    expect(await rows("SELECT id FROM audit_log WHERE action = 'subscriber.delete' AND target_id = ?1", id)).toHaveLength(1);
    expect((await admin("DELETE", `/subscribers/${id}`)).status).toBe(404);
    expect((await admin("DELETE", "/subscribers/..%2Fx")).status).toBe(404);
  });

  it("the CSV export: every subscriber, quoted where needed, formula cells made text", async () => {
    await admin("POST", "/subscribers", { email: "+formula@example.com", webhook_url: "https://hooks.example.com/a,b" });
    await admin("POST", "/subscribers", { email: "two.components@example.com", component_ids: [component.id] });
    const res = await admin("GET", "/subscribers.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="subscribers-\d{4}-\d\d-\d\d\.csv"$/);
    const text = await res.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("id,email,webhook_url,component_ids,language,status,created_by,created_at,confirmed_at");
    expect(lines.at(-1)).toBe("");
    expect(text).toContain(`,'+formula@example.com,"https://hooks.example.com/a,b",,en,confirmed,operator,`);
    expect(text).toContain(`,two.components@example.com,,${component.id},en,confirmed,operator,`);
    const count = (await rows<{ n: number }>("SELECT count(*) AS n FROM subscribers"))[0]!.n;
    expect(lines.length - 2).toBe(count);
  });

  it("without the bearer token every subscriber route is a 401 and changes nothing", async () => {
    const before = await rows("SELECT * FROM subscribers ORDER BY id");
    for (const [method, path, body] of [
      ["GET", "/admin/api/subscribers"],
      ["GET", "/admin/api/subscribers.csv"],
      ["POST", "/admin/api/subscribers", { email: "intruder@example.com" }],
      ["DELETE", `/admin/api/subscribers/${(before[0] as Json).id}`],
    ] as Array<[string, string, unknown?]>) {
      for (const auth of [{}, { Authorization: "Bearer wrong-token-0123456789abcdef0123456789" }] as Array<Record<string, string>>) {
        const res = await SELF.fetch(`${BASE}${path}`, {
          method,
          headers: { "Content-Type": "application/json", ...auth },
          body: body ? JSON.stringify(body) : undefined,
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(await res.text()).not.toContain("@example.com");
      }
    }
    // The UI's export needs a session.
    expect((await SELF.fetch(`${BASE}/admin/subscribers.csv`, { redirect: "manual" })).status).toBe(401);
    expect(await rows("SELECT * FROM subscribers ORDER BY id")).toEqual(before);
  });
});

describe("the admin page", () => {
  async function session() {
    const res = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.30" },
      body: new URLSearchParams({ token: ADMIN.Authorization.slice(7), name: "Ops" }).toString(),
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const page = async () => {
      const r = await SELF.fetch(`${BASE}/admin/subscribers`, { headers: { Cookie: cookie } });
      const html = await r.text();
      return { status: r.status, html, csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]! };
    };
    const submit = (path: string, fields: Array<[string, string]>) =>
      SELF.fetch(`${BASE}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
        body: new URLSearchParams(fields).toString(),
      });
    return { cookie, page, submit };
  }

  it("lists, adds (confirmed) and removes subscribers through forms with the CSRF token; a form without it is refused", async () => {
    const op = await session();
    const first = await op.page();
    expect(first.status).toBe(200);
    expect(first.html).toContain('<a href="/admin/subscribers" aria-current="page">Subscribers</a>');
    expect(first.html).toContain('href="/admin/subscribers.csv"');

    const added = await op.submit("/admin/subscribers", [
      ["_csrf", first.csrf],
      ["email", "ui.added@example.com"],
      ["language", "de"],
      ["component_ids", component.id],
    ]);
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe("/admin/subscribers?ok=added");
    const [row] = await rows<{ id: string; confirmed_at: string | null; created_by: string; language: string }>(
      "SELECT * FROM subscribers WHERE email = 'ui.added@example.com'",
    );
    expect(row).toMatchObject({ created_by: "operator", language: "de" });
    expect(row!.confirmed_at).toBeTruthy();
    const listed = await (await SELF.fetch(`${BASE}/admin/subscribers?ok=added`, { headers: { Cookie: op.cookie } })).text();
    expect(listed).toContain("Subscriber added, confirmed.");
    expect(listed).toContain("ui.added@example.com");

    const bad = await op.submit("/admin/subscribers", [
      ["_csrf", first.csrf],
      ["email", "not an address"],
    ]);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("`email` must be an email address");

    const forged = await op.submit(`/admin/subscribers/${row!.id}/delete`, [["_csrf", "forged"]]);
    expect(forged.status).toBe(403);
    expect(await rows("SELECT id FROM subscribers WHERE id = ?1", row!.id)).toHaveLength(1);

    const removed = await op.submit(`/admin/subscribers/${row!.id}/delete`, [["_csrf", first.csrf]]);
    expect(removed.status).toBe(303);
    expect(removed.headers.get("location")).toBe("/admin/subscribers?ok=removed");
    expect(await rows("SELECT id FROM subscribers WHERE id = ?1", row!.id)).toHaveLength(0);

    const csv = await SELF.fetch(`${BASE}/admin/subscribers.csv`, { headers: { Cookie: op.cookie } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toMatch(/^id,email,/);
    expect(sent).toBe(0);
  });
});

describe("subscribers of another page than the first", () => {
  it("the admin API and the admin UI (its selected page) add them to that page, with that page's components", async () => {
    const page = (await (await admin("POST", "/pages", { name: "Subscribed elsewhere", slug: `subs-${Date.now()}` })).json()) as { id: number; slug: string };
    const mine = (await (await admin("POST", `/pages/${page.id}/components`, { name: "Its own" })).json()) as { id: string };
    // A component of the first page is not one of this page's.
    const wrong = await admin("POST", `/pages/${page.id}/subscribers`, { email: "elsewhere@example.com", component_ids: [component.id] });
    expect(wrong.status).toBe(400);
    const res = await admin("POST", `/pages/${page.id}/subscribers`, { email: "elsewhere@example.com", component_ids: [mine.id] });
    expect(res.status, await res.clone().text()).toBe(201);
    const [row] = await rows<{ page: number }>("SELECT page FROM subscribers WHERE email = 'elsewhere@example.com'");
    expect(row!.page).toBe(page.id);
    const listed = (await (await admin("GET", `/pages/${page.id}/subscribers`)).json()) as { items: Array<{ email: string }> };
    expect(listed.items.map((s) => s.email)).toEqual(["elsewhere@example.com"]);

    // The UI, with the page selected (cookie admin_page).
    const login = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.31" },
      body: new URLSearchParams({ token: ADMIN.Authorization.slice(7), name: "Ops" }).toString(),
    });
    const cookie = `${login.headers.get("set-cookie")!.split(";")[0]!}; admin_page=${page.id}`;
    const form = await (await SELF.fetch(`${BASE}/admin/subscribers`, { headers: { Cookie: cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    expect(form).toContain(mine.id);
    const added = await SELF.fetch(`${BASE}/admin/subscribers`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: new URLSearchParams([
        ["_csrf", csrf],
        ["email", "ui.elsewhere@example.com"],
        ["component_ids", mine.id],
      ]).toString(),
    });
    expect(added.status).toBe(303);
    const [ui] = await rows<{ page: number; component_ids: string }>("SELECT page, component_ids FROM subscribers WHERE email = 'ui.elsewhere@example.com'");
    expect(ui!.page).toBe(page.id);
    expect(JSON.parse(ui!.component_ids)).toEqual([mine.id]);
  });
});

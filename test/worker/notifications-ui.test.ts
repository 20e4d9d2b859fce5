// The admin UI's notification pages as a browser without JavaScript uses them: add a channel (the
// secret shown once), send a test, read the log, delete it — each form with the page's CSRF token.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, rows, unique } from "./helpers";

async function signIn() {
  const res = await SELF.fetch(`${BASE}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.15" },
    body: new URLSearchParams({ token: "test-admin-token-0123456789abcdef0123", name: "notify-ui" }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const get = async (path: string) => {
    const r = await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: cookie } });
    const html = await r.text();
    return { status: r.status, html, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "" };
  };
  const postForm = async (path: string, fields: Record<string, string | string[]>, csrf: string) => {
    const body = new URLSearchParams({ _csrf: csrf });
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const r = await SELF.fetch(`${BASE}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/x-www-form-urlencoded", Referer: `${BASE}/admin/channels` },
      body: body.toString(),
    });
    return { status: r.status, html: await r.text(), location: r.headers.get("location") };
  };
  return { get, postForm };
}

describe("admin UI: channels and the notification log", () => {
  it("adds a webhook channel showing its secret once, tests it, lists it in the log, deletes it", { timeout: 30_000 }, async () => {
    const op = await signIn();
    const page = await op.get("/admin/channels");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Add a channel");
    const name = unique("UI hook");
    const path = `/ok/${unique("ui")}`;
    const made = await op.postForm(
      "/admin/channels",
      { name, kind: "webhook", url: `${env.NOTIFY_CAPTURE_URL}${path}`, events: ["incident", "component"] },
      page.csrf,
    );
    expect(made.status, made.html.slice(0, 400)).toBe(201);
    const secret = /<code>(whsec_[^<]+)<\/code>/.exec(made.html)?.[1];
    expect(secret).toMatch(/^whsec_/);
    const [row] = await rows<{ id: string; events: string }>("SELECT id, events FROM channels WHERE name = ?1", name);
    expect(JSON.parse(row!.events)).toEqual(["incident", "component"]);
    // Never again: the list does not show it.
    const again = await op.get("/admin/channels");
    expect(again.html).toContain(name);
    expect(again.html).not.toContain(secret!);

    const tested = await op.postForm(`/admin/channels/${row!.id}/test`, {}, again.csrf);
    expect(tested.status).toBe(200);
    expect(tested.html).toContain("delivered (HTTP 204)");
    const log = await op.get(`/admin/notifications?recipient_id=${row!.id}`);
    expect(log.html).toContain("test");
    expect(log.html).toContain("delivered");
    expect(log.html).not.toContain(path);

    // Bad input comes back on the page, naming the problem; nothing written.
    const bad = await op.postForm("/admin/channels", { name: "bad", kind: "slack", url: "https://hooks.internal/x" }, again.csrf);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(".internal names are private");
    expect(await rows("SELECT id FROM channels WHERE name = 'bad'")).toEqual([]);
    // Without the CSRF token: refused.
    expect((await op.postForm(`/admin/channels/${row!.id}/delete`, { confirm: "yes" }, "wrong")).status).toBe(403);

    const gone = await op.postForm(`/admin/channels/${row!.id}/delete`, { confirm: "yes" }, again.csrf);
    expect(gone.status).toBe(303);
    expect(gone.location).toBe("/admin/channels?ok=channel_deleted");
    expect(await rows("SELECT id FROM channels WHERE id = ?1", row!.id)).toEqual([]);
  });
});

// The admin's Import page as a browser without JavaScript uses it: the form (with its CSRF token), and a
// source that is not a Statuspage page refused on the page itself, naming the field, with nothing made.
import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { BASE, unique } from "./helpers";

async function signIn(): Promise<string> {
  const res = await SELF.fetch(`${BASE}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.27" },
    body: new URLSearchParams({ token: "test-admin-token-0123456789abcdef0123", name: "Importer" }).toString(),
  });
  expect(res.status).toBe(303);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

it("shows the form, and refuses a source that is not a Statuspage page without making the page", async () => {
  const cookie = await signIn();
  const form = await SELF.fetch(`${BASE}/admin/import`, { headers: { Cookie: cookie } });
  const html = await form.text();
  expect(form.status).toBe(200);
  expect(html).toContain('action="/admin/import"');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

  const slug = unique("formimport");
  const res = await SELF.fetch(`${BASE}/admin/import`, {
    method: "POST",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Referer: `${BASE}/admin/import` },
    // The capture server answers 204 with no body: not a Statuspage page.
    body: new URLSearchParams({ _csrf: csrf, url: `${env.NOTIFY_CAPTURE_URL}/ok/${slug}`, slug }).toString(),
  });
  const answer = await res.text();
  expect(res.status).toBe(400);
  expect(answer).toMatch(/<p class="flash error" role="alert">`url`: [^<]*is not JSON/);
  expect(await env.DB.prepare("SELECT count(*) AS n FROM page_settings WHERE slug = ?1").bind(slug).first<{ n: number }>()).toEqual({ n: 0 });
});

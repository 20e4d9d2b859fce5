// Each page words and publishes the incidents alerts open on it by its own policy (page settings
// `public_text` and `publication`, null: the integration's): one delivery reaching two pages opens two
// incidents, each worded and published as its page says.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ADMIN, admin, BASE, createIntegration, post, unique } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

type Json = Record<string, any>;
const BASIC = { url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };

async function page(name: string): Promise<{ id: number; component: string }> {
  const p = (await (await admin("POST", "/pages", { name, slug: unique("pol") })).json()) as { id: number };
  const c = (await (await admin("POST", `/pages/${p.id}/components`, { name: `${name} database` })).json()) as { id: string };
  return { id: p.id, component: c.id };
}

describe("a page's own wording and publication policy", () => {
  it("one delivery reaching the internal page (full, publish) and the public page (summary, review) opens two incidents, each by its page's policy", async () => {
    const internal = await page("Internal");
    const open = await page("Public");
    const set = (p: number, body: Json) => admin("PUT", `/pages/${p}/settings`, { name: "Status", ...BASIC, ...body });
    expect((await set(internal.id, { public_text: "full", publication: "publish" })).status).toBe(200);
    expect((await set(open.id, { public_text: "summary", publication: "review" })).status).toBe(200);
    const read = (await (await admin("GET", `/pages/${open.id}/settings`)).json()) as Json;
    expect(read).toMatchObject({ public_text: "summary", publication: "review", publish_after_seconds: null });

    // The integration's own policy is the opposite of the public page's: verbatim, published at once.
    const integration = await createIntegration("generic", [internal.component, open.component], { public_text: "full", publication: "publish" });
    const title = `db-01 disk full, see https://grafana.example.net/d/${unique("x")}`;
    const details = "Filesystem /var/lib/postgresql at 99% on db-01.eu-west-1.internal";
    const res = await post(`/hooks/generic/${integration.key}`, { dedup_key: unique("pp"), action: "trigger", severity: "critical", summary: title, details });
    expect(res.status).toBe(202);

    const incidentOn = async (p: number) => {
      const row = await env.DB.prepare(
        `SELECT i.name, i.publication, (SELECT body FROM incident_updates u WHERE u.incident_id = i.id ORDER BY created_at, rowid LIMIT 1) AS body
         FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1 AND i.page = ?2`,
      )
        .bind(p === internal.id ? internal.component : open.component, p)
        .all<{ name: string; publication: string; body: string }>();
      expect(row.results).toHaveLength(1);
      return row.results[0]!;
    };
    const onInternal = await incidentOn(internal.id);
    expect(onInternal).toMatchObject({ name: title, publication: "published", body: details });
    const onPublic = await incidentOn(open.id);
    expect(onPublic.publication).toBe("draft");
    expect(onPublic.name).not.toContain("https://");
    expect(onPublic.name).toContain("db-01 disk full");
    expect(onPublic.body).not.toContain(details);
    expect(onPublic.body).toContain("Public database");

    // Cleared (null): the integration's own policy again, on the next incident.
    expect((await set(open.id, { public_text: null, publication: null })).status).toBe(200);
    expect((await (await admin("GET", `/pages/${open.id}/settings`)).json()) as Json).toMatchObject({ public_text: null, publication: null });
  });

  it("refuses a template without its wording and a grace period without publishing, naming the field, and writes nothing", async () => {
    const p = await page("Refusals");
    const bad = [
      [{ public_text: "template" }, "public_template"],
      [{ publication: "review", publish_after_seconds: 60 }, "publish_after_seconds"],
      [{ publication: "sometimes" }, "publication"],
    ] as const;
    for (const [body, field] of bad) {
      const res = await admin("PUT", `/pages/${p.id}/settings`, { name: "Status", ...BASIC, ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as Json).field).toBe(field);
    }
    expect((await (await admin("GET", `/pages/${p.id}/settings`)).json()) as Json).toMatchObject({ public_text: null, publication: null });
    const ok = await admin("PUT", `/pages/${p.id}/settings`, {
      name: "Status",
      ...BASIC,
      public_text: "template",
      public_template: "{{components}} is slow",
      publication: "publish",
      publish_after_seconds: 120,
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()) as Json).toMatchObject({ public_text: "template", public_template: "{{components}} is slow", publish_after_seconds: 120 });
  });

  it("the admin's Settings form shows and saves the selected page's policy (empty: each integration's)", async () => {
    const p = await page("Form");
    const login = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.41" },
      body: new URLSearchParams({ token: ADMIN.Authorization.slice(7), name: "Ops" }).toString(),
    });
    const cookie = `${login.headers.get("set-cookie")!.split(";")[0]!}; admin_page=${p.id}`;
    const form = await (await SELF.fetch(`${BASE}/admin/settings`, { headers: { Cookie: cookie } })).text();
    expect(form).toContain("Alerts on this page");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const save = (fields: Record<string, string>) =>
      SELF.fetch(`${BASE}/admin/settings`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
        body: new URLSearchParams({ _csrf: csrf, name: "Form status", url: "", time_zone: "Etc/UTC", ...fields }).toString(),
      });
    const saved = await save({ public_text: "template", public_template: "{{components}} is slow", publication: "publish", publish_after_seconds: "90" });
    expect(saved.status, await saved.text()).toBe(303);
    expect((await (await admin("GET", `/pages/${p.id}/settings`)).json()) as Json).toMatchObject({
      public_text: "template",
      public_template: "{{components}} is slow",
      publication: "publish",
      publish_after_seconds: 90,
    });
    const shown = await (await SELF.fetch(`${BASE}/admin/settings`, { headers: { Cookie: cookie } })).text();
    expect(shown).toMatch(/<option value="template" selected/);
    const cleared = await save({ public_text: "", public_template: "", publication: "", publish_after_seconds: "" });
    expect(cleared.status).toBe(303);
    expect((await (await admin("GET", `/pages/${p.id}/settings`)).json()) as Json).toMatchObject({
      public_text: null,
      publication: null,
      publish_after_seconds: null,
    });
    // The first page's settings were not touched.
    expect((await (await admin("GET", "/settings")).json()) as Json).not.toMatchObject({ name: "Form status" });
  });
});

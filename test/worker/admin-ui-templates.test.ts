// The admin UI's incident templates and heartbeat settings, as a browser without JavaScript uses them:
// sign in, read the page (its CSRF token), post the form, follow the 303. Checked through the API and D1.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { admin, BASE, createComponent, createIntegration, rows, unique } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let cookie = "";
let csrf = "";

async function page(path: string): Promise<string> {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
  const html = await res.text();
  expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(200);
  csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf;
  return html;
}

async function submit(path: string, fields: Record<string, string | string[]>, from: string) {
  const body = new URLSearchParams({ _csrf: csrf });
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  const res = await SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Referer: `${BASE}${from}` },
    body: body.toString(),
  });
  await res.text();
  return { status: res.status, location: res.headers.get("location") };
}

beforeAll(async () => {
  const res = await SELF.fetch(`${BASE}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.11" },
    body: new URLSearchParams({ token: "test-admin-token-0123456789abcdef0123", name: "Ops" }).toString(),
  });
  expect(res.status).toBe(303);
  cookie = res.headers.get("set-cookie")!.split(";")[0]!;
});

type Template = { id: string; name: string; title: string; components: Record<string, string | null> };
const templates = async () => (await (await admin("GET", "/incident-templates")).json()) as Template[];

describe("incident templates in the admin UI", () => {
  it("are created, edited and deleted from their page, open an incident from the dashboard, and attach to an integration from its card", async () => {
    const comp = await createComponent("Checkout");
    const name = unique("Checkout down");
    expect(await page("/admin/templates")).toContain("No incident templates yet.");
    const created = await submit(
      "/admin/templates",
      {
        name,
        title: "Checkout is down",
        body: "Customers cannot pay on {{components}}.",
        status: "identified",
        component_ids: comp.id,
        component_status: "major_outage",
      },
      "/admin/templates",
    );
    expect(created).toMatchObject({ status: 303 });
    const t = (await templates()).find((x) => x.name === name)!;
    expect(t).toMatchObject({ title: "Checkout is down", components: { [comp.id]: "major_outage" } });
    expect(await page("/admin/templates")).toContain(name);

    const edited = await submit(
      `/admin/templates/${t.id}`,
      { name, title: "Checkout is failing", body: "Payments fail on {{components}}." },
      "/admin/templates",
    );
    expect(edited.status).toBe(303);
    expect((await templates()).find((x) => x.id === t.id)).toMatchObject({ title: "Checkout is failing", components: {} });

    // The dashboard lists it; opening from it uses its words.
    expect(await page("/admin")).toContain(`value="${t.id}"`);
    const opened = await submit("/admin/incidents", { template_id: t.id }, "/admin");
    expect(opened.status).toBe(303);
    const incident = (await rows<{ name: string }>("SELECT name FROM incidents WHERE id = ?1", opened.location!.split("/").pop()!.split("?")[0]))[0]!;
    expect(incident.name).toBe("Checkout is failing");

    const integ = await createIntegration("generic");
    await page("/admin/integrations");
    expect((await submit(`/admin/integrations/${integ.id}/template`, { incident_template_id: t.id }, "/admin/integrations")).status).toBe(303);
    expect(((await (await admin("GET", `/integrations/${integ.id}`)).json()) as { incident_template_id: string }).incident_template_id).toBe(t.id);

    // Deleting needs the confirmation.
    expect((await submit(`/admin/templates/${t.id}/delete`, {}, "/admin/templates")).status).toBe(400);
    expect((await submit(`/admin/templates/${t.id}/delete`, { confirm: "yes" }, "/admin/templates")).status).toBe(303);
    expect((await templates()).some((x) => x.id === t.id)).toBe(false);
  });
});

describe("heartbeat settings in the admin UI", () => {
  it("shows a heartbeat's state and saves its period, grace, severity and scope; an Alertmanager card names its Watchdog", async () => {
    const hb = await createIntegration("heartbeat");
    const html = await page("/admin/integrations");
    expect(html).toContain('data-heartbeat-status="new"');
    const saved = await submit(
      `/admin/integrations/${hb.id}/heartbeat`,
      { heartbeat_period_seconds: "3600", heartbeat_grace_seconds: "300", heartbeat_severity: "warning", heartbeat_scope: "operators" },
      "/admin/integrations",
    );
    expect(saved.status).toBe(303);
    const options = ((await (await admin("GET", `/integrations/${hb.id}`)).json()) as { options: Record<string, unknown> }).options;
    expect(options).toMatchObject({
      heartbeat_period_seconds: 3600,
      heartbeat_grace_seconds: 300,
      heartbeat_severity: "warning",
      heartbeat_scope: "operators",
    });
    expect((await SELF.fetch(`${BASE}/hooks/heartbeat/${hb.key}`)).status).toBe(200);
    expect(await page("/admin/integrations")).toMatch(/data-heartbeat-status="up"/);

    const am = await createIntegration("alertmanager");
    await page("/admin/integrations");
    const watchdog = await submit(`/admin/integrations/${am.id}/heartbeat`, { has_watchdog: "yes", watchdog_alert: "Watchdog" }, "/admin/integrations");
    expect(watchdog.status).toBe(303);
    expect(((await (await admin("GET", `/integrations/${am.id}`)).json()) as { options: Record<string, unknown> }).options).toMatchObject({
      watchdog_alert: "Watchdog",
    });
    const bad = await submit(`/admin/integrations/${am.id}/heartbeat`, { has_watchdog: "yes", watchdog_alert: "not a name!" }, "/admin/integrations");
    expect(bad.status).toBe(400);
  });
});

describe("incident templates follow the admin's selected page", () => {
  it("the templates page lists, creates and deletes the selected page's templates; the dashboard and integrations offer them", async () => {
    const other = (await (await admin("POST", "/pages", { name: "Templates elsewhere", slug: unique("tpl") })).json()) as { id: number };
    const theirs = (await (await admin("POST", `/pages/${other.id}/components`, { name: "Their API" })).json()) as { id: string };
    const firstName = unique("First page template");
    expect((await admin("POST", "/incident-templates", { name: firstName, title: "t", body: "b" })).status).toBe(201);
    const firstCookie = cookie;
    cookie = `${firstCookie}; admin_page=${other.id}`;
    try {
      const list = await page("/admin/templates");
      expect(list).not.toContain(firstName);
      expect(list).toContain(theirs.id);
      const name = unique("Their outage");
      const created = await submit(
        "/admin/templates",
        { name, title: "Their API is down", body: "b", component_ids: theirs.id, component_status: "major_outage" },
        "/admin/templates",
      );
      expect(created.status).toBe(303);
      const [row] = await rows<{ id: string; page: number }>(`SELECT id, page FROM incident_templates WHERE name = '${name}'`);
      expect(row!.page).toBe(other.id);
      expect(await page("/admin/templates")).toContain(name);
      expect(await page("/admin")).toContain(row!.id);
      expect(await page("/admin/integrations")).toContain(row!.id);
      // An integration takes the selected page's template from its card.
      const integration = await createIntegration("generic", [theirs.id]);
      const attached = await submit(`/admin/integrations/${integration.id}/template`, { incident_template_id: row!.id }, "/admin/integrations");
      expect(attached.status).toBe(303);
      const [taken] = await rows<{ incident_template_id: string }>(`SELECT incident_template_id FROM integrations WHERE id = '${integration.id}'`);
      expect(taken!.incident_template_id).toBe(row!.id);
      await page("/admin/templates");
      const deleted = await submit(`/admin/templates/${row!.id}/delete`, { confirm: "yes" }, "/admin/templates");
      expect(deleted.status).toBe(303);
      expect(await rows(`SELECT id FROM incident_templates WHERE id = '${row!.id}'`)).toEqual([]);
    } finally {
      cookie = firstCookie;
    }
    expect(await page("/admin/templates")).toContain(firstName);
  });
});

// The admin UI as a browser without JavaScript uses it: sign in with the form, read pages, post forms
// (each with the CSRF token the page carries), follow the 303 back. Checked in D1 and on the pages.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { admin, BASE, createComponent, createIntegration, post, rows, unique } from "./helpers";

// Many requests per test through real workerd + D1: generous when the machine is busy.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Json = Record<string, any>;

/** A cookie jar of one cookie, and the CSRF token of the last page read. */
class Operator {
  cookie = "";
  csrf = "";

  async login(name: string) {
    const res = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.10" },
      body: new URLSearchParams({ token: "test-admin-token-0123456789abcdef0123", name }).toString(),
    });
    expect(res.status).toBe(303);
    this.cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    return this;
  }

  async page(path: string, status = 200): Promise<string> {
    const res = await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: this.cookie }, redirect: "manual" });
    const html = await res.text();
    expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(status);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html);
    if (csrf) this.csrf = csrf[1]!;
    return html;
  }

  /** Posts a form from `from` (the Referer), returns the 303's target and its flash. */
  async submit(path: string, fields: Record<string, string | string[]>, from = "/admin") {
    const body = new URLSearchParams({ _csrf: this.csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const res = await SELF.fetch(`${BASE}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: this.cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Referer: `${BASE}${from}` },
      body: body.toString(),
    });
    const location = res.headers.get("location");
    const html = await res.text();
    const url = location ? new URL(location, BASE) : null;
    // The redirect carries a code; the page it leads to shows that code's text. An error answers
    // the post itself, as its page's error banner.
    const code = url?.searchParams.get("ok") ?? null;
    const ok = code
      ? (/<p class="flash ok" role="status">([^<]*)<\/p>/.exec(await this.page(`${url!.pathname}${url!.search}`))?.[1] ?? `(no text for ${code})`)
      : null;
    const error = res.status >= 400 ? (/<p class="flash error" role="alert">([^<]*)<\/p>/.exec(html)?.[1] ?? null) : null;
    return { status: res.status, location: url ? url.pathname : null, code, ok: ok && decode(ok), error: error && decode(error), html };
  }
}

/** The few entities the admin's JSX escapes, back to text. */
const decode = (t: string) =>
  t
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

const op = new Operator();
beforeAll(async () => {
  await op.login("Ops");
  await op.page("/admin");
});

const component = async (id: string) => (await (await admin("GET", `/components/${id}`)).json()) as Json;
const incidentRow = async (id: string) => (await rows<Json>("SELECT * FROM incidents WHERE id = ?1", id))[0]!;

describe("pages", () => {
  it.each(["/admin", "/admin/components", "/admin/integrations", "/admin/maintenances", "/admin/deliveries", "/admin/audit", "/admin/settings"])(
    "%s renders for a signed-in operator, uncached, with every form carrying the CSRF token",
    async (path) => {
      const res = await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: op.cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      const html = await res.text();
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(html).toContain("Ops (token)");
      const forms = html.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
      expect(forms.length).toBeGreaterThan(0);
      for (const f of forms) expect(f).toContain('name="_csrf"');
    },
  );

  it("an unknown incident is a 404, not a crash", async () => {
    const res = await SELF.fetch(`${BASE}/admin/incidents/nosuchinc001`, { headers: { Cookie: op.cookie } });
    expect(res.status).toBe(404);
  });

  it("escapes what senders send", async () => {
    const c = await createComponent("Escaped");
    const integ = await createIntegration("generic", [c.id]);
    await post(`/hooks/generic/${integ.key}`, {
      dedup_key: unique("x"),
      action: "trigger",
      severity: "critical",
      summary: `<script>alert("x")</script>`,
    });
    const html = await op.page("/admin");
    expect(html).not.toContain(`<script>alert("x")</script>`);
    expect(html).toContain("&lt;script&gt;");
  });
});

describe("an incident, from the dashboard", () => {
  it("shows the incident a webhook opened; identified, then one-click resolve; the audit log names the operator", async () => {
    const c = await createComponent("Checkout");
    const integ = await createIntegration("generic", [c.id]);
    const title = unique("Checkout failing");
    await post(`/hooks/generic/${integ.key}`, { dedup_key: unique("co"), action: "trigger", severity: "critical", summary: title });
    const [{ id }] = await rows<{ id: string }>("SELECT incident_id AS id FROM incident_components WHERE component_id = ?1", c.id);

    const dashboard = await op.page("/admin");
    expect(dashboard).toContain(title);
    expect(dashboard).toContain(`action="/admin/incidents/${id}/resolve"`);

    const upd = await op.submit(`/admin/incidents/${id}/updates`, {
      status: "identified",
      body: "Bad deploy found",
      [`component_${c.id}`]: "",
    });
    expect(upd).toMatchObject({ status: 303, location: "/admin", ok: "Update posted: identified." });
    expect(await incidentRow(id!)).toMatchObject({ status: "identified" });

    const res = await op.submit(`/admin/incidents/${id}/resolve`, {});
    expect(res).toMatchObject({ status: 303, location: "/admin", ok: "Incident resolved." });
    expect(await incidentRow(id!)).toMatchObject({ status: "resolved" });
    expect(await op.page("/admin")).not.toContain(title);

    const detail = await op.page(`/admin/incidents/${id}`);
    expect(detail).toContain("Bad deploy found");
    expect(detail).toContain("This incident has been resolved.");
    const audit = await op.page(`/admin/audit?target_id=${id}`);
    expect(audit).toContain("incident.resolve");
    expect(audit).toContain("incident.update");
    expect(await rows("SELECT actor, action FROM audit_log WHERE target_id = ?1 ORDER BY id", id)).toEqual([
      { actor: "Ops (token)", action: "incident.update" },
      { actor: "Ops (token)", action: "incident.resolve" },
    ]);
  });

  it("an update form may set a component's status, and a bad status comes back as the page's error", async () => {
    const c = await createComponent("Uploads");
    const integ = await createIntegration("generic", [c.id]);
    await post(`/hooks/generic/${integ.key}`, { dedup_key: unique("up"), action: "trigger", severity: "warning", summary: "Uploads slow" });
    const [{ id }] = await rows<{ id: string }>("SELECT incident_id AS id FROM incident_components WHERE component_id = ?1", c.id);
    await op.page(`/admin/incidents/${id}`);
    const ok = await op.submit(
      `/admin/incidents/${id}/updates`,
      { status: "monitoring", body: "", [`component_${c.id}`]: "partial_outage" },
      `/admin/incidents/${id}`,
    );
    expect(ok).toMatchObject({ location: `/admin/incidents/${id}`, ok: "Update posted: monitoring." });
    expect(await component(c.id)).toMatchObject({ status: "partial_outage", override_status: "partial_outage" });
    const bad = await op.submit(`/admin/incidents/${id}/updates`, { status: "exploded" }, `/admin/incidents/${id}`);
    expect(bad.error).toMatch(/`status`/);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('class="flash error"');
    // A link cannot put text of its choosing in the banner: only codes from the table are shown.
    const forged = await op.page(`/admin/incidents/${id}?ok=${encodeURIComponent("Your session expired: sign in at https://evil.test")}&error=Pay+now`);
    expect(forged).not.toContain("evil.test");
    expect(forged).not.toContain("Pay now");
    expect(forged).not.toContain('class="flash');
  });

  it("opens a manual incident on chosen components", async () => {
    const a = await createComponent("Search");
    const b = await createComponent("Index");
    const res = await op.submit("/admin/incidents", {
      name: "Search degraded",
      body: "Slow queries",
      status: "identified",
      impact: "",
      component_ids: [a.id, b.id],
      component_status: "degraded_performance",
    });
    expect(res).toMatchObject({ status: 303, ok: "Incident opened." });
    const id = res.location!.split("/").pop()!;
    expect(await incidentRow(id)).toMatchObject({ name: "Search degraded", status: "identified", impact: "minor", automatic: 0 });
    expect((await component(a.id)).status).toBe("degraded_performance");
    expect((await component(b.id)).status).toBe("degraded_performance");
  });
});

describe("components", () => {
  it("override and clear in one click each", async () => {
    const c = await createComponent("Gateway");
    expect((await op.submit(`/admin/components/${c.id}/status`, { status: "major_outage" })).ok).toMatch(/Status override set/);
    expect(await component(c.id)).toMatchObject({ status: "major_outage", override_status: "major_outage" });
    expect(await op.page("/admin")).toContain(`action="/admin/components/${c.id}/status/clear"`);
    expect((await op.submit(`/admin/components/${c.id}/status/clear`, {})).ok).toMatch(/Override cleared/);
    expect(await component(c.id)).toMatchObject({ status: "operational", override_status: null });
    expect((await op.submit(`/admin/components/${c.id}/status`, { status: "on_fire" })).error).toMatch(/`status`/);
  });

  it("create, rename, reorder, describe, and delete only when confirmed", async () => {
    const group = await op.submit("/admin/groups", { name: unique("Edge") }, "/admin/components");
    expect(group.ok).toMatch(/created/);
    const [g] = await rows<Json>("SELECT id FROM component_groups ORDER BY created_at DESC, rowid DESC LIMIT 1");
    const slugA = unique("edge-a");
    const slugB = unique("edge-b");
    await op.submit("/admin/components", { name: "Edge A", slug: slugA, group_id: g!.id, description: "" }, "/admin/components");
    await op.submit("/admin/components", { name: "Edge B", slug: slugB, group_id: g!.id, description: "" }, "/admin/components");
    const [a] = await rows<Json>("SELECT * FROM components WHERE slug = ?1", slugA);
    const [b] = await rows<Json>("SELECT * FROM components WHERE slug = ?1", slugB);
    expect([a!.position, b!.position]).toEqual([1, 2]);

    const moved = await op.submit(`/admin/components/${b!.id}/move`, { direction: "up" }, "/admin/components");
    expect(moved).toMatchObject({ location: "/admin/components", ok: "Moved." });
    expect((await component(b!.id)).position).toBe(1);
    expect((await component(a!.id)).position).toBe(2);

    const saved = await op.submit(
      `/admin/components/${a!.id}`,
      { name: "Edge Alpha", slug: slugA, description: "Frankfurt", group_id: g!.id, position: "2" },
      "/admin/components",
    );
    expect(saved.ok).toBe("Component saved.");
    expect(await component(a!.id)).toMatchObject({ name: "Edge Alpha", description: "Frankfurt" });

    expect((await op.submit(`/admin/components/${a!.id}/delete`, {}, "/admin/components")).error).toMatch(/confirm/);
    expect((await admin("GET", `/components/${a!.id}`)).status).toBe(200);
    expect((await op.submit(`/admin/components/${a!.id}/delete`, { confirm: "yes" }, "/admin/components")).ok).toBe("Component deleted.");
    expect((await admin("GET", `/components/${a!.id}`)).status).toBe(404);

    expect((await op.submit(`/admin/groups/${g!.id}/delete`, { confirm: "yes" }, "/admin/components")).ok).toMatch(/Group deleted/);
    expect((await component(b!.id)).group_id).toBeNull();
    const page = await op.page("/admin/components");
    expect(page).toContain(slugB);
  });
});

describe("integrations, links and unrouted alerts", () => {
  it("disable, enable, its own components, links", async () => {
    const c = await createComponent("Kuma target");
    const integ = await createIntegration("generic");
    expect((await op.submit(`/admin/integrations/${integ.id}`, { disabled: "true" }, "/admin/integrations")).ok).toMatch(/disabled/);
    expect((await post(`/hooks/generic/${integ.key}`, { dedup_key: "k", action: "trigger", severity: "critical", summary: "x" })).status).toBe(401);
    expect((await op.submit(`/admin/integrations/${integ.id}`, { disabled: "false" }, "/admin/integrations")).ok).toMatch(/enabled/);
    expect((await op.submit(`/admin/integrations/${integ.id}/components`, { component_ids: c.id }, "/admin/integrations")).ok).toMatch(/components saved/);

    const added = await op.submit(
      "/admin/links",
      { integration_id: integ.id, match_type: "tag", match: "team=db", component_ids: c.id, status: "" },
      "/admin/integrations",
    );
    expect(added.ok).toBe("Link added.");
    const [link] = await rows<Json>("SELECT * FROM links WHERE integration_id = ?1", integ.id);
    expect(link).toMatchObject({ match_type: "tag", match_key: "team", match_value: "db", status: null });
    expect(await op.page("/admin/integrations")).toContain("tag team=db");
    expect((await op.submit(`/admin/links/${link!.id}/delete`, {}, "/admin/integrations")).ok).toBe("Link removed.");
    expect(await rows("SELECT * FROM links WHERE integration_id = ?1", integ.id)).toEqual([]);
    expect(
      (await op.submit("/admin/links", { integration_id: integ.id, match_type: "tag", match: "", component_ids: c.id }, "/admin/integrations")).error,
    ).toMatch(/`match/);
  });

  it("rotating needs the confirmation, and shows the new key once", async () => {
    const integ = await createIntegration("generic");
    expect((await op.submit(`/admin/integrations/${integ.id}/rotate`, {}, "/admin/integrations")).error).toMatch(/confirm/);
    const res = await op.submit(`/admin/integrations/${integ.id}/rotate`, { confirm: "yes" }, "/admin/integrations");
    expect(res.status).toBe(200);
    const key = /Key: <code>([a-z0-9]{32})<\/code>/.exec(res.html)![1]!;
    expect(key).not.toBe(integ.key);
    expect((await post(`/hooks/generic/${key}`, { dedup_key: "r", action: "trigger", severity: "info", summary: "x" })).status).toBe(202);
  });

  it("links an unrouted alert to a component in one step, and it is routed at once", async () => {
    const c = await createComponent("Reports");
    const integ = await createIntegration("generic");
    const monitor = unique("Reports monitor");
    await post(`/hooks/generic/${integ.key}`, {
      dedup_key: unique("rep"),
      action: "trigger",
      severity: "error",
      summary: "Reports failing",
      monitor: { name: monitor },
    });
    const [alert] = await rows<{ id: string }>("SELECT id FROM alerts WHERE integration_id = ?1", integ.id);
    const dashboard = await op.page("/admin");
    expect(dashboard).toContain(`action="/admin/alerts/${alert!.id}/link"`);
    expect(dashboard).toContain(`monitor ${monitor}`);
    const res = await op.submit(`/admin/alerts/${alert!.id}/link`, { match: `monitor:${monitor}`, component_id: c.id });
    expect(res).toMatchObject({ location: "/admin", ok: "Linked: the firing alerts it matches are routed." });
    expect((await component(c.id)).status).toBe("partial_outage");
    expect(await op.page("/admin")).not.toContain(`action="/admin/alerts/${alert!.id}/link"`);
  });

  it("filters the delivery log", async () => {
    const integ = await createIntegration("generic");
    await post(`/hooks/generic/${integ.key}`, { action: "nope" });
    const html = await op.page(`/admin/deliveries?integration_id=${integ.id}&outcome=rejected`);
    expect(html.match(/data-delivery=/g)).toHaveLength(1);
    expect(await op.page(`/admin/deliveries?integration_id=${integ.id}&outcome=accepted`)).toContain("No deliveries match.");
  });
});

describe("maintenance and settings", () => {
  it("schedules maintenance in the page's time zone, set on the settings page", async () => {
    const original = (await (await admin("GET", "/settings")).json()) as Json;
    expect((await op.submit("/admin/settings", { name: "Acme", url: "", time_zone: "Europe/Paris", auto_resolve_minutes: "" }, "/admin/settings")).ok).toBe(
      "Settings saved.",
    );
    expect(
      (await op.submit("/admin/settings", { name: "Acme", url: "", time_zone: "Nowhere/Land", auto_resolve_minutes: "" }, "/admin/settings")).error,
    ).toMatch(/`time_zone`/);
    const c = await createComponent("Billing DB");
    const res = await op.submit(
      "/admin/maintenances",
      {
        name: "Billing DB upgrade",
        body: "Minor version",
        scheduled_for: "2030-01-15T02:00",
        scheduled_until: "2030-01-15T03:30",
        component_ids: c.id,
      },
      "/admin/maintenances",
    );
    expect(res.ok).toBe("Maintenance scheduled.");
    const [m] = await rows<Json>("SELECT * FROM incidents WHERE kind = 'maintenance' AND name = 'Billing DB upgrade'");
    // 02:00 in Paris in January is 01:00 UTC.
    expect(m).toMatchObject({
      status: "scheduled",
      scheduled_for: "2030-01-15T01:00:00.000Z",
      scheduled_until: "2030-01-15T02:30:00.000Z",
    });
    const page = await op.page("/admin/maintenances");
    expect(page).toContain("Billing DB upgrade");
    expect((await op.submit(`/admin/incidents/${m!.id}/updates`, { status: "in_progress" }, "/admin/maintenances")).ok).toBe("Update posted: in progress.");
    expect((await component(c.id)).status).toBe("under_maintenance");
    expect((await op.submit(`/admin/incidents/${m!.id}/updates`, { status: "completed" }, "/admin/maintenances")).ok).toBe("Update posted: completed.");
    expect((await component(c.id)).status).toBe("operational");
    await admin("PUT", "/settings", {
      name: original.name,
      url: original.url,
      time_zone: original.time_zone,
      auto_resolve_minutes: original.auto_resolve_minutes,
    });
  });
});

describe("language, brand and audience on the settings page", () => {
  const basic = { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: "" };

  it("saves every field from the form and shows it back", async () => {
    const res = await op.submit(
      "/admin/settings",
      {
        ...basic,
        language: "ko",
        logo_url: "https://acme.test/logo.png",
        favicon_url: "",
        brand_color: "#0550AE",
        header_links: "Acme home | https://acme.test/\r\nDocs | https://docs.acme.test/",
        support_url: "https://acme.test/help",
        footer_text: "Run by the SRE team",
        visibility: "public",
        page_password: "",
      },
      "/admin/settings",
    );
    expect(res.ok).toBe("Settings saved.");
    const saved = (await (await admin("GET", "/settings")).json()) as Json;
    expect(saved).toMatchObject({
      language: "ko",
      logo_url: "https://acme.test/logo.png",
      favicon_url: null,
      brand_color: "#0550ae",
      header_links: [
        { label: "Acme home", url: "https://acme.test/" },
        { label: "Docs", url: "https://docs.acme.test/" },
      ],
      support_url: "https://acme.test/help",
      footer_text: "Run by the SRE team",
      visibility: "public",
      page_password_set: false,
    });
    const page = await op.page("/admin/settings");
    expect(page).toContain('<option value="ko" selected="">');
    expect(page).toContain('value="#0550ae"');
    expect(page).toContain("Acme home | https://acme.test/\nDocs | https://docs.acme.test/");
  });

  it("shows a too-light colour's refusal and a bad link as the form's error", async () => {
    expect((await op.submit("/admin/settings", { ...basic, brand_color: "#fafafa" }, "/admin/settings")).error).toMatch(/too light/);
    expect((await op.submit("/admin/settings", { ...basic, header_links: "Evil | javascript:alert(1)" }, "/admin/settings")).error).toMatch(/header_links/);
  });

  it("makes the page private with a password, then public again without one", async () => {
    const res = await op.submit("/admin/settings", { ...basic, visibility: "private", page_password: "a long page password" }, "/admin/settings");
    expect(res.ok).toBe("Settings saved.");
    expect((await SELF.fetch(`${BASE}/api/v2/status.json`)).status).toBe(401);
    const page = await op.page("/admin/settings");
    expect(page).toContain("set (empty: keep it)");
    expect(page).not.toContain("a long page password");
    expect((await op.submit("/admin/settings", { ...basic, visibility: "public", clear_password: "yes" }, "/admin/settings")).ok).toBe("Settings saved.");
    expect((await SELF.fetch(`${BASE}/api/v2/status.json`)).status).toBe(200);
    expect(((await (await admin("GET", "/settings")).json()) as Json).page_password_set).toBe(false);
  });
});

describe("drafts", () => {
  it("an integration set to review from its card; its draft on the dashboard, published with an edited name; another discarded once confirmed", async () => {
    const c = await createComponent("UI drafts");
    const integ = await createIntegration("generic", [c.id]);
    await op.page("/admin/integrations");
    const saved = await op.submit(`/admin/integrations/${integ.id}/publication`, { publication: "review", publish_after_seconds: "" }, "/admin/integrations");
    expect(saved.ok).toContain("Publication saved");
    expect(await op.page("/admin/integrations")).toContain("drafts, published by an operator");
    // A grace period with another policy is refused, naming the field.
    const refused = await op.submit(
      `/admin/integrations/${integ.id}/publication`,
      { publication: "review", publish_after_seconds: "30" },
      "/admin/integrations",
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("publish_after_seconds");

    const name = unique("UI-draft");
    await post(`/hooks/generic/${integ.key}`, { dedup_key: "ui-d1", action: "trigger", severity: "critical", summary: name });
    const [draft] = await rows<Json>("SELECT id, publication FROM incidents WHERE name = ?1", name);
    expect(draft!.publication).toBe("draft");
    const dashboard = await op.page("/admin");
    expect(dashboard).toContain(`data-draft="${draft!.id}"`);
    expect(dashboard).toContain("Major Outage");
    expect(await op.page(`/admin/incidents/${draft!.id}`)).toContain("draft: only operators see it");

    const published = await op.submit(`/admin/incidents/${draft!.id}/publish`, { name: "Checkout degraded", body: "We are looking into it." });
    expect(published.ok).toContain("Published");
    expect(await incidentRow(draft!.id)).toMatchObject({ publication: "published", name: "Checkout degraded" });
    expect((await component(c.id)).status).toBe("major_outage");
    const audit = await rows<Json>("SELECT actor, action FROM audit_log WHERE target_id = ?1", draft!.id);
    expect(audit).toEqual([{ actor: "Ops (token)", action: "incident.publish" }]);

    // A second draft (a new alert, while the first is published, opens its own) is discarded only when confirmed.
    const other = unique("UI-draft");
    await post(`/hooks/generic/${integ.key}`, { dedup_key: "ui-d1", action: "resolve" });
    await admin("POST", `/incidents/${draft!.id}/updates`, { status: "resolved", body: "Fixed." });
    await post(`/hooks/generic/${integ.key}`, { dedup_key: "ui-d2", action: "trigger", severity: "warning", summary: other });
    const [second] = await rows<Json>("SELECT id FROM incidents WHERE name = ?1", other);
    await op.page("/admin");
    expect((await op.submit(`/admin/incidents/${second!.id}/discard`, {})).status).toBe(400);
    const discarded = await op.submit(`/admin/incidents/${second!.id}/discard`, { confirm: "yes" });
    expect(discarded.ok).toContain("Discarded");
    expect(await incidentRow(second!.id)).toMatchObject({ publication: "discarded" });
    expect(await op.page("/admin")).toContain(`data-unpublished="${second!.id}"`);
  });
});

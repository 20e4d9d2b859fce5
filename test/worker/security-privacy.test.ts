// What alert text reaches the public and the public responses' headers
// (point 9). Datadog's $EVENT_MSG carries internal hostnames, @notify handles, links and %%% markup.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cleanTitle } from "../../domain/public-text";
import { admin, BASE, createComponent, createIntegration, incidentsOn, post, rows, unique } from "./helpers";

const TITLE = "%%% [Triggered] High error rate on db-7.internal.acme.net @pagerduty-oncall @slack-ops https://app.datadoghq.com/monitors/123 %%%";
const DETAILS = "%%%\n@webhook-status Error rate 12% on db-7.internal.acme.net, runbook: https://wiki.internal/runbooks/db\n%%%";

async function fire(extra: Record<string, unknown>) {
  const component = await createComponent("Payments");
  const integration = await createIntegration("generic", [component.id], extra);
  const res = await post(`/hooks/generic/${integration.key}`, {
    dedup_key: unique("priv"),
    action: "trigger",
    severity: "critical",
    summary: TITLE,
    details: DETAILS,
  });
  expect(res.status).toBe(202);
  const [incident] = await incidentsOn(component.id);
  return { component, integration, incident: incident! };
}

describe("public_text", () => {
  it("cleanTitle drops %%% markup, @handles and bare URLs, and nothing else", () => {
    expect(cleanTitle(TITLE)).toBe("[Triggered] High error rate on db-7.internal.acme.net");
    expect(cleanTitle("Disk 95% on web-1 (mail me@x.test)")).toBe("Disk 95% on web-1 (mail me@x.test)");
  });

  it("summary (the default): the cleaned title, and a neutral first update; operators still see the whole alert", async () => {
    const { integration, incident } = await fire({});
    expect(incident.name).toBe("[Triggered] High error rate on db-7.internal.acme.net");
    expect(incident.incident_updates[0]!.body).toBe("We are investigating issues with Payments.");
    const page = await (await SELF.fetch(`${BASE}/api/v2/summary.json`)).text();
    for (const secret of ["@pagerduty-oncall", "datadoghq.com", "wiki.internal", "%%%", "@webhook-status"]) expect(page).not.toContain(secret);
    const [alert] = (
      (await (await admin("GET", "/alerts?firing=1&limit=500")).json()) as Array<{
        integration_id: string;
        summary: string;
        details: string;
      }>
    ).filter((a) => a.integration_id === integration.id);
    expect(alert).toMatchObject({ summary: TITLE, details: DETAILS });
    expect(((await (await admin("GET", `/integrations/${integration.id}`)).json()) as { public_text: string }).public_text).toBe("summary");
  });

  it("full: today's behaviour, verbatim", async () => {
    const { incident } = await fire({ public_text: "full" });
    expect(incident.name).toBe(TITLE);
    expect(incident.incident_updates[0]!.body).toBe(DETAILS);
  });

  it("template: the operator's wording", async () => {
    const { incident } = await fire({ public_text: "template", public_template: "Degraded {{components}} ({{severity}})" });
    expect(incident.name).toBe("Degraded Payments (critical)");
    expect(incident.incident_updates[0]!.body).toBe("We are investigating issues with Payments.");
  });

  it("template without wording is a 400 naming the field, and nothing is created", async () => {
    const name = unique("notemplate");
    const res = await admin("POST", "/integrations", { name, source: "generic", public_text: "template" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "public_template" });
    expect(await rows("SELECT id FROM integrations WHERE name = ?1", name)).toEqual([]);
    const bad = await admin("POST", "/integrations", { name, source: "generic", public_text: "everything" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "public_text" });
  });

  it("can be changed later with PATCH, recorded in the audit log", async () => {
    const integration = await createIntegration("generic");
    const res = await admin("PATCH", `/integrations/${integration.id}`, { public_text: "full" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ public_text: "full" });
    expect(await rows("SELECT action FROM audit_log WHERE target_id = ?1 AND action = 'integration.update'", integration.id)).toHaveLength(1);
  });
});

describe("security headers on public responses", () => {
  const paths = ["/api/v2/summary.json", "/history.rss", "/history.atom", "/badge.svg", "/incidents/nosuchinc001"];

  it("nosniff, a CSP fitting each type (SVG badges: default-src 'none'; style-src 'unsafe-inline') and Referrer-Policy", async () => {
    const c = await createComponent("Headers");
    for (const path of [...paths, `/badge/${c.slug}.svg`]) {
      const res = await SELF.fetch(`${BASE}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      const csp = res.headers.get("content-security-policy") ?? "";
      if (path.endsWith(".svg")) expect(csp, path).toBe("default-src 'none'; style-src 'unsafe-inline'");
      else if (path.startsWith("/incidents/")) expect(csp, path).toMatch(/^default-src 'self'; script-src 'self'.*frame-ancestors \*$/);
      else expect(csp, path).toBe("default-src 'none'; frame-ancestors *");
      expect(res.headers.get("x-frame-options"), path).toBeNull();
    }
  });

  it("framing is a page setting: when forbidden, frame-ancestors 'none' and X-Frame-Options DENY, at once (cache purged)", async () => {
    const settings = (await (await admin("GET", "/settings")).json()) as Record<string, unknown>;
    const put = (allow: boolean) => admin("PUT", "/settings", { ...settings, name: settings.name || "Status", allow_framing: allow });
    expect((await put(false)).status).toBe(200);
    try {
      for (const path of ["/incidents/nosuchinc001", "/api/v2/summary.json"]) {
        const res = await SELF.fetch(`${BASE}${path}`);
        await res.arrayBuffer();
        expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
        expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      }
    } finally {
      expect((await put(true)).status).toBe(200);
    }
    const res = await SELF.fetch(`${BASE}/incidents/nosuchinc001`);
    await res.arrayBuffer();
    expect(res.headers.get("x-frame-options")).toBeNull();
  });
});

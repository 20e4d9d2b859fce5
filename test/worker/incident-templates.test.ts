// Incident templates: made, edited and deleted by operators; chosen when an operator opens an incident;
// attached to an integration or a link so that an alert's incident is worded by them, its placeholders
// filled as far as the integration's public text allows. Through the real worker, D1 and the Ingestor.
import { describe, expect, it, vi } from "vitest";
import { admin, createComponent, createIntegration, incidentsOn, post, rows, unique } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Template = { id: string; name: string; title: string; body: string; status: string; impact: string | null; components: Record<string, string | null> };
type Err = { error: string; field?: string };

async function createTemplate(body: Record<string, unknown>): Promise<Template> {
  const res = await admin("POST", "/incident-templates", { name: unique("template"), ...body });
  if (res.status !== 201) throw new Error(`template: ${res.status} ${await res.text()}`);
  return (await res.json()) as Template;
}

const trigger = (dedup: string, extra: Record<string, unknown> = {}) => ({
  dedup_key: dedup,
  action: "trigger",
  severity: "critical",
  summary: "Primary DB down, see https://grafana.internal/d/42 @db-oncall",
  details: "db-7.internal refused connections",
  monitor: { id: "42", name: "pg-primary-probe" },
  tags: { service: "orders-db" },
  ...extra,
});

const firstUpdate = async (incidentId: string) =>
  (await rows<{ body: string }>("SELECT body FROM incident_updates WHERE incident_id = ?1 ORDER BY created_at, rowid LIMIT 1", incidentId))[0]!.body;

describe("incident templates, for operators", () => {
  it("are created, listed, edited and deleted, refusing unknown placeholders, unknown components and taken names", async () => {
    const comp = await createComponent("Orders");
    const t = await createTemplate({
      title: "Orders are delayed",
      body: "We are looking into delays on {{components}}.",
      components: { [comp.id]: "degraded_performance" },
    });
    expect(t).toMatchObject({ status: "investigating", impact: null, components: { [comp.id]: "degraded_performance" } });
    expect(((await (await admin("GET", "/incident-templates")).json()) as Template[]).some((x) => x.id === t.id)).toBe(true);

    const bad = await admin("POST", "/incident-templates", { name: unique("t"), title: "{{hostname}} is down", body: "x" });
    expect(bad.status).toBe(400);
    expect((await bad.json()) as Err).toMatchObject({ field: "title" });
    expect(
      ((await (await admin("POST", "/incident-templates", { name: unique("t"), title: "x", body: "x", components: { zzzzzzzzzzzz: null } })).json()) as Err)
        .field,
    ).toBe("components");
    const taken = await admin("POST", "/incident-templates", { name: t.name, title: "x", body: "y" });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as Err).field).toBe("name");
    const missing = await admin("POST", "/incident-templates", { name: unique("t"), body: "y" });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Err).field).toBe("title");

    const edited = await admin("PATCH", `/incident-templates/${t.id}`, { title: "Orders are slow", impact: "minor" });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ title: "Orders are slow", impact: "minor", body: t.body });
    expect((await admin("DELETE", `/incident-templates/${t.id}`)).status).toBe(204);
    expect((await admin("GET", `/incident-templates/${t.id}`)).status).toBe(404);
  });

  it("open an operator's incident with their words, status and component statuses", async () => {
    const comp = await createComponent("Payments");
    const t = await createTemplate({
      title: "Payments are failing",
      body: "Card payments on {{components}} fail for some customers. We are on it.",
      status: "identified",
      impact: "major",
      components: { [comp.id]: "partial_outage" },
    });
    const res = await admin("POST", "/incidents", { template_id: t.id });
    expect(res.status).toBe(201);
    const incident = (await res.json()) as { id: string; name: string; status: string; impact: string };
    expect(incident).toMatchObject({ name: "Payments are failing", status: "identified", impact: "major" });
    expect(await firstUpdate(incident.id)).toBe("Card payments on Payments fail for some customers. We are on it.");
    expect(((await (await admin("GET", `/components/${comp.id}`)).json()) as { status: string }).status).toBe("partial_outage");

    // What the body gives wins over the template.
    const own = (await (await admin("POST", "/incidents", { template_id: t.id, name: "Payments: 3DS failing", component_ids: [] })).json()) as {
      name: string;
    };
    expect(own.name).toBe("Payments: 3DS failing");
    const unknown = await admin("POST", "/incidents", { template_id: "zzzzzzzzzzzz" });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Err).field).toBe("template_id");
    expect(((await (await admin("POST", "/incidents", { body: "x" })).json()) as Err).field).toBe("name");
  });
});

describe("incident templates on integrations and links", () => {
  const WORDS = {
    title: "{{service}}: {{summary}}",
    body: "We see errors on {{components}} ({{severity}}). {{details}} {{monitor}}",
  };

  it("word an alert's incident, filling the alert's fields only as its public text allows", async () => {
    const comp = await createComponent("Orders DB");
    const t = await createTemplate(WORDS);
    // summary (the default): the title cleaned, no details, no monitor name.
    const summary = await createIntegration("generic", [comp.id], { incident_template_id: t.id });
    expect((await post(`/hooks/generic/${summary.key}`, trigger("db-1"))).status).toBe(202);
    const [opened] = await incidentsOn(comp.id);
    expect(opened!.name).toBe("orders-db: Primary DB down, see");
    const body = await firstUpdate(opened!.id);
    expect(body).toBe("We see errors on Orders DB (critical).");
    expect(body).not.toContain("db-7");
    expect(body).not.toContain("pg-primary-probe");

    // full: verbatim.
    const comp2 = await createComponent("Orders DB replica");
    const full = await createIntegration("generic", [comp2.id], { incident_template_id: t.id, public_text: "full" });
    expect((await post(`/hooks/generic/${full.key}`, trigger("db-2"))).status).toBe(202);
    const [verbatim] = await incidentsOn(comp2.id);
    expect(verbatim!.name).toBe("orders-db: Primary DB down, see https://grafana.internal/d/42 @db-oncall");
    expect(await firstUpdate(verbatim!.id)).toBe("We see errors on Orders DB replica (critical). db-7.internal refused connections pg-primary-probe");
  });

  it("take a matching link's template before the integration's, follow edits, and fall back to the default words once deleted", async () => {
    const comp = await createComponent("Search");
    const integrationWords = await createTemplate({ title: "Search is degraded", body: "Searches on {{components}} are slow." });
    const linkWords = await createTemplate({ title: "Search index outage", body: "The search index is unavailable." });
    const integ = await createIntegration("generic", [], { incident_template_id: integrationWords.id });
    expect(((await (await admin("GET", `/integrations/${integ.id}`)).json()) as { incident_template_id: string }).incident_template_id).toBe(
      integrationWords.id,
    );
    const link = await admin("POST", "/links", {
      integration_id: integ.id,
      match: { tag: "team=search" },
      component_ids: [comp.id],
      incident_template_id: linkWords.id,
    });
    expect(link.status).toBe(201);
    const linked = (await link.json()) as { id: string; incident_template_id: string };
    expect(linked.incident_template_id).toBe(linkWords.id);
    // A second link without a template, for the other alerts.
    expect((await admin("POST", "/links", { integration_id: integ.id, match: { tag: "team=web" }, component_ids: [comp.id] })).status).toBe(201);

    expect((await post(`/hooks/generic/${integ.key}`, trigger("s-1", { tags: { team: "search" } }))).status).toBe(202);
    expect((await incidentsOn(comp.id))[0]!.name).toBe("Search index outage");
    await post(`/hooks/generic/${integ.key}`, { dedup_key: "s-1", action: "resolve" });
    await admin("POST", `/incidents/${(await incidentsOn(comp.id))[0]!.id}/updates`, { status: "resolved" });

    // Another alert on the same integration, through the link without one: the integration's template, as edited.
    expect((await admin("PATCH", `/incident-templates/${integrationWords.id}`, { title: "Search is slow" })).status).toBe(200);
    expect((await post(`/hooks/generic/${integ.key}`, trigger("s-2", { tags: { team: "web" } }))).status).toBe(202);
    const [second] = await incidentsOn(comp.id);
    expect(second!.name).toBe("Search is slow");
    expect(await firstUpdate(second!.id)).toBe("Searches on Search are slow.");
    await post(`/hooks/generic/${integ.key}`, { dedup_key: "s-2", action: "resolve" });
    await admin("POST", `/incidents/${second!.id}/updates`, { status: "resolved" });

    // Deleted: the integration no longer names it, and alerts get the default words.
    expect((await admin("DELETE", `/incident-templates/${integrationWords.id}`)).status).toBe(204);
    expect(((await (await admin("GET", `/integrations/${integ.id}`)).json()) as { incident_template_id: string | null }).incident_template_id).toBeNull();
    expect((await post(`/hooks/generic/${integ.key}`, trigger("s-3", { tags: { team: "web" } }))).status).toBe(202);
    const [third] = await incidentsOn(comp.id);
    expect(third!.name).toBe("Primary DB down, see");

    // Detached from the link by PATCH; an unknown template is a 400 naming the field.
    const bad = await admin("PATCH", `/links/${linked.id}`, { incident_template_id: "zzzzzzzzzzzz" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Err).field).toBe("incident_template_id");
    const detached = await admin("PATCH", `/links/${linked.id}`, { incident_template_id: null });
    expect(detached.status).toBe(200);
    expect(await detached.json()).toMatchObject({ incident_template_id: null });
    const badIntegration = await admin("PATCH", `/integrations/${integ.id}`, { incident_template_id: "zzzzzzzzzzzz" });
    expect(badIntegration.status).toBe(400);
    expect(((await badIntegration.json()) as Err).field).toBe("incident_template_id");
  });
});

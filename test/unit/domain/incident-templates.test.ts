// Incident templates, pure: placeholders filled as the integration's public text allows, and an alert
// opening its incident in the words of its link's template, else its integration's.
import { describe, expect, it } from "vitest";
import { fillTemplate, unknownPlaceholders } from "../../../domain/incident-templates";
import { API, link, scenario, trigger } from "./helpers";

const alert = {
  summary: "%%% Disk full on db-7 https://app.datadoghq.com/x @pagerduty-db",
  details: "/var/lib/postgresql at 99% on db-7.internal",
  severity: "critical",
  monitorName: "db-7 disk",
  tags: { service: "orders" },
};
const WORDS = "{{service}}: {{summary}} ({{severity}}) on {{components}}. {{details}} {{monitor}}";

describe("fillTemplate", () => {
  it("with summary (the default) or template: the title cleaned, no details, no monitor name", () => {
    for (const mode of ["summary", "template"] as const)
      expect(fillTemplate(WORDS, { mode, template: null }, alert, ["Orders", "Billing"])).toBe("orders: Disk full on db-7 (critical) on Orders and Billing.");
  });

  it("with full: everything verbatim", () => {
    expect(fillTemplate(WORDS, { mode: "full", template: null }, alert, ["Orders"])).toBe(
      "orders: %%% Disk full on db-7 https://app.datadoghq.com/x @pagerduty-db (critical) on Orders. /var/lib/postgresql at 99% on db-7.internal db-7 disk",
    );
  });

  it("without an alert (an operator's incident): only the components; unknown placeholders stay as written", () => {
    expect(fillTemplate("{{components}} is slow{{summary}}. {{nope}}", null, null, [])).toBe("our services is slow. {{nope}}");
    expect(unknownPlaceholders("{{ service }} {{hostname}} {{title}} {{x}}")).toEqual(["hostname", "x"]);
  });
});

describe("an alert's incident in a template's words", () => {
  const integration = { title: "{{components}} is degraded", body: "We are looking into {{components}}." };
  const forLink = { title: "Search index down", body: "The index is being rebuilt." };

  it("takes a matching link's template first, else the integration's", () => {
    const sc = scenario([API], {
      componentIds: [],
      template: integration,
      links: [
        link({ matchType: "tag", matchKey: "team", matchValue: "search", componentIds: ["api"], template: forLink }),
        link({ matchType: "tag", matchKey: "team", matchValue: "web", componentIds: ["api"] }),
      ],
    });
    sc.apply([trigger("a", 0, { tags: { team: "search" } })]);
    const [first] = [...sc.ws.incidents.values()];
    expect(first!.name).toBe("Search index down");

    const other = scenario([API], {
      componentIds: [],
      template: integration,
      links: [link({ matchType: "tag", matchKey: "team", matchValue: "web", componentIds: ["api"] })],
    });
    const d = other.apply([trigger("b", 0, { tags: { team: "web" } })]);
    expect([...other.ws.incidents.values()][0]!.name).toBe("API is degraded");
    expect(d.updates[0]!.body).toBe("We are looking into API.");
  });

  it("without a template, keeps the public text's words", () => {
    const sc = scenario([API]);
    sc.apply([trigger("c", 0, { summary: "c is failing" })]);
    expect([...sc.ws.incidents.values()][0]!.name).toBe("c is failing");
  });
});

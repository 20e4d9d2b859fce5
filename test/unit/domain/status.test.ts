import { describe, expect, it } from "vitest";
import {
  COMPONENT_STATUS_LABELS,
  COMPONENT_STATUSES,
  type ComponentStatus,
  effectiveStatus,
  type Impact,
  type Indicator,
  impactForSeverity,
  pageStatus,
  SEVERITIES,
  type Severity,
  statusForSeverity,
  worstImpact,
  worstSeverity,
  worstStatus,
} from "../../../domain/status";

describe("enums", () => {
  it("are Statuspage's and PagerDuty's values", () => {
    expect(SEVERITIES).toEqual(["critical", "error", "warning", "info"]);
    expect([...COMPONENT_STATUSES].sort()).toEqual(["degraded_performance", "major_outage", "operational", "partial_outage", "under_maintenance"]);
    expect(Object.keys(COMPONENT_STATUS_LABELS).sort()).toEqual([...COMPONENT_STATUSES].sort());
    expect(COMPONENT_STATUS_LABELS.major_outage).toBe("Major Outage");
  });
});

describe("statusForSeverity: the component status while an alert fires", () => {
  it.each<[Severity, ComponentStatus | null]>([
    ["critical", "major_outage"],
    ["error", "partial_outage"],
    ["warning", "degraded_performance"],
    ["info", null],
  ])("%s → %s", (severity, status) => {
    expect(statusForSeverity(severity)).toBe(status);
  });
});

describe("impactForSeverity: the incident impact", () => {
  it.each<[Severity, Impact]>([
    ["critical", "critical"],
    ["error", "major"],
    ["warning", "minor"],
    ["info", "none"],
  ])("%s → %s", (severity, impact) => {
    expect(impactForSeverity(severity)).toBe(impact);
  });
});

describe("worstStatus", () => {
  it.each<[ComponentStatus[], ComponentStatus]>([
    [[], "operational"],
    [["operational"], "operational"],
    [["operational", "operational"], "operational"],
    [["operational", "under_maintenance"], "under_maintenance"],
    [["under_maintenance", "degraded_performance"], "degraded_performance"],
    [["degraded_performance", "operational"], "degraded_performance"],
    [["degraded_performance", "partial_outage"], "partial_outage"],
    [["partial_outage", "degraded_performance"], "partial_outage"],
    [["major_outage", "partial_outage", "degraded_performance"], "major_outage"],
    [["degraded_performance", "major_outage", "operational"], "major_outage"],
    [["under_maintenance", "major_outage"], "major_outage"],
  ])("worst of %j is %s", (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });

  it("accepts any iterable", () => {
    expect(worstStatus(new Set<ComponentStatus>(["partial_outage", "degraded_performance"]))).toBe("partial_outage");
  });
});

describe("worstImpact", () => {
  it.each<[Impact[], Impact]>([
    [[], "none"],
    [["none"], "none"],
    [["minor", "none"], "minor"],
    [["minor", "major"], "major"],
    [["critical", "major", "minor"], "critical"],
    [["none", "critical"], "critical"],
  ])("worst of %j is %s", (impacts, worst) => {
    expect(worstImpact(impacts)).toBe(worst);
  });
});

describe("worstSeverity", () => {
  it.each<[Severity[], Severity | null]>([
    [[], null],
    [["info"], "info"],
    [["info", "warning"], "warning"],
    [["warning", "error"], "error"],
    [["error", "critical", "warning"], "critical"],
    [["critical", "info"], "critical"],
  ])("worst of %j is %s", (severities, worst) => {
    expect(worstSeverity(severities)).toBe(worst);
  });
});

describe("effectiveStatus: override, then maintenance, then alerts", () => {
  it.each<[string, ComponentStatus, ComponentStatus | null, boolean, ComponentStatus]>([
    ["automatic status when nothing else", "partial_outage", null, false, "partial_outage"],
    ["operational when nothing fires", "operational", null, false, "operational"],
    ["maintenance over a firing alert", "major_outage", null, true, "under_maintenance"],
    ["maintenance over operational", "operational", null, true, "under_maintenance"],
    ["override over the alerts", "major_outage", "degraded_performance", false, "degraded_performance"],
    ["override (operational) over the alerts", "major_outage", "operational", false, "operational"],
    ["override over maintenance", "operational", "partial_outage", true, "partial_outage"],
    ["override over maintenance and alerts", "major_outage", "operational", true, "operational"],
  ])("%s", (_, autoStatus, overrideStatus, inMaintenance, expected) => {
    expect(effectiveStatus({ autoStatus, overrideStatus, inMaintenance })).toBe(expected);
  });
});

describe("pageStatus: the page's indicator and description", () => {
  it.each<[string, ComponentStatus[], Impact[], boolean, Indicator, string]>([
    ["all operational", ["operational", "operational"], [], false, "none", "All Systems Operational"],
    ["no components", [], [], false, "none", "All Systems Operational"],
    ["a degraded component", ["operational", "degraded_performance"], [], false, "minor", "Minor Service Outage"],
    ["a partial outage", ["partial_outage", "degraded_performance"], [], false, "major", "Partial System Outage"],
    ["a major outage", ["major_outage", "partial_outage", "operational"], [], false, "critical", "Major Service Outage"],
    ["a component under maintenance", ["operational", "under_maintenance"], [], false, "maintenance", "Service Under Maintenance"],
    ["maintenance in progress", ["operational"], [], true, "maintenance", "Service Under Maintenance"],
    ["an outage beats maintenance", ["under_maintenance", "degraded_performance"], [], true, "minor", "Minor Service Outage"],
    ["an active incident raises it", ["operational"], ["major"], false, "major", "Partial System Outage"],
    ["an active critical incident", ["degraded_performance"], ["critical"], false, "critical", "Major Service Outage"],
    ["the worse of components and incidents", ["major_outage"], ["minor"], false, "critical", "Major Service Outage"],
    ["an incident with impact none", ["operational"], ["none"], false, "none", "All Systems Operational"],
    ["an active incident beats maintenance", ["under_maintenance"], ["minor"], false, "minor", "Minor Service Outage"],
  ])("%s", (_, components, impacts, maintenance, indicator, description) => {
    expect(pageStatus(components, impacts, maintenance)).toEqual({ indicator, description });
  });

  it("defaults to no maintenance in progress", () => {
    expect(pageStatus(["operational"], [])).toEqual({ indicator: "none", description: "All Systems Operational" });
  });
});

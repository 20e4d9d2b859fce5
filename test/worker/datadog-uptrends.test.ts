// The Datadog payloads from both integration guides and an Uptrends Alert/Ok pair, sent as the
// senders send them, open and recover incidents; a replayed delivery changes nothing.
import { describe, expect, it } from "vitest";
import ilertRecovered from "../fixtures/datadog/ilert-recovered.json";
import ilertTriggered from "../fixtures/datadog/ilert-triggered.json";
import stackRecovered from "../fixtures/datadog/stackpulse-recovered.json";
import stackTriggered from "../fixtures/datadog/stackpulse-triggered.json";
import uptrendsAlert from "../fixtures/uptrends/alert.json";
import uptrendsOk from "../fixtures/uptrends/ok.json";
import uptrendsReminder from "../fixtures/uptrends/reminder.json";
import { componentStatus, createComponent, createIntegration, incidentsOn, post, tableCounts } from "./helpers";

const CASES = [
  ["Datadog StackPulse-style template", "datadog", stackTriggered, stackRecovered],
  ["Datadog iLert-style template", "datadog", ilertTriggered, ilertRecovered],
  ["Uptrends Alert/Ok", "uptrends", uptrendsAlert, uptrendsOk],
] as const;

describe.each(CASES)("%s", (_, source, triggered, recovered) => {
  it("opens an incident, ignores the replay, and recovers to monitoring", async () => {
    const comp = await createComponent(`${source} target`);
    const integ = await createIntegration(source, [comp.id]);
    const url = `/hooks/${source}/${integ.key}`;

    expect((await post(url, triggered)).status).toBe(202);
    expect(await componentStatus(comp.id)).not.toBe("operational");
    const [incident] = await incidentsOn(comp.id);
    expect(incident).toMatchObject({ status: "investigating" });

    const before = await tableCounts();
    const replay = await post(url, triggered);
    expect(replay.status).toBe(202);
    expect(((await replay.json()) as { outcomes: string[] }).outcomes).toEqual(["duplicate"]);
    expect(await tableCounts()).toEqual(before);

    expect((await post(url, recovered)).status).toBe(202);
    expect(await componentStatus(comp.id)).toBe("operational");
    const after = await incidentsOn(comp.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: incident!.id, status: "monitoring" });
  });
});

describe("Uptrends reminders", () => {
  it("keep the incident without opening another, and never open one on their own", async () => {
    const comp = await createComponent("Website");
    const integ = await createIntegration("uptrends", [comp.id]);
    const url = `/hooks/uptrends/${integ.key}`;
    const lone = await post(url, { ...uptrendsReminder, incidentKey: "missed-alert-1" });
    expect(lone.status).toBe(202);
    expect(await incidentsOn(comp.id)).toHaveLength(0);
    await post(url, uptrendsAlert);
    await post(url, {
      ...uptrendsReminder,
      incidentKey: (uptrendsAlert as Record<string, unknown>).incidentKey,
      timestampUtc: "2099-01-01T00:00:00",
    });
    expect(await incidentsOn(comp.id)).toHaveLength(1);
  });
});

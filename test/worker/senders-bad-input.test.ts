// Every new receiver refuses bad input the way its sender expects: a 4xx naming the field, never a
// 5xx (Alertmanager and Grafana retry those forever), and never a partial write.
import { describe, expect, it } from "vitest";
import amFiring from "../fixtures/alertmanager/firing.json";
import grafanaFiring from "../fixtures/grafana/firing.json";
import kumaDown from "../fixtures/uptime-kuma/down.json";
import { createIntegration, post, rows, tableCounts } from "./helpers";

const alertWith = (extra: Record<string, unknown>) => ({ ...amFiring, alerts: [amFiring.alerts[0], { ...amFiring.alerts[1], ...extra }] });

const CASES: Array<[source: string, name: string, body: string, field: string]> = [
  ["alertmanager", "malformed JSON", '{"alerts": [', "body"],
  ["alertmanager", "an empty body", "", "body"],
  ["alertmanager", "a list instead of the group", JSON.stringify(amFiring.alerts), "body"],
  ["alertmanager", "no alerts", JSON.stringify({ ...amFiring, alerts: undefined }), "alerts"],
  // The first alert is fine: the bad second one must not let it through alone.
  ["alertmanager", "an unknown status on the second alert", JSON.stringify(alertWith({ status: "broken" })), "alerts[1].status"],
  ["alertmanager", "labels as a string on the second alert", JSON.stringify(alertWith({ labels: "service=api" })), "alerts[1].labels"],
  ["grafana", "malformed JSON", "{nope", "body"],
  ["grafana", "a legacy alert body", JSON.stringify({ ruleId: 3, state: "alerting", title: "x" }), "alerts"],
  ["grafana", "an alert that is a string", JSON.stringify({ ...grafanaFiring, alerts: [grafanaFiring.alerts[0], "x"] }), "alerts[1]"],
  ["uptime-kuma", "malformed JSON", "heartbeat=1", "body"],
  ["uptime-kuma", "an unknown heartbeat status", JSON.stringify({ ...kumaDown, heartbeat: { ...kumaDown.heartbeat, status: 9 } }), "heartbeat.status"],
  ["uptime-kuma", "a heartbeat that is a number", JSON.stringify({ heartbeat: 0, monitor: kumaDown.monitor }), "heartbeat"],
];

describe("bad input on the Alertmanager, Grafana and Uptime Kuma receivers", () => {
  it.each(CASES)("%s: 400 for %s, naming `%s`, nothing written but the log", async (source, _, body, field) => {
    const integ = await createIntegration(source);
    const before = await tableCounts();
    const res = await post(`/hooks/${source}/${integ.key}`, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; field: string };
    expect(json.field).toBe(field);
    expect(json.error).toContain(`\`${field}\``);
    expect(await tableCounts()).toEqual(before);
    const [logged] = await rows<{ outcome: string; http_status: number; error: string }>(
      "SELECT outcome, http_status, error FROM deliveries WHERE integration_id = ?1",
      integ.id,
    );
    expect(logged).toMatchObject({ outcome: "rejected", http_status: 400, error: json.error });
  });

  it.each(["alertmanager", "grafana", "uptime-kuma"])("%s: 413 for a body over 512 KB", async (source) => {
    const integ = await createIntegration(source);
    const before = await tableCounts();
    const res = await post(`/hooks/${source}/${integ.key}`, { ...amFiring, padding: "x".repeat(513 * 1024) });
    expect(res.status).toBe(413);
    expect(await tableCounts()).toEqual(before);
  });

  it.each(["alertmanager", "grafana", "uptime-kuma"])("%s: 401 for an unknown key and for another sender's key", async (source) => {
    const other = await createIntegration(source === "grafana" ? "alertmanager" : "grafana");
    const before = await tableCounts();
    const valid = source === "uptime-kuma" ? kumaDown : source === "grafana" ? grafanaFiring : amFiring;
    expect((await post(`/hooks/${source}/${"x".repeat(32)}`, valid)).status).toBe(401);
    expect((await post(`/hooks/${source}/${other.key}`, valid)).status).toBe(401);
    expect(await tableCounts()).toEqual(before);
  });

  it("never answers 5xx for junk: a handful of odd bodies on every receiver", async () => {
    const bodies = ["null", "0", '"text"', "[]", "{}", '{"alerts":null}', '{"heartbeat":{}}', '{"alerts":[{}]}', "\u0000", '{"__proto__":{"x":1}}'];
    const integrations = await Promise.all(["alertmanager", "grafana", "uptime-kuma"].map((s) => createIntegration(s).then((i) => [s, i.key] as const)));
    for (const [source, key] of integrations) {
      for (const body of bodies) {
        const res = await post(`/hooks/${source}/${key}`, body);
        expect.soft(res.status, `${source} ${body}`).toBeGreaterThanOrEqual(200);
        expect.soft(res.status, `${source} ${body}`).toBeLessThan(500);
      }
    }
  });
});

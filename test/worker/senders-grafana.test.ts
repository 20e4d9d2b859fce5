// Grafana's webhook contact point through the real worker and D1, with and without the HMAC
// signature Grafana adds when the contact point has a secret.
import { describe, expect, it } from "vitest";
import firing from "../fixtures/grafana/firing.json";
import resolved from "../fixtures/grafana/resolved.json";
import testNotification from "../fixtures/grafana/test-notification.json";
import { admin, componentStatus, createComponent, createIntegration, incidentsOn, post, rows, tableCounts, unique } from "./helpers";

const SECRET = "grafana-shared-secret-0123";

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function signedIntegration() {
  const res = await admin("POST", "/integrations", { name: unique("grafana"), source: "grafana", signing_secret: SECRET });
  if (res.status !== 201) throw new Error(`integration: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string };
}

function forService<T extends typeof firing>(delivery: T, slug: string): T {
  const copy = structuredClone(delivery);
  for (const a of copy.alerts) (a.labels as Record<string, string>).service = slug;
  return copy;
}

describe("POST /hooks/grafana/:key", () => {
  it("opens an incident for the firing alert, records the resolved one, and recovers to monitoring", async () => {
    const search = await createComponent("Search");
    const integ = await createIntegration("grafana");
    const url = `/hooks/grafana/${integ.key}`;

    const res = await post(url, forService(firing, search.slug));
    expect(res.status).toBe(202);
    // The alert already resolved in this group was never seen firing: recorded, ignored.
    expect(((await res.json()) as { outcomes: string[] }).outcomes).toEqual(["applied", "ignored"]);
    expect(await componentStatus(search.id)).toBe("major_outage");
    const [incident] = await incidentsOn(search.id);
    expect(incident).toMatchObject({ name: "Search is failing for some users", status: "investigating" });
    const [alert] = await rows<{ link: string }>("SELECT link FROM alerts WHERE integration_id = ?1 AND dedup_key = '2c5ba7a1f0a8e3b9'", integ.id);
    expect(alert!.link).toBe("https://grafana.acme.test/d/search01?orgId=1&viewPanel=4");

    expect((await post(url, forService(resolved, search.slug))).status).toBe(202);
    expect(await componentStatus(search.id)).toBe("operational");
    expect(await incidentsOn(search.id)).toMatchObject([{ id: incident!.id, status: "monitoring" }]);
  });

  it("answers the contact point's test button with 200 and changes nothing", async () => {
    const integ = await createIntegration("grafana");
    const before = await tableCounts();
    const res = await post(`/hooks/grafana/${integ.key}`, testNotification);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events: 0, outcomes: [] });
    expect(await tableCounts()).toEqual(before);
    const [logged] = await rows<{ outcome: string; event_count: number }>("SELECT outcome, event_count FROM deliveries WHERE integration_id = ?1", integ.id);
    expect(logged).toMatchObject({ outcome: "test", event_count: 0 });
  });
});

describe("Grafana's HMAC signature (X-Grafana-Alerting-Signature)", () => {
  it("accepts a body signed without a timestamp", async () => {
    const comp = await createComponent("Signed");
    const integ = await signedIntegration();
    const body = JSON.stringify(forService(firing, comp.slug));
    const res = await post(`/hooks/grafana/${integ.key}`, body, { "X-Grafana-Alerting-Signature": await hmacHex(SECRET, body) });
    expect(res.status).toBe(202);
    expect(await componentStatus(comp.id)).toBe("major_outage");
  });

  it("accepts a body signed over timestamp:body with the timestamp header", async () => {
    const comp = await createComponent("Signed with time");
    const integ = await signedIntegration();
    const body = JSON.stringify(forService(firing, comp.slug));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await post(`/hooks/grafana/${integ.key}`, body, {
      "X-Grafana-Alerting-Signature": await hmacHex(SECRET, `${timestamp}:${body}`),
      "X-Grafana-Alerting-Signature-Timestamp": timestamp,
    });
    expect(res.status).toBe(202);
    expect(await componentStatus(comp.id)).toBe("major_outage");
  });

  it.each([
    ["no signature", async () => ({})],
    ["a signature made with another secret", async (body: string) => ({ "X-Grafana-Alerting-Signature": await hmacHex("wrong-secret-000", body) })],
    ["a signature of another body", async (body: string) => ({ "X-Grafana-Alerting-Signature": await hmacHex(SECRET, `${body} `) })],
    [
      "a timestamp the signature does not cover",
      async (body: string) => ({
        "X-Grafana-Alerting-Signature": await hmacHex(SECRET, body),
        "X-Grafana-Alerting-Signature-Timestamp": "1763630102",
      }),
    ],
  ])("answers 401 for %s and writes nothing", async (_, headers) => {
    const comp = await createComponent("Tampered");
    const integ = await signedIntegration();
    const body = JSON.stringify(forService(firing, comp.slug));
    const before = await tableCounts();
    const res = await post(`/hooks/grafana/${integ.key}`, body, await headers(body));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toContain("signature");
    expect(await tableCounts()).toEqual(before);
    expect(await componentStatus(comp.id)).toBe("operational");
    const [logged] = await rows<{ outcome: string }>("SELECT outcome FROM deliveries WHERE integration_id = ?1", integ.id);
    expect(logged).toMatchObject({ outcome: "unauthorized" });
  });
});

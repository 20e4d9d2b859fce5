// A Grafana signature timestamp must be within 5 minutes: a captured, correctly
// signed delivery cannot be replayed later.
import { describe, expect, it } from "vitest";
import { staleTimestamp } from "../../worker/ingestor";
import firing from "../fixtures/grafana/firing.json";
import { admin, componentStatus, createComponent, post, tableCounts, unique } from "./helpers";

const SECRET = "grafana-shared-secret-0123";

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function signedDelivery(ageSeconds: number) {
  const comp = await createComponent("Signed replay");
  const res = await admin("POST", "/integrations", { name: unique("grafana"), source: "grafana", signing_secret: SECRET });
  const integ = (await res.json()) as { key: string };
  const payload = structuredClone(firing);
  for (const a of payload.alerts) (a.labels as Record<string, string>).service = comp.slug;
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000) - ageSeconds);
  const headers = {
    "X-Grafana-Alerting-Signature": await hmacHex(SECRET, `${timestamp}:${body}`),
    "X-Grafana-Alerting-Signature-Timestamp": timestamp,
  };
  return { comp, send: () => post(`/hooks/grafana/${integ.key}`, body, headers) };
}

describe("Grafana signature freshness", () => {
  it.each([
    ["6 minutes old", 6 * 60],
    ["a day old", 86_400],
    ["6 minutes in the future", -6 * 60],
  ])("refuses a correctly signed delivery whose timestamp is %s (401), and writes nothing", async (_, age) => {
    const { comp, send } = await signedDelivery(age);
    const before = await tableCounts();
    const res = await send();
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/more than 5 minutes from now/);
    expect(await tableCounts()).toEqual(before);
    expect(await componentStatus(comp.id)).toBe("operational");
  });

  it("accepts one 4 minutes old", async () => {
    const { comp, send } = await signedDelivery(4 * 60);
    expect((await send()).status).toBe(202);
    expect(await componentStatus(comp.id)).toBe("major_outage");
  });

  it("reads seconds and milliseconds, refuses what is not a unix time", () => {
    const now = Date.parse("2026-12-01T12:00:00Z");
    expect(staleTimestamp(String(now / 1000 - 60), now)).toBeNull();
    expect(staleTimestamp(String(now - 60_000), now)).toBeNull();
    expect(staleTimestamp("yesterday", now)).toMatch(/not a unix time/);
  });
});

// The body signatures of the senders that sign (Grafana, Sentry), in Node: the check needs nothing of
// the Workers runtime, only Web Crypto.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyBodySignature } from "../../../worker/sources/signatures";

const SECRET = "grafana-signing-secret";
const BODY = JSON.stringify({ status: "firing", alerts: [{ labels: { alertname: "HighLatency" } }] });
const hmac = (message: string, secret = SECRET) => createHmac("sha256", secret).update(message).digest("hex");

describe("verifyBodySignature", () => {
  it("Grafana: hex HMAC-SHA256 of the body in X-Grafana-Alerting-Signature by default", async () => {
    const headers = { "x-grafana-alerting-signature": hmac(BODY) };
    expect(await verifyBodySignature("grafana", SECRET, {}, { headers, body: BODY })).toBe(true);
  });

  it("refuses a wrong secret, a changed body, a missing signature", async () => {
    const headers = { "x-grafana-alerting-signature": hmac(BODY, "another-secret") };
    expect(await verifyBodySignature("grafana", SECRET, {}, { headers, body: BODY })).toBe(false);
    const signed = { "x-grafana-alerting-signature": hmac(BODY) };
    expect(await verifyBodySignature("grafana", SECRET, {}, { headers: signed, body: `${BODY} ` })).toBe(false);
    expect(await verifyBodySignature("grafana", SECRET, {}, { headers: {}, body: BODY })).toBe(false);
  });

  it("takes the signature in upper case or with spaces around it", async () => {
    const headers = { "x-grafana-alerting-signature": ` ${hmac(BODY).toUpperCase()} ` };
    expect(await verifyBodySignature("grafana", SECRET, {}, { headers, body: BODY })).toBe(true);
  });

  it("reads the header the integration names instead of the sender's", async () => {
    const options = { signature_header: "x-my-signature" };
    expect(await verifyBodySignature("grafana", SECRET, options, { headers: { "x-my-signature": hmac(BODY) }, body: BODY })).toBe(true);
    expect(await verifyBodySignature("grafana", SECRET, options, { headers: { "x-grafana-alerting-signature": hmac(BODY) }, body: BODY })).toBe(false);
  });

  it("with a timestamp header, signs `<timestamp>:<body>` and requires the timestamp", async () => {
    const options = { timestamp_header: "x-my-timestamp" };
    const ts = "1764990000";
    const headers = { "x-grafana-alerting-signature": hmac(`${ts}:${BODY}`), "x-my-timestamp": ts };
    expect(await verifyBodySignature("grafana", SECRET, options, { headers, body: BODY })).toBe(true);
    const { "x-my-timestamp": _, ...withoutTimestamp } = headers;
    expect(await verifyBodySignature("grafana", SECRET, options, { headers: withoutTimestamp, body: BODY })).toBe(false);
    // The body alone signed, while a timestamp header is configured: refused.
    expect(await verifyBodySignature("grafana", SECRET, options, { headers: { ...headers, "x-grafana-alerting-signature": hmac(BODY) }, body: BODY })).toBe(
      false,
    );
  });

  it("Grafana: the legacy timestamp header is honoured when sent without one configured", async () => {
    const ts = "1764990000";
    const headers = { "x-grafana-alerting-signature": hmac(`${ts}:${BODY}`), "x-grafana-alerting-signature-timestamp": ts };
    expect(await verifyBodySignature("grafana", SECRET, {}, { headers, body: BODY })).toBe(true);
    // Only Grafana's: another sender's signature covers the body alone.
    const sentry = { "sentry-hook-signature": hmac(BODY), "x-grafana-alerting-signature-timestamp": ts };
    expect(await verifyBodySignature("sentry", SECRET, {}, { headers: sentry, body: BODY })).toBe(true);
  });

  it("Sentry: hex HMAC-SHA256 of the body with the client secret in Sentry-Hook-Signature", async () => {
    expect(await verifyBodySignature("sentry", SECRET, {}, { headers: { "sentry-hook-signature": hmac(BODY) }, body: BODY })).toBe(true);
    expect(await verifyBodySignature("sentry", SECRET, {}, { headers: { "x-grafana-alerting-signature": hmac(BODY) }, body: BODY })).toBe(false);
  });
});

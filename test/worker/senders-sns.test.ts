// CloudWatch through Amazon SNS with signatures checked, against a local stand-in for SNS
// (test/support/sns-capture.ts, reached through SNS_TEST_HOSTS): SignatureVersion 1 and 2 pass,
// a tampered message or a foreign certificate host does not, the certificate is fetched once, and
// a SubscriptionConfirmation is confirmed, recorded and shown on the integration.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import cwAlarm from "../fixtures/cloudwatch/alarm.json";
import cwConfirm from "../fixtures/cloudwatch/subscription-confirmation.json";
import { admin, componentStatus, createComponent, post, rows, unique } from "./helpers";

const capture = `http://${env.SNS_TEST_HOSTS}`;
const hits = async () => (await (await fetch(`${capture}/_hits`)).json()) as Array<{ url: string }>;

/** AWS's string to sign, written out here from its documentation (not the worker's own copy). */
function stringToSign(m: Record<string, unknown>): string {
  const keys =
    m.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  return keys
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k}\n${String(m[k])}\n`)
    .join("");
}

/** The message signed by the stand-in's key, its certificate at `certPath`. */
async function signed<T extends Record<string, unknown>>(message: T, version: "1" | "2", certPath: string) {
  const out = { ...message, SignatureVersion: version, SigningCertURL: `${capture}${certPath}` };
  const res = await fetch(`${capture}/_sign?version=${version}`, { method: "POST", body: stringToSign(out) });
  return { ...out, Signature: await res.text() };
}

async function cloudwatch() {
  const component = await createComponent("cw sns");
  const res = await admin("POST", "/integrations", { name: unique("cw"), source: "cloudwatch", component_ids: [component.id] });
  expect(res.status).toBe(201);
  return { component, integ: (await res.json()) as { id: string; key: string } };
}

const send = (key: string, body: unknown) =>
  post(`/hooks/cloudwatch/${key}`, body, { "Content-Type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification" });

describe("CloudWatch through SNS, signatures verified", () => {
  it.each(["1", "2"] as const)("SignatureVersion %s: a signed ALARM opens; the certificate is fetched once", async (version) => {
    const { component, integ } = await cloudwatch();
    const cert = `/SimpleNotificationService-v${version}-${unique("c")}.pem`;
    const res = await send(integ.key, await signed(cwAlarm, version, cert));
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await componentStatus(component.id)).toBe("partial_outage");
    const again = await send(integ.key, await signed({ ...cwAlarm, MessageId: "another" }, version, cert));
    expect(again.status).toBe(202);
    expect((await hits()).filter((h) => h.url === cert)).toHaveLength(1);
  });

  it("a tampered message, or a signature made for another version, is a 401 that changes nothing", async () => {
    const { component, integ } = await cloudwatch();
    const cert = `/SimpleNotificationService-${unique("t")}.pem`;
    const good = await signed(cwAlarm, "2", cert);
    const tampered = { ...good, Message: good.Message.replace("api-5xx-rate", "other-alarm") };
    const res = await send(integ.key, tampered);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid SNS message signature" });
    expect((await send(integ.key, { ...good, SignatureVersion: "1" })).status).toBe(401);
    expect(await componentStatus(component.id)).toBe("operational");
  });

  it("a certificate on a host that is not SNS is never fetched", async () => {
    const { integ } = await cloudwatch();
    const before = (await hits()).length;
    const res = await send(integ.key, {
      ...(await signed(cwAlarm, "1", "/x.pem")),
      SigningCertURL: "https://sns.eu-west-1.amazonaws.com.evil.example/x.pem",
    });
    expect(res.status).toBe(401);
    expect((await hits()).length).toBe(before);
  });

  // The certificate's subject and dates are checked, not only the host it came from.
  it.each([
    ["wrong-subject", /subject is not sns\.amazonaws\.com/],
    ["expired", /not valid now/],
    ["not-yet-valid", /not valid now/],
  ])("a certificate (%s) signed by the right key but with the wrong subject or dates is a 401 that changes nothing", async (kind, error) => {
    const { component, integ } = await cloudwatch();
    const res = await send(integ.key, await signed(cwAlarm, "2", `/SimpleNotificationService-${kind}-${unique("k")}.pem`));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(error);
    expect(await componentStatus(component.id)).toBe("operational");
  });

  it("SubscriptionConfirmation: SubscribeURL visited, the delivery recorded, the topic shown on the integration", async () => {
    const { integ } = await cloudwatch();
    const subscribe = `${capture}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(cwConfirm.TopicArn)}&Token=${unique("token")}`;
    const message = await signed({ ...cwConfirm, SubscribeURL: subscribe }, "1", `/SimpleNotificationService-${unique("s")}.pem`);
    const res = await post(`/hooks/cloudwatch/${integ.key}`, message, {
      "Content-Type": "text/plain; charset=UTF-8",
      "x-amz-sns-message-type": "SubscriptionConfirmation",
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await hits()).some((h) => subscribe.endsWith(h.url))).toBe(true);
    const [delivery] = await rows<{ summary: string; outcome: string }>("SELECT summary, outcome FROM deliveries WHERE integration_id = ?1", integ.id);
    expect(delivery).toMatchObject({ outcome: "accepted" });
    expect(JSON.parse(delivery!.summary)).toEqual({ subscription_confirmed: 1 });
    const shown = (await (await admin("GET", `/integrations/${integ.id}`)).json()) as { sns_subscriptions: unknown[] };
    expect(shown.sns_subscriptions).toEqual([{ topic_arn: cwConfirm.TopicArn, confirmed_at: expect.any(String) }]);
  });

  it("a SubscribeURL that is not on an SNS host is refused and not visited", async () => {
    const { integ } = await cloudwatch();
    const before = (await hits()).length;
    const message = await signed(
      { ...cwConfirm, SubscribeURL: "https://attacker.example/?Action=ConfirmSubscription" },
      "2",
      `/SimpleNotificationService-${unique("a")}.pem`,
    );
    const res = await post(`/hooks/cloudwatch/${integ.key}`, message, { "Content-Type": "text/plain" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "SubscribeURL" });
    // Only the certificate was fetched.
    expect((await hits()).slice(before).every((h) => h.url.endsWith(".pem"))).toBe(true);
  });

  it("an unknown key is refused before anything is fetched", async () => {
    const before = (await hits()).length;
    const res = await send("0".repeat(32), await signed(cwAlarm, "1", `/SimpleNotificationService-${unique("u")}.pem`));
    expect(res.status).toBe(401);
    expect((await hits()).length).toBe(before);
  });
});

// Amazon CloudWatch alarms through Amazon SNS → AlertEvents. SNS posts its envelope as text/plain
// JSON; `Message` is the alarm, itself JSON in a string (parsed a second time here). With the
// subscription's "raw message delivery" on, the body is the alarm itself (no envelope, no signature).
// The envelope's signature and SubscriptionConfirmation are handled before this, in sns.ts.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { type Adapted, senderTest } from "./adapted";
import { clipDetails, clipSummary, encodePart, isObject, type JsonObject, parseDateLenient, requireObject, text } from "./common";

export const SNS_TYPES = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"] as const;

/** The CloudWatch alarm in an SNS delivery, or null when it carries none (a confirmation, a plain-text test). */
export function alarmOf(body: JsonObject): JsonObject | null {
  if (text(body.AlarmName) !== undefined && text(body.NewStateValue) !== undefined) return body; // raw delivery
  const type = text(body.Type);
  if (type === undefined)
    throw new PayloadError("Type", "is required: is this an Amazon SNS HTTPS subscription (or its raw message delivery of a CloudWatch alarm)?");
  if (!(SNS_TYPES as readonly string[]).includes(type)) throw new PayloadError("Type", `must be one of ${SNS_TYPES.join(", ")}`);
  if (type !== "Notification") return null;
  const message = typeof body.Message === "string" ? body.Message : undefined;
  if (message === undefined) throw new PayloadError("Message", "is required in an SNS Notification");
  let alarm: unknown;
  try {
    alarm = JSON.parse(message);
  } catch {
    // "Publish message" from the SNS console, or another publisher on the topic: text, not an alarm.
    return null;
  }
  if (!isObject(alarm) || text(alarm.AlarmName) === undefined) {
    throw new PayloadError("Message", "is not a CloudWatch alarm: `AlarmName` and `NewStateValue` are required");
  }
  return alarm;
}

const STATES = ["ALARM", "OK", "INSUFFICIENT_DATA"];

export function fromCloudWatch(payload: unknown, receivedAt: Date): Adapted {
  const body = requireObject(payload);
  const alarm = alarmOf(body);
  // A plain-text Notification is SNS's "Publish message" (the topic's test); confirmations are no test.
  if (!alarm) return text(body.Type) === "Notification" ? senderTest("Amazon SNS message that is not an alarm (Publish message)") : [];
  const state = text(alarm.NewStateValue)?.toUpperCase();
  if (!state || !STATES.includes(state)) throw new PayloadError("Message.NewStateValue", `must be one of ${STATES.join(", ")}`);
  // Missing data says nothing about the service: it neither raises nor clears an alarm.
  if (state === "INSUFFICIENT_DATA") return [];
  const name = text(alarm.AlarmName)!;
  const arn = text(alarm.AlarmArn);
  const region = arn?.split(":")[3];
  const dedupKey = arn ?? `${text(alarm.AWSAccountId) ?? "aws"}:${text(alarm.Region) ?? ""}:${name}`;
  const event: AlertEvent = {
    dedupKey: dedupKey.slice(0, 255),
    action: state === "ALARM" ? "trigger" : "resolve",
    // An alarm carries no severity: a breached threshold counts as a partial outage unless links say otherwise.
    severity: "error",
    summary: clipSummary(state === "ALARM" ? `${name} is in ALARM` : `${name} is OK`),
    tags: dimensions(alarm),
    monitor: { id: arn ?? name, name },
    occurredAt: parseDateLenient(alarm.StateChangeTime) ?? receivedAt,
  };
  const details = clipDetails([text(alarm.AlarmDescription), text(alarm.NewStateReason)].filter(Boolean).join("\n\n"));
  if (details) event.details = details;
  if (region && /^[a-z0-9-]+$/.test(region)) {
    event.link = `https://console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodePart(name)}`;
  }
  return [event];
}

/** The metric's dimensions (`InstanceId`, `LoadBalancer`…) and namespace, as tags links can match. */
function dimensions(alarm: JsonObject): Record<string, string> {
  const entries: [string, string][] = [];
  const trigger = isObject(alarm.Trigger) ? alarm.Trigger : undefined;
  const namespace = text(trigger?.Namespace);
  if (namespace) entries.push(["namespace", namespace]);
  if (Array.isArray(trigger?.Dimensions)) {
    for (const d of trigger.Dimensions) {
      const key = isObject(d) ? (text(d.name) ?? text(d.Name)) : undefined;
      const value = isObject(d) ? (text(d.value) ?? text(d.Value)) : undefined;
      if (key && !entries.some(([k]) => k === key)) entries.push([key, value ?? ""]);
    }
  }
  return Object.fromEntries(entries);
}

// What the sender-adapter tests share: one event out of a payload, or the PayloadError it raises.
import { expect } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { PayloadError } from "../../../worker/errors";
import { type Adapted, isSenderTest } from "../../../worker/sources/adapted";

export const receivedAt = new Date("2025-11-20T12:00:00.000Z");
export type Adapt = (payload: unknown, at: Date) => Adapted;

/** The events an adapter made; none for the sender's test notification. */
export const eventsOf = (adapted: Adapted): AlertEvent[] => (isSenderTest(adapted) ? [] : adapted);

/** How the adapter recognised the sender's test, or undefined when the payload is no test. */
export const testOf = (adapted: Adapted): string | undefined => (isSenderTest(adapted) ? adapted.test : undefined);

export function only(adapt: Adapt, payload: unknown): AlertEvent {
  const events = eventsOf(adapt(payload, receivedAt));
  expect(events).toHaveLength(1);
  return events[0]!;
}

export function refused(adapt: Adapt, payload: unknown): PayloadError {
  try {
    adapt(payload, receivedAt);
  } catch (e) {
    expect(e).toBeInstanceOf(PayloadError);
    return e as PayloadError;
  }
  throw new Error("expected a PayloadError");
}

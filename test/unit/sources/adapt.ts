// What the sender-adapter tests share: one event out of a payload, or the PayloadError it raises.
import { expect } from "vitest";
import type { AlertEvent } from "../../../worker/domain/alert-event";
import { PayloadError } from "../../../worker/errors";

export const receivedAt = new Date("2025-11-20T12:00:00.000Z");
export type Adapt = (payload: unknown, at: Date) => AlertEvent[];

export function only(adapt: Adapt, payload: unknown): AlertEvent {
  const events = adapt(payload, receivedAt);
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

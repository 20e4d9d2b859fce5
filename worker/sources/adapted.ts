// What an adapter makes of a delivery: the alert events in it, or the sender's own test notification.
import type { AlertEvent } from "../../domain/alert-event";

/**
 * The sender's Test button (or its sample event): it proves the wiring and is no outage. The route
 * logs it as a delivery with outcome `test` and the integration's last test time; nothing else changes.
 */
export interface SenderTest {
  /** How it was recognised, in the sender's words ("Sentry sample event", "Uptime Kuma Test Button"). */
  test: string;
}

export type Adapted = AlertEvent[] | SenderTest;

export const senderTest = (how: string): SenderTest => ({ test: how });

export function isSenderTest(adapted: Adapted): adapted is SenderTest {
  return !Array.isArray(adapted);
}

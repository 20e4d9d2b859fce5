// What travels on the notification queue (status-notifications).
//
// - `event`: one committed change, from the Ingestor's outbox. The consumer loads it from D1 once and
//   fans it out: channels first, then subscribers a page at a time (the next page as a new `event`
//   message with `after`), so 10,000 subscribers cost a handful of invocations.
// - `deliver`: one notification to one recipient, carrying the event as loaded, so a delivery reads
//   only its recipient (gone = unsubscribed: nothing is sent).

/** A committed change, by the D1 row that records it. */
export type EventRef = { type: "incident_update"; id: string } | { type: "component_change"; id: number } | { type: "notice"; id: number };

export type NotifyMessage =
  | {
      kind: "event";
      ref: EventRef;
      /** A continuation: fan-out resumes after this subscriber id, with the event as first loaded. */
      after?: string;
      event?: import("./events").NotifyEvent;
    }
  | { kind: "deliver"; event: import("./events").NotifyEvent; recipient: Recipient };

export interface Recipient {
  type: "channel" | "subscriber";
  id: string;
}

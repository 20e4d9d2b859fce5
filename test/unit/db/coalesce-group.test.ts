// The projection's merging of a group's statements: delivery-log inserts become one, last-delivery
// updates one per integration (the last value), both after everything else, the rest untouched in order.
import { describe, expect, it } from "vitest";
import { coalesceGroup, type DeliveryRecord, decisionSql } from "../../../db/ingest";
import { emptyDecision } from "../../../domain/incidents";

const delivery = (id: string, integrationId: string): DeliveryRecord => ({
  id,
  integrationId,
  source: "generic",
  receivedAt: "2026-11-20T10:00:00.000Z",
  outcome: "accepted",
  httpStatus: 202,
  eventCount: 1,
  summary: { applied: 1 },
  error: null,
  payload: "{}",
});
const ws = { components: new Map(), alerts: new Map(), incidents: new Map() };

describe("coalesceGroup", () => {
  it("merges the delivery-log inserts and keeps the last last-delivery time per integration", () => {
    const other = { sql: "UPDATE components SET x = 1", params: [] };
    const statements = [
      ...decisionSql(ws, emptyDecision(), "2026-11-20T10:00:01.000Z", delivery("d1", "i1")),
      other,
      ...decisionSql(ws, emptyDecision(), "2026-11-20T10:00:02.000Z", delivery("d2", "i1")),
      ...decisionSql(ws, emptyDecision(), "2026-11-20T10:00:03.000Z", delivery("d3", "i2")),
    ];
    const out = coalesceGroup(statements);
    expect(out[0]).toBe(other);
    expect(out[1]!.sql).toContain("json_each(?1)");
    expect(JSON.parse(String(out[1]!.params[0])).map((p: unknown[]) => p[0])).toEqual(["d1", "d2", "d3"]);
    expect(out.slice(2).map((s) => s.params)).toEqual([
      ["i1", "2026-11-20T10:00:02.000Z"],
      ["i2", "2026-11-20T10:00:03.000Z"],
    ]);
  });

  it("leaves a single delivery's statements as they are", () => {
    const statements = decisionSql(ws, emptyDecision(), "2026-11-20T10:00:01.000Z", delivery("d1", "i1"));
    expect(coalesceGroup(statements)).toEqual(statements);
  });

  it("writes each alert once, in its last state with its first created_at, and ends a run at a statement that reads incidents", () => {
    const alertUpsert = (status: string, at: string) => {
      const [s] = decisionSql(
        {
          components: new Map(),
          incidents: new Map(),
          alerts: new Map([
            ["a1", { id: "a1", integrationId: "i1", dedupKey: "k", status, severity: "critical", summary: "s", tags: {}, routes: [] } as never],
          ]),
        },
        { ...emptyDecision(), alerts: new Set(["a1"]) },
        at,
        [],
      );
      return s!;
    };
    const rename = { sql: "UPDATE incidents SET name = coalesce(?2, name), updated_at = ?3 WHERE id = ?1", params: ["x", "n", "t"] };
    const out = coalesceGroup([
      alertUpsert("firing", "2026-11-20T10:00:01.000Z"),
      alertUpsert("acknowledged", "2026-11-20T10:00:02.000Z"),
      rename,
      alertUpsert("resolved", "2026-11-20T10:00:03.000Z"),
    ]);
    expect(out).toHaveLength(3);
    const rows = (i: number) => JSON.parse(String(out[i]!.params[0])) as Array<{ status: string; created_at: string; updated_at: string }>;
    expect(rows(0)).toEqual([
      expect.objectContaining({ status: "acknowledged", created_at: "2026-11-20T10:00:01.000Z", updated_at: "2026-11-20T10:00:02.000Z" }),
    ]);
    expect(out[1]).toBe(rename);
    expect(rows(2)).toEqual([expect.objectContaining({ status: "resolved" })]);
  });
});

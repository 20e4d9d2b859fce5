// A D1 write failing in the middle of a delivery, injected inside the real database with a SQLite
// trigger that RAISEs on one table (scoped with WHEN to this test's rows). For every statement of the
// projection batch: the sender still gets its 2xx (the delivery is in the Ingestor's durable inbox),
// nothing is half-written in D1 while the fault lasts, operators see the backlog and the error, and
// once D1 accepts writes again the backlog lands exactly once (a redelivery is a duplicate).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { componentStatus, createComponent, createIntegration, drained, inbox, incidentsOn, post, rows, tableCounts } from "./helpers";

const TRIGGER = "fault_injected";

/** Runs `during` with a trigger on `table` that aborts any `event` matching `when`, then removes it. */
async function withFault<T>(event: "INSERT" | "UPDATE", table: string, when: string, during: () => Promise<T>): Promise<T> {
  await env.DB.prepare(`CREATE TRIGGER ${TRIGGER} BEFORE ${event} ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`).run();
  try {
    return await during();
  } finally {
    await env.DB.prepare(`DROP TRIGGER IF EXISTS ${TRIGGER}`).run();
  }
}

interface Fixture {
  integration: { id: string; key: string };
  components: Array<{ id: string; slug: string }>;
}

/** Everything a delivery for this integration could touch, row by row, plus every table's count. */
async function snapshot(f: Fixture) {
  const ids = JSON.stringify(f.components.map((c) => c.id));
  const incidentIds = `SELECT incident_id FROM incident_components WHERE component_id IN (SELECT value FROM json_each(?1))`;
  return {
    counts: await tableCounts(),
    deliveries: (await rows("SELECT count(*) AS n FROM deliveries"))[0],
    alerts: await rows("SELECT * FROM alerts WHERE integration_id = ?1 ORDER BY id", f.integration.id),
    alertComponents: await rows(
      "SELECT * FROM alert_components WHERE alert_id IN (SELECT id FROM alerts WHERE integration_id = ?1) ORDER BY alert_id, component_id",
      f.integration.id,
    ),
    components: await rows("SELECT * FROM components WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id", ids),
    statusChanges: await rows("SELECT * FROM component_status_changes WHERE component_id IN (SELECT value FROM json_each(?1)) ORDER BY id", ids),
    incidents: await rows(`SELECT * FROM incidents WHERE id IN (${incidentIds}) ORDER BY id`, ids),
    incidentComponents: await rows(`SELECT * FROM incident_components WHERE incident_id IN (${incidentIds}) ORDER BY incident_id, component_id`, ids),
    updates: await rows(`SELECT * FROM incident_updates WHERE incident_id IN (${incidentIds}) ORDER BY id`, ids),
    integration: await rows("SELECT * FROM integrations WHERE id = ?1", f.integration.id),
  };
}

async function fixture(name: string, components = 1): Promise<Fixture> {
  const comps = await Promise.all(Array.from({ length: components }, (_, i) => createComponent(`${name} ${i}`)));
  const integration = await createIntegration("generic", [comps[0]!.id]);
  return { integration, components: comps };
}

const trigger = (dedup_key: string, extra: Record<string, unknown> = {}) => ({
  dedup_key,
  action: "trigger",
  severity: "critical",
  summary: `${dedup_key} is failing`,
  occurred_at: "2026-11-20T10:00:00.000Z",
  ...extra,
});
const resolve = (dedup_key: string) => ({ dedup_key, action: "resolve", occurred_at: "2026-11-20T10:05:00.000Z" });

interface FaultCase {
  name: string;
  /** Deliveries that succeed first: the state the failing delivery must leave untouched. */
  before?: (f: Fixture) => unknown[];
  /** The delivery that fails, then is retried. */
  delivery: (f: Fixture) => unknown;
  fault: (f: Fixture) => { event: "INSERT" | "UPDATE"; table: string; when: string };
  /** After the retry. */
  then: (f: Fixture) => Promise<void>;
}

const opened = async (f: Fixture) => {
  expect(await componentStatus(f.components[0]!.id)).toBe("major_outage");
  expect((await incidentsOn(f.components[0]!.id)).map((i) => i.status)).toEqual(["investigating"]);
};
const recovered = async (f: Fixture) => {
  expect(await componentStatus(f.components[0]!.id)).toBe("operational");
  expect((await incidentsOn(f.components[0]!.id)).map((i) => i.status)).toEqual(["monitoring"]);
};

const CASES: FaultCase[] = [
  {
    name: "the alert insert (first statement of the batch)",
    delivery: () => trigger("first"),
    fault: (f) => ({ event: "INSERT", table: "alerts", when: `NEW.integration_id = '${f.integration.id}'` }),
    then: opened,
  },
  {
    name: "the alert routes insert",
    delivery: () => trigger("routes"),
    fault: (f) => ({ event: "INSERT", table: "alert_components", when: `NEW.component_id = '${f.components[0]!.id}'` }),
    then: opened,
  },
  {
    name: "the incident insert",
    delivery: () => trigger("incident", { summary: "Unique incident title for the incidents fault" }),
    fault: () => ({ event: "INSERT", table: "incidents", when: "NEW.name = 'Unique incident title for the incidents fault'" }),
    then: opened,
  },
  {
    name: "the incident components insert",
    delivery: () => trigger("incident-components"),
    fault: (f) => ({ event: "INSERT", table: "incident_components", when: `NEW.component_id = '${f.components[0]!.id}'` }),
    then: opened,
  },
  {
    name: "the component status update",
    delivery: () => trigger("component"),
    fault: (f) => ({ event: "UPDATE", table: "components", when: `OLD.id = '${f.components[0]!.id}'` }),
    then: opened,
  },
  {
    name: "the status history insert, for the second of two components in a two-event delivery",
    delivery: (f) => ({ events: [trigger("one"), trigger("two", { severity: "warning", tags: { service: f.components[1]!.slug } })] }),
    fault: (f) => ({ event: "INSERT", table: "component_status_changes", when: `NEW.component_id = '${f.components[1]!.id}'` }),
    then: async (f) => {
      await opened(f);
      expect(await componentStatus(f.components[1]!.id)).toBe("degraded_performance");
    },
  },
  {
    // Every log insert for the integration fails, the failure's own record included: still a 503.
    name: "the delivery log insert (in the same batch)",
    delivery: () => trigger("logged"),
    fault: (f) => ({ event: "INSERT", table: "deliveries", when: `NEW.integration_id = '${f.integration.id}'` }),
    then: opened,
  },
  {
    name: "the integration's last-delivery update (last statement of the batch)",
    delivery: () => trigger("last"),
    fault: (f) => ({ event: "UPDATE", table: "integrations", when: `OLD.id = '${f.integration.id}'` }),
    then: opened,
  },
  {
    name: "the alert update of a resolve, with an incident open",
    before: () => [trigger("open")],
    delivery: () => resolve("open"),
    fault: (f) => ({ event: "UPDATE", table: "alerts", when: `OLD.integration_id = '${f.integration.id}'` }),
    then: recovered,
  },
  {
    name: "the monitoring update of a resolve",
    before: () => [trigger("watched")],
    delivery: () => resolve("watched"),
    fault: (f) => ({
      event: "INSERT",
      table: "incident_updates",
      when: `NEW.incident_id IN (SELECT incident_id FROM incident_components WHERE component_id = '${f.components[0]!.id}')`,
    }),
    then: recovered,
  },
  {
    name: "the incident update of a reopening trigger",
    before: () => [trigger("flap"), resolve("flap")],
    delivery: () => trigger("flap", { occurred_at: "2026-11-20T10:10:00.000Z" }),
    fault: (f) => ({
      event: "UPDATE",
      table: "incidents",
      when: `OLD.id IN (SELECT incident_id FROM incident_components WHERE component_id = '${f.components[0]!.id}')`,
    }),
    then: opened,
  },
];

describe("a D1 write failing mid-delivery", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("fails on %s: still 202, nothing half-written, applied once D1 is back", async (_, c) => {
    const f = await fixture(c.name.slice(4, 30), 2);
    const url = `/hooks/generic/${f.integration.key}`;
    for (const body of c.before?.(f) ?? []) expect((await post(url, body)).status).toBe(202);

    const before = await snapshot(f);
    const fault = c.fault(f);
    const { res, text, after, status } = await withFault(fault.event, fault.table, fault.when, async () => {
      const res = await post(url, c.delivery(f));
      const text = await res.text();
      // Read while the fault still holds: the backoff alarm retries as soon as it is gone.
      return { res, text, after: await snapshot(f), status: await inbox() };
    });
    expect(res.status, text).toBe(202);
    expect(text).not.toContain("injected");
    expect((JSON.parse(text) as { outcomes: string[] }).outcomes.every((o) => o === "applied")).toBe(true);
    // D1 is untouched (the projection batch is atomic), the delivery log row included: it is in the inbox.
    expect(after).toEqual(before);
    expect(status.backlog.deliveries).toBeGreaterThanOrEqual(1);
    expect(status.lastError).toContain("injected fault");
    expect(status.nextRetryAt).not.toBeNull();

    await drained();
    await c.then(f);
    const logged = await rows<{ outcome: string; http_status: number }>(
      "SELECT outcome, http_status FROM deliveries WHERE integration_id = ?1 ORDER BY received_at DESC LIMIT 1",
      f.integration.id,
    );
    expect(logged).toEqual([{ outcome: "accepted", http_status: 202 }]);
    // The sender's own retry, if it made one, changes nothing.
    const again = await post(url, c.delivery(f));
    expect(again.status).toBe(202);
    expect(((await again.json()) as { outcomes: string[] }).outcomes.every((o) => o === "duplicate")).toBe(true);
    await c.then(f);
  });

  it("fails one of ten concurrent deliveries: all ten get a 202, and all land in one incident once D1 is back", async () => {
    const f = await fixture("Concurrent fault", 1);
    const url = `/hooks/generic/${f.integration.key}`;
    const results = await withFault("INSERT", "alerts", `NEW.integration_id = '${f.integration.id}' AND NEW.dedup_key = 'doomed'`, async () => {
      const results = await Promise.all(["doomed", ...Array.from({ length: 9 }, (_, i) => `fine-${i}`)].map((k) => post(url, trigger(k))));
      expect(await rows("SELECT id FROM alerts WHERE integration_id = ?1 AND dedup_key = 'doomed'", f.integration.id)).toEqual([]);
      return results;
    });
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(202));
    await drained();
    const [incident, ...more] = await incidentsOn(f.components[0]!.id);
    expect(more).toEqual([]);
    const attached = await rows<{ n: number }>("SELECT count(*) AS n FROM alerts WHERE incident_id = ?1", incident!.id);
    expect(attached[0]!.n).toBe(10);
    expect(((await (await post(url, trigger("doomed"))).json()) as { outcomes: string[] }).outcomes).toEqual(["duplicate"]);
  });

  it("fails a PagerDuty Events v2 delivery the same way: 202 as PagerDuty answers it, applied once D1 is back", async () => {
    const comp = await createComponent("PagerDuty fault");
    const integ = await createIntegration("pagerduty", [comp.id]);
    const event = {
      routing_key: integ.key,
      event_action: "trigger",
      dedup_key: "pd-fault",
      payload: { summary: "Checkout down", source: "checkly", severity: "critical" },
    };
    const before = await tableCounts();
    const { res, after } = await withFault("INSERT", "alerts", `NEW.integration_id = '${integ.id}'`, async () => {
      const res = await post("/v2/enqueue", event);
      return { res, after: await tableCounts() };
    });
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text).not.toContain("injected");
    expect(JSON.parse(text)).toMatchObject({ status: "success", dedup_key: "pd-fault" });
    expect(after).toEqual(before);
    await drained();
    expect(await componentStatus(comp.id)).toBe("major_outage");
  });
});

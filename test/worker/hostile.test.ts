// 10,000 generated malformed or hostile payloads, spread over every receiver the worker has: wrong
// types, huge strings around the 512 KB limit, deep nesting, prototype-pollution keys, invalid UTF-8,
// markup in titles, broken JSON. Each gets a 4xx, never a 5xx (Datadog, Alertmanager and PagerDuty
// senders retry 5xx forever), and the database is unchanged but for the delivery log (and the
// refusal counts, for those sent with an unknown key).
//
// Which key a payload is sent with: the adapter itself (the same code the worker runs) tells whether
// it would be accepted. A payload it refuses goes with the receiver's real key (so the 400 comes from
// validation, not from auth); one it accepts goes with an unknown key (401: nothing may be written),
// unless the events it makes break the AlertEvent contract, which is a bug the real key then shows.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { fromPagerDutyChange, fromPagerDutyV1, fromPagerDutyV2 } from "../../worker/sources/pagerduty";
import { HOOK_ADAPTERS } from "../../worker/sources/registry";
import {
  classify,
  deepText,
  FIXTURES,
  hostileJson,
  MARKUP,
  mutatedFixture,
  redatedFixture,
  replaceTitles,
  SEED,
  sparseFixture,
  vocabularyObject,
} from "../unit/property/helpers";
import { eventsOf } from "../unit/sources/adapt";
import { BASE, createComponent, createIntegration, rows, tableCounts } from "./helpers";

const TOTAL = 10_000;
const IN_FLIGHT = 50;
const LIMIT = 512 * 1024;
const UNKNOWN_KEY = "zz9hostile0unknown0key0000000000";

/** A request through the worker's own fetch handler (see load.test.ts for why not SELF.fetch). */
async function send(path: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body }),
    env,
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, text };
}

interface Receiver {
  name: string;
  fixtures: string;
  adapt: (payload: unknown) => unknown[];
  /** Where the key goes: the path, a bearer header, or a body field. */
  key: { in: "path" } | { in: "bearer" } | { in: "body"; field: "routing_key" | "service_key" };
  path: (key: string) => string;
  realKey?: string;
}

const now = new Date();
const pdKey = () => "generated";

const receivers: Receiver[] = [
  ...Object.entries(HOOK_ADAPTERS).map(
    ([source, adapt]): Receiver => ({
      name: `/hooks/${source}/:key`,
      fixtures: source,
      adapt: (p) => eventsOf(adapt!(p, now)),
      key: { in: "path" },
      path: (key) => `/hooks/${source}/${key}`,
    }),
  ),
];
if (HOOK_ADAPTERS.alertmanager) {
  receivers.push({
    name: "/hooks/alertmanager (bearer)",
    fixtures: "alertmanager",
    adapt: (p) => eventsOf(HOOK_ADAPTERS.alertmanager!(p, now)),
    key: { in: "bearer" },
    path: () => "/hooks/alertmanager",
  });
}
const PAGERDUTY: Receiver[] = [
  {
    name: "/v2/enqueue",
    fixtures: "pagerduty",
    adapt: (p) => fromPagerDutyV2(p, now, pdKey).events,
    key: { in: "body", field: "routing_key" },
    path: () => "/v2/enqueue",
  },
  {
    name: "/v2/change/enqueue",
    fixtures: "pagerduty",
    adapt: (p) => fromPagerDutyChange(p).events,
    key: { in: "body", field: "routing_key" },
    path: () => "/v2/change/enqueue",
  },
  {
    name: "/generic/2010-04-15/create_event.json",
    fixtures: "pagerduty",
    adapt: (p) => fromPagerDutyV1(p, now, pdKey).events,
    key: { in: "body", field: "service_key" },
    path: () => "/generic/2010-04-15/create_event.json",
  },
];

// ── Payloads ───────────────────────────────────────────────────────────────────────────────────

const utf8 = new TextEncoder();
const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0xc3, 0x28],
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x92],
  [0xf4, 0x90, 0x80, 0x80],
].map((b) => new Uint8Array(b));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const fixtureText = (folder: string) => fc.constantFrom(...(FIXTURES[folder] ?? [{}])).map((f) => JSON.stringify(f));

interface Payload {
  kind: string;
  body: Uint8Array | string;
}

const json = (kind: string, arb: fc.Arbitrary<unknown>): fc.Arbitrary<Payload> => arb.map((v) => ({ kind, body: JSON.stringify(v) ?? "null" }));

function payloadFor(r: Receiver): fc.Arbitrary<Payload> {
  const text = fixtureText(r.fixtures);
  return fc.oneof(
    { weight: 4, arbitrary: json("any JSON value", hostileJson) },
    { weight: 3, arbitrary: json("sender's field names, random types", vocabularyObject) },
    { weight: 5, arbitrary: json("real payload, fields replaced", mutatedFixture(r.fixtures)) },
    { weight: 3, arbitrary: json("real payload, fields dropped", sparseFixture(r.fixtures)) },
    { weight: 1, arbitrary: json("real payload, dates replaced", redatedFixture(r.fixtures)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(mutatedFixture(r.fixtures), fc.constantFrom(...MARKUP))
        .map(([v, markup]) => ({ kind: "markup in titles", body: JSON.stringify(replaceTitles(v, markup)) ?? "null" })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(text, fc.nat(), fc.constantFrom('"__proto__"', '"constructor"', '"prototype"')).map(([t, at, key]) => {
        // Raw keys spliced into the text, as an attacker writes them (JSON.stringify never would).
        const braces = [...t.matchAll(/\{/g)].map((m) => m.index!);
        const pos = braces.length ? braces[at % braces.length]! + 1 : 0;
        const inject = `${key}:{"polluted":"yes","prototype":{"polluted":"yes"}},"__proto__":{"toString":"x"},`;
        return { kind: "prototype-pollution keys", body: braces.length ? t.slice(0, pos) + inject + t.slice(pos) : `{${inject}"a":1}` };
      }),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(text, fc.nat(), fc.constantFrom("cut", "drop", "insert", "trailing")).map(([t, at, how]) => {
        const i = at % Math.max(1, t.length);
        const broken =
          how === "cut"
            ? t.slice(0, i)
            : how === "drop"
              ? t.slice(0, i) + t.slice(i + 1)
              : how === "insert"
                ? `${t.slice(0, i)}{,'"\\${t.slice(i)}`
                : `${t},{}`;
        return { kind: "broken JSON", body: broken === t ? `${t}]` : broken };
      }),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(text, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)), { minLength: 1, maxLength: 3 })).map(([t, cuts]) => {
        // Inside strings when the position falls on one, anywhere otherwise.
        let bytes = utf8.encode(t);
        for (const [at, bad] of cuts) {
          const i = at % (bytes.length + 1);
          bytes = concat(bytes.slice(0, i), bad, bytes.slice(i));
        }
        return { kind: "invalid UTF-8", body: bytes };
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          text,
          fc.constantFrom(1_000, 10_000, 100_000),
          fc.constantFrom("array", "object", "mixed") as fc.Arbitrary<"array" | "object" | "mixed">,
          fc.boolean(),
        )
        .map(([t, depth, shape, alone]) => {
          const deep = deepText(depth, shape);
          // Alone, or as the value of the payload's first field.
          const spliced = t.replace(/^\{("[^"]*"):/, `{$1:${deep},"was":`);
          return { kind: `deep nesting (${depth})`, body: alone || spliced === t ? deep : spliced };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(text, fc.constantFrom("x", "é", "🔥", "<script>", "\\u0000"), fc.integer({ min: LIMIT - 40 * 1024, max: LIMIT + 30 * 1024 }))
        .map(([t, unit, bytes]) => {
          // One string field grown until the body is about `bytes` long: under or over the limit.
          const filler = unit.repeat(Math.max(1, Math.floor((bytes - t.length) / utf8.encode(unit).length)));
          const grown = t.replace(/:"([^"\\]*)"/, `:"${filler}"`);
          return { kind: "huge string near 512 KB", body: grown === t ? JSON.stringify({ summary: filler }) : grown };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("", " ", "\n", "null", "[]", "{}", "0", "-1", "1e999", '"text"', "true", "[[]]", '{"a":}', "\ufeff{}", "NaN")
        .map((b) => ({ kind: "empty or scalar", body: b })),
    },
  );
}

/** The lenient decoding the worker does, to ask the adapter what it makes of the body. */
function decoded(body: Uint8Array | string): { ok: true; value: unknown } | { ok: false } {
  const text = new TextDecoder().decode(typeof body === "string" ? utf8.encode(body) : body);
  if (!text.trim()) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

// workerd sends a string body's lone surrogates through as bytes that are not UTF-8 (rather than as
// U+FFFD), so such a body reaches the worker as invalid UTF-8, as raw bytes from a real sender would.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function utf8Valid(body: Uint8Array | string): boolean {
  if (typeof body === "string") return !LONE_SURROGATE.test(body);
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
    return true;
  } catch {
    return false;
  }
}

const bytesOf = (body: Uint8Array | string) => (typeof body === "string" ? utf8.encode(body).length : body.length);

// ── The run ────────────────────────────────────────────────────────────────────────────────────

describe("10,000 hostile payloads on every receiver", () => {
  beforeAll(async () => {
    for (const r of receivers) {
      const source = r.fixtures;
      const comp = await createComponent(`Hostile ${r.name}`);
      r.realKey = (await createIntegration(source, [comp.id])).key;
    }
    // The PagerDuty endpoints, when present, take any integration's key in the body.
    const probe = await send("/v2/enqueue", "{}");
    if (probe.status !== 404) {
      const comp = await createComponent("Hostile pagerduty");
      const key = (await createIntegration("pagerduty", [comp.id])).key;
      for (const r of PAGERDUTY) receivers.push({ ...r, realKey: key });
    }
  });

  it("answers every one with a 4xx, never a 5xx or a 2xx, and writes nothing but the delivery log", async () => {
    console.log(`hostile: receivers checked: ${receivers.map((r) => r.name).join(", ")}`);
    const before = await tableCounts();
    const lastRowid = (await rows<{ n: number }>("SELECT coalesce(max(rowid), 0) AS n FROM deliveries"))[0]!.n;
    const refusedBefore = (await rows<{ n: number }>("SELECT coalesce(sum(count), 0) AS n FROM refused_deliveries"))[0]!.n;
    const lastDelivery = await rows("SELECT id, last_delivery_at FROM integrations ORDER BY id");

    const arbitrary = fc.nat(receivers.length - 1).chain((i) => payloadFor(receivers[i]!).map((p) => ({ receiver: receivers[i]!, ...p })));
    const failures: string[] = [];
    const byKind = new Map<string, Map<number, number>>();
    const started = Date.now();

    const one = async ({ receiver: r, kind, body: original }: { receiver: Receiver } & Payload) => {
      let body = original;
      const parsed = decoded(body);
      let verdict = parsed.ok ? classify(r.adapt, parsed.value) : "refused";
      let key = verdict === "accepted" ? UNKNOWN_KEY : r.realKey!;
      if (r.key.in === "body" && parsed.ok && parsed.value && typeof parsed.value === "object" && !Array.isArray(parsed.value)) {
        // The key travels in the payload: put the chosen one there, and judge the payload as sent.
        const withKey = (k: string) => ({ ...(parsed.value as object), [(r.key as { field: string }).field]: k });
        verdict = classify(r.adapt, withKey(key));
        if (verdict === "accepted" && key !== UNKNOWN_KEY) verdict = classify(r.adapt, withKey((key = UNKNOWN_KEY)));
        body = JSON.stringify(withKey(key));
      }
      const headers: Record<string, string> = r.key.in === "bearer" ? { Authorization: `Bearer ${key}` } : {};
      const res = await send(r.path(key), body, headers);
      const kindStats = byKind.get(kind) ?? new Map<number, number>();
      kindStats.set(res.status, (kindStats.get(res.status) ?? 0) + 1);
      byKind.set(kind, kindStats);

      const size = bytesOf(body);
      // Bytes that are not UTF-8 may be refused as such (400) before the key is looked at (401); the
      // one-by-one test below pins the 400 with a real key.
      const accepted = !utf8Valid(body) ? [400, 401] : [401];
      const expected = size > LIMIT ? [413] : verdict === "accepted" ? accepted : r.key.in === "body" ? [400, 401] : [400];
      if (!expected.includes(res.status)) {
        const preview = typeof body === "string" ? body : `bytes ${new TextDecoder().decode(body)}`;
        failures.push(
          `${r.name} ${kind}: ${res.status} (expected ${expected.join(" or ")}; adapter: ${verdict.slice(0, 300)}) ${res.text.slice(0, 200)}\n      body (${size} bytes): ${preview.slice(0, 400)}`,
        );
      }
    };

    // A constant number of requests in flight; payloads generated as they are needed.
    let next = 0;
    let queue: Array<{ receiver: Receiver } & Payload> = [];
    const take = () => {
      if (!queue.length) queue = fc.sample(arbitrary, { seed: SEED + next, numRuns: 50 });
      next++;
      return queue.shift()!;
    };
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < TOTAL) await one(take());
      }),
    );
    const elapsed = Date.now() - started;
    console.log(`hostile: ${TOTAL} payloads in ${elapsed} ms; statuses by kind:`);
    for (const [kind, stats] of [...byKind].sort())
      console.log(
        `  ${kind}: ${[...stats]
          .sort()
          .map(([s, n]) => `${s}×${n}`)
          .join(" ")}`,
      );

    expect(failures.length, `${failures.length} unexpected answers, first ones:\n${failures.slice(0, 12).join("\n")}`).toBe(0);
    // Every kind of payload was exercised.
    expect(byKind.size).toBeGreaterThanOrEqual(12);
    // Nothing written but the delivery log: no alert, incident, status or integration changed…
    expect(await tableCounts()).toEqual(before);
    expect(await rows("SELECT id, last_delivery_at FROM integrations ORDER BY id")).toEqual(lastDelivery);
    // …and every request logged as refused or unauthorized, none as accepted or failed; those sent
    // with an unknown key only counted (no payload stored), the rest in the delivery log.
    const logged = await rows<{ outcome: string; n: number }>("SELECT outcome, count(*) AS n FROM deliveries WHERE rowid > ?1 GROUP BY outcome", lastRowid);
    expect(logged.filter((l) => l.outcome !== "rejected" && l.outcome !== "unauthorized")).toEqual([]);
    const counted = (await rows<{ n: number }>("SELECT coalesce(sum(count), 0) AS n FROM refused_deliveries"))[0]!.n - refusedBefore;
    expect(counted).toBeGreaterThan(0);
    expect(logged.reduce((n, l) => n + l.n, 0) + counted).toBe(TOTAL);
    // Nothing reached Object.prototype in this isolate (the worker runs in it).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 240_000);
});

describe("hostile payloads, one by one", () => {
  let generic: string;
  beforeAll(async () => {
    const comp = await createComponent("Hostile one by one");
    generic = (await createIntegration("generic", [comp.id])).key;
  });

  it("refuses a well-formed event whose bytes are not valid UTF-8 with a 400, writing nothing (RFC 8259 §8.1)", async () => {
    const before = await tableCounts();
    const event = utf8.encode(JSON.stringify({ dedup_key: "utf8", action: "trigger", severity: "critical", summary: "Checkout XX down" }));
    const at = event.indexOf(0x58); // the first "X"
    for (const bad of INVALID_UTF8.slice(0, 4)) {
      const body = concat(event.slice(0, at), bad, event.slice(at + 1));
      const res = await send(`/hooks/generic/${generic}`, body);
      expect({ bytes: [...bad], status: res.status }).toEqual({ bytes: [...bad], status: 400 });
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("answers 413 for 512 KB + 1 byte and parses a body of exactly 512 KB", async () => {
    const base = JSON.stringify({ dedup_key: "big", action: "explode", details: "" });
    const exactly = base.replace('"details":""', `"details":"${"x".repeat(LIMIT - base.length)}"`);
    expect(utf8.encode(exactly).length).toBe(LIMIT);
    expect((await send(`/hooks/generic/${generic}`, exactly)).status).toBe(400); // read and refused for `action`
    expect((await send(`/hooks/generic/${generic}`, `${exactly} `)).status).toBe(413);
  });

  it("answers hostile bodies in time linear in their size (no catastrophic regex backtracking)", async () => {
    // Both run before any key check: anyone can send them. A linear implementation answers each in
    // a few milliseconds; a backtracking one takes seconds here and minutes of CPU at 512 KB.
    const cases: Array<[string, string, string]> = [
      ["an unparsable body full of `key` (the delivery log's redaction)", `/hooks/generic/${UNKNOWN_KEY}`, `"${"key".repeat(25_000)}`],
      [
        "a Datadog title of repeated `[warn ` (the title-prefix strip)",
        `/hooks/datadog/${UNKNOWN_KEY}`,
        JSON.stringify({ title: `[${"warn ".repeat(16_000)}`, alert_transition: "Triggered", alert_id: "1" }),
      ],
    ];
    const slow: string[] = [];
    for (const [what, path, body] of cases) {
      const started = Date.now();
      const res = await send(path, body);
      const ms = Date.now() - started;
      expect(res.status).toBeLessThan(500);
      if (ms > 1000) slow.push(`${what}: ${ms} ms for ${Math.round(body.length / 1024)} KB`);
    }
    expect(slow).toEqual([]);
  }, 60_000);
});

// Every adapter, fed anything: it returns AlertEvents that meet the canonical contract (valid enums,
// one-line summary within limits, string tags, a sortable time) or throws a PayloadError naming a
// field — never a TypeError or RangeError (a 500 and a Datadog retry storm), never a mutated input,
// never a polluted prototype.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadError } from "../../../worker/errors";
import {
  ADAPTERS,
  asParsedJson,
  deepText,
  FIXTURES,
  hostileJson,
  judge,
  MARKUP,
  mutatedFixture,
  objectOf,
  redatedFixture,
  replaceTitles,
  SEED,
  sparseFixture,
  vocabularyObject,
} from "./helpers";

describe.each(ADAPTERS.map((a) => [a.name, a] as const))("adapter %s", (_, adapter) => {
  it("accepts its sender's real payloads (so the properties below are not vacuous)", () => {
    const fixtures = FIXTURES[adapter.fixtures] ?? [];
    expect(fixtures.length).toBeGreaterThan(0);
    const accepted = fixtures.filter((f) => judge(adapter, f).accepted);
    expect(accepted.length).toBeGreaterThan(0);
  });

  it("maps any JSON value to valid events or a PayloadError", () => {
    fc.assert(
      fc.property(hostileJson, (value) => {
        judge(adapter, asParsedJson(value));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("maps objects spelled with the senders' field names, of random types, to valid events or a PayloadError", () => {
    fc.assert(
      fc.property(vocabularyObject, (value) => {
        judge(adapter, asParsedJson(value));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("maps its real payloads with fields replaced, deleted or added to valid events or a PayloadError", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutatedFixture(adapter.fixtures), (value) => {
        judge(adapter, asParsedJson(value)).accepted ? accepted++ : refused++;
      }),
      { seed: SEED, numRuns: 2000 },
    );
    // Both sides of the contract were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it("maps its real payloads with any fields missing and hostile strings to valid events or a PayloadError", () => {
    let accepted = 0;
    fc.assert(
      fc.property(sparseFixture(adapter.fixtures), (value) => {
        if (judge(adapter, asParsedJson(value)).accepted) accepted++;
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("turns any date a sender sends into a time the state machine can order, or refuses it", () => {
    fc.assert(
      fc.property(redatedFixture(adapter.fixtures), (value) => {
        judge(adapter, asParsedJson(value));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("survives deep nesting anywhere (10,000 levels) without a stack overflow", () => {
    // Not through judge: cloning or freezing 10,000 levels is the test's problem, not the adapter's.
    const survive = (payload: unknown, what: string) => {
      try {
        const events = adapter.adapt(payload, new Date());
        expect(Array.isArray(events), what).toBe(true);
      } catch (err) {
        if (!(err instanceof PayloadError)) throw new Error(`${adapter.name} threw ${String(err)} for ${what}`);
      }
    };
    for (const kind of ["array", "object", "mixed"] as const) {
      const deep = JSON.parse(deepText(10_000, kind));
      survive(deep, `10,000 levels of ${kind}`);
      for (const fixture of [{}, ...(FIXTURES[adapter.fixtures] ?? [])]) {
        if (!fixture || typeof fixture !== "object" || Array.isArray(fixture)) continue;
        for (const key of Object.keys(fixture).concat("metadata", "alerts", "payload", "tags", "heartbeat", "events")) {
          const payload = objectOf([...Object.entries(fixture).filter(([k]) => k !== key), [key, deep]]);
          survive(payload, `10,000 levels of ${kind} under ${key}`);
        }
      }
    }
  });

  it("keeps markup in titles as plain data: events or a PayloadError, never a crash", () => {
    // Escaping is the renderer's job (escaping.test.ts): an adapter that escaped would double-escape
    // in the JSON API. Here: markup in every title-like field still meets the contract.
    fc.assert(
      fc.property(mutatedFixture(adapter.fixtures), fc.constantFrom(...MARKUP), (value, markup) => {
        judge(adapter, replaceTitles(asParsedJson(value), markup));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("passes a title with markup through verbatim when it accepts the payload", () => {
    let shown = 0;
    let produced = 0;
    for (const fixture of FIXTURES[adapter.fixtures] ?? []) {
      for (const markup of MARKUP) {
        const verdict = judge(adapter, replaceTitles(fixture, markup));
        if (!verdict.accepted) continue;
        for (const event of verdict.events) {
          produced++;
          if (event.summary.includes(markup)) shown++;
          // Not escaped here: escaping belongs to each renderer, or the JSON API shows "&lt;".
          if (!markup.includes("&")) expect(event.summary).not.toMatch(/&(lt|gt|amp|quot|#\d+);/);
        }
      }
    }
    if (produced) expect(shown).toBeGreaterThan(0);
  });
});

// An adapter runs before the integration key is checked, so anyone can make it read 512 KB: its time
// must grow linearly with the input. For every string field of every real payload, and long runs of
// the tokens regular expressions trip on, the time for 2n characters must stay near twice the time
// for n; a backtracking regex shows as four times (and seconds of CPU per request at 512 KB).
import { describe, expect, it } from "vitest";
import { ADAPTERS, FIXTURES, mutate, pathsOf } from "./helpers";

const PREFIXES = ["", "[", '"', "{{", "@", "$", "%%%\n"];
const TOKENS = [" ", "a", "warn ", "Triggered ", "key", "[P1] ", "@a.", "$a", "0", ":", ",", "a:b,", "\\", "{", "1-"];
const SIZE = 24 * 1024;

function timed(fn: () => void): number {
  const start = performance.now();
  try {
    fn();
  } catch {
    // Refusing is fine; only the time counts here.
  }
  return performance.now() - start;
}

describe.each(ADAPTERS.map((a) => [a.name, a] as const))("adapter %s", (_, adapter) => {
  it("takes time linear in the length of any string field", () => {
    // Each field name once (the first payload that has it), with the payload around it intact.
    const cases = new Map<string, { fixture: unknown; path: Array<string | number> }>();
    for (const fixture of FIXTURES[adapter.fixtures] ?? []) {
      for (const path of pathsOf(fixture)) {
        const name = path.filter((p) => typeof p === "string").join(".");
        if (path.length && !cases.has(name)) cases.set(name, { fixture, path });
      }
    }
    expect(cases.size).toBeGreaterThan(0);
    const slow: string[] = [];
    for (const [name, { fixture, path }] of cases) {
      for (const prefix of PREFIXES) {
        for (const token of TOKENS) {
          const payload = (n: number) => mutate(fixture, path, { kind: "set", value: prefix + token.repeat(Math.ceil(n / token.length)) });
          const small = payload(SIZE);
          const t1 = timed(() => adapter.adapt(small, new Date()));
          if (t1 < 40) continue;
          // Confirm with twice the input (and the best of two runs, against noise from other tests).
          const big = payload(2 * SIZE);
          const t2 = Math.min(
            timed(() => adapter.adapt(big, new Date())),
            timed(() => adapter.adapt(big, new Date())),
          );
          const t1again = Math.min(
            t1,
            timed(() => adapter.adapt(small, new Date())),
          );
          if (t2 > 100 && t2 > 3 * t1again) {
            slow.push(
              `${name} = ${JSON.stringify(prefix)} + ${JSON.stringify(token)} repeated: ${Math.round(t1again)} ms for ${SIZE / 1024} KB, ` +
                `${Math.round(t2)} ms for ${(2 * SIZE) / 1024} KB (quadratic: ~${Math.round((t2 * 512 ** 2) / ((2 * SIZE) / 1024) ** 2 / 1000)} s at 512 KB)`,
            );
          }
        }
        if (slow.length) break;
      }
      if (slow.length) break;
    }
    expect(slow, `${adapter.name} is superlinear`).toEqual([]);
  }, 60_000);
});

import { env } from "cloudflare:test";
import { it } from "vitest";
import { purgePublicCache } from "../../worker/cache";
import { loadWorkingSet } from "../../db/ingest";
import { createComponent, createIntegration, post } from "./helpers";
async function time(label: string, n: number, fn: () => Promise<unknown>) {
  const t = Date.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(`PROBE ${label}: ${((Date.now() - t) / n).toFixed(1)} ms each`);
}
it("probe", async () => {
  const comps = await Promise.all(Array.from({ length: 20 }, (_, i) => createComponent(`C ${i}`)));
  const integ = await createIntegration("generic");
  const send = (tag: string, i: number) => post(`/hooks/generic/${integ.key}`, { dedup_key: `p-${tag}-${i % 50}`, action: i % 3 ? "trigger" : "resolve", severity: "critical", summary: "x", tags: { service: comps[i % 20]!.slug } });
  for (const round of [0, 1, 2]) {
    await time(`round ${round}: purgePublicCache`, 10, () => purgePublicCache(env));
    await time(`round ${round}: caches.default.delete`, 50, () => caches.default.delete(new Request("https://public-base.invalid/x")));
    await time(`round ${round}: loadWorkingSet`, 10, () => loadWorkingSet(env.DB, integ.id, ["p-a-1"], [comps[1]!.slug]));
    await time(`round ${round}: delivery`, 50, () => send(`r${round}`, Math.floor(Math.random() * 1000)));
    await Promise.all(Array.from({ length: 150 }, (_, i) => send(`b${round}`, i)));
  }
}, 300000);

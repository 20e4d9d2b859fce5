import { env, SELF } from "cloudflare:test";
import { it } from "vitest";
import { fromGeneric } from "../../worker/sources/generic";
import { sha256Hex } from "../../worker/ids";
import { createComponent, createIntegration, post } from "./helpers";
it("probe", async () => {
  const comps = await Promise.all(Array.from({ length: 20 }, (_, i) => createComponent(`C ${i}`)));
  const integ = await createIntegration("generic");
  const stub = env.INGESTOR.get(env.INGESTOR.idFromName("page"));
  const keyHash = await sha256Hex(integ.key);
  const body = (tag: string, i: number) => ({ dedup_key: `p-${tag}-${i % 50}`, action: i % 3 ? "trigger" : "resolve", severity: "critical", summary: "x", tags: { service: comps[i % 20]!.slug } });
  for (const round of [0, 1, 2, 3]) {
    const t = { noop: 0, rpcIngest: 0, http: 0, get404: 0 };
    for (let k = 0; k < 10; k++) {
      let s = Date.now();
      await stub.invalidate();
      t.noop += Date.now() - s; s = Date.now();
      await stub.ingest({ keyHash, source: "generic", events: fromGeneric(body(`x${round}`, k), new Date()), receivedAt: new Date().toISOString(), payload: "{}" });
      t.rpcIngest += Date.now() - s; s = Date.now();
      await post(`/hooks/generic/${integ.key}`, body(`y${round}`, k));
      t.http += Date.now() - s; s = Date.now();
      await SELF.fetch("https://status.test/nothing-here");
      t.get404 += Date.now() - s;
    }
    console.log(`PROBE round ${round}: ${JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v / 10)])))}`);
    await Promise.all(Array.from({ length: 200 }, (_, i) => post(`/hooks/generic/${integ.key}`, body(`b${round}`, i))));
  }
}, 300000);

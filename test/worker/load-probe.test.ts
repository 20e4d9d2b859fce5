import { SELF } from "cloudflare:test";
import { it } from "vitest";
it("probe", async () => {
  for (const round of [0, 1, 2, 3, 4]) {
    let s = Date.now();
    for (let k = 0; k < 20; k++) await SELF.fetch("https://status.test/nothing-here");
    const seq = (Date.now() - s) / 20;
    s = Date.now();
    await Promise.all(Array.from({ length: 400 }, () => SELF.fetch("https://status.test/nothing-here").then((r) => r.text())));
    console.log(`PROBE round ${round}: sequential 404 ${seq} ms each; 400 concurrent ${Date.now() - s} ms`);
  }
}, 300000);

// A small closed-loop load generator: `concurrency` clients send requests back to back on loopback.
// `collect`: response headers to sum over the run (numbers), e.g. the D1 round-trip counts.
// `pace`: ms each client waits between its requests (an open-ish loop for storms at a set rate).
export async function load({ url, method = "POST", body, headers = {}, n, concurrency, collect = [], pace = 0, until }) {
  const latencies = [];
  const statuses = {};
  const sums = Object.fromEntries(collect.map((h) => [h, { total: 0, max: 0, seen: 0 }]));
  let next = 0;
  const started = performance.now();
  async function client() {
    for (;;) {
      const i = next++;
      if (i >= n || (until && performance.now() >= until)) return;
      const t0 = performance.now();
      const res = await fetch(url, {
        method,
        headers: { "Content-Type": "application/json", ...headers },
        body: method === "GET" ? undefined : typeof body === "function" ? body(i) : body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      for (const h of collect) {
        const v = res.headers.get(h);
        if (v == null) continue;
        const x = Number(v);
        sums[h].total += x;
        sums[h].max = Math.max(sums[h].max, x);
        sums[h].seen++;
      }
      if (pace) await new Promise((r) => setTimeout(r, pace));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const done = latencies.length;
  return { n: done, concurrency, rps: done / seconds, p50: pct(50), p99: pct(99), statuses, ...(collect.length ? { headers: sums } : {}) };
}

export const fmt = (x, d = 1) => (typeof x === "number" ? x.toFixed(d) : String(x));

// A small closed-loop load generator: `concurrency` clients send requests back to back on loopback.
export async function load({ url, method = "POST", body, headers = {}, n, concurrency }) {
  const latencies = [];
  const statuses = {};
  let next = 0;
  const started = performance.now();
  async function client() {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t0 = performance.now();
      const res = await fetch(url, {
        method,
        headers: { "Content-Type": "application/json", ...headers },
        body: method === "GET" ? undefined : typeof body === "function" ? body(i) : body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { n, concurrency, rps: n / seconds, p50: pct(50), p99: pct(99), statuses };
}

export const fmt = (x, d = 1) => (typeof x === "number" ? x.toFixed(d) : String(x));

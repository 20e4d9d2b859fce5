// Page weight of the overview on a first visit, measured in Debian's Chromium against the real stack
// (wrangler dev running the built worker + local D1), with the demo data: 10 components with 90-day bars and
// an open incident. Reports bytes over the wire per request (headers included, as compressed by the
// server), the JavaScript's gzip size, web fonts and render-blocking resources, and the paint times on
// an emulated slow connection; writes bench/results/page-weight.json and exits 1 over budget.
//
//   npx node bench/page-weight.mjs
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { buildSite, CHROMIUM, freePort, prepareDatabase, ROOT, startWorker } from "../scripts/lib.mjs";

const BUDGET = { totalBytes: 10_000, jsGzipBytes: 3_000, fonts: 0, renderBlocking: 0 };
// Chrome DevTools' "Fast 3G" preset (the "Slow 4G" of newer versions): a phone during an outage.
const SLOW = {
  offline: false,
  latency: 562.5,
  downloadThroughput: ((1.44 * 1024 * 1024) / 8) * 0.9,
  uploadThroughput: ((675 * 1024) / 8) * 0.9,
};
const DEMO_KEY = "demogenerickey000000000000000000";

async function stack() {
  const persistTo = mkdtempSync(join(tmpdir(), "status-bench-"));
  prepareDatabase(persistTo);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const site = join(persistTo, "site");
  const config = buildSite(site);
  const worker = await startWorker({ port, persistTo, adminToken: "bench-admin-token-0123456789abcdef0123", config });
  // An incident opened through the real webhook: the page (rendered on request) carries it in its
  // HTML, the heaviest first visit.
  const res = await fetch(`${base}/hooks/generic/${DEMO_KEY}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      dedup_key: "bench-api-5xx",
      action: "trigger",
      severity: "critical",
      summary: "API error rate above 20%",
      details: "Elevated 5xx responses from the API in all regions. We are investigating.",
    }),
  });
  if (res.status !== 202) throw new Error(`demo webhook answered ${res.status}: ${await res.text()}`);
  return {
    base,
    assets: join(site, "client"),
    stop: () => {
      worker.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

/** One first visit (fresh profile, empty cache); every response's bytes on the wire, from CDP. */
async function visit(browser, url, network) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  // A fresh context starts with an empty cache; the cache stays on, as a reader's browser has it (the
  // live script's first check reads the page back from it).
  if (network) await cdp.send("Network.emulateNetworkConditions", network);
  const requests = new Map();
  cdp.on("Network.responseReceived", (e) => {
    requests.set(e.requestId, {
      url: e.response.url,
      type: e.type,
      status: e.response.status,
      encoding: e.response.headers["content-encoding"] ?? e.response.headers["Content-Encoding"] ?? "",
    });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  // The live script's WebSocket (/live): its upgrade's headers both ways and its frames (payload + 2-byte
  // header, + 4 for the client's mask), which CDP reports apart from other requests.
  const headerBytes = (h = {}) => Object.entries(h).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 20);
  cdp.on("Network.webSocketCreated", (e) =>
    requests.set(e.requestId, { url: e.url.replace(/^ws/, "http"), type: "WebSocket", status: 0, encoding: "", bytes: 0 }),
  );
  cdp.on("Network.webSocketWillSendHandshakeRequest", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes += headerBytes(e.request.headers);
  });
  cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { status: e.response.status, bytes: r.bytes + headerBytes(e.response.headers) });
  });
  for (const [event, mask] of [
    ["Network.webSocketFrameSent", 4],
    ["Network.webSocketFrameReceived", 0],
  ])
    cdp.on(event, (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bytes += e.response.payloadData.length + 2 + mask;
    });
  await page.goto(url, { waitUntil: "load" });
  // The live script's first check of the page (from the browser's cache), then quiet.
  await page.waitForFunction(() => /Updated (now|\d+ seconds? ago)/.test(document.querySelector("#updated")?.textContent ?? ""), null, {
    timeout: 60_000,
  });
  await page.waitForLoadState("networkidle");
  const dom = await page.evaluate(() => ({
    blockingScripts: [...document.querySelectorAll("script")].filter(
      (s) => !s.defer && !s.async && s.type !== "module" && (s.src || s.textContent.trim()) && s.closest("head"),
    ).length,
    blockingStylesheets: document.querySelectorAll('link[rel="stylesheet"]:not([media="print"])').length,
    renderBlockingResources: performance.getEntriesByType("resource").filter((r) => r.renderBlockingStatus === "blocking").length,
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
    load: performance.getEntriesByType("navigation")[0]?.loadEventEnd ?? null,
    components: document.querySelectorAll("#components li.c").length,
    bars: document.querySelectorAll("#components .bar").length,
    barDays: document.querySelectorAll("#components .bar i").length,
    openIncidents: document.querySelectorAll("#incidents article").length,
  }));
  await context.close();
  return { requests: [...requests.values()], dom };
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

async function main() {
  const { base, assets, stop } = await stack();
  const browser = await chromium.launch(CHROMIUM);
  try {
    const fast = await visit(browser, `${base}/`);
    const slow = await visit(browser, `${base}/`, SLOW);
    const reqs = fast.requests.filter((r) => !r.url.startsWith("data:"));
    const total = reqs.reduce((n, r) => n + (r.bytes ?? 0), 0);
    const js = readFileSync(join(assets, "live.js"));
    const html = Buffer.from(await (await fetch(`${base}/`)).arrayBuffer());
    const jsGzip = gzipSync(js, { level: 9 }).length;
    const fonts = reqs.filter((r) => r.type === "Font").length;
    const renderBlocking = fast.dom.blockingScripts + fast.dom.blockingStylesheets + fast.dom.renderBlockingResources;
    const result = {
      measured_at: new Date().toISOString(),
      url: "/",
      page: {
        components: fast.dom.components,
        uptime_bars: fast.dom.bars,
        bar_days: fast.dom.barDays,
        open_incidents: fast.dom.openIncidents,
      },
      requests: reqs.map((r) => ({
        path: new URL(r.url).pathname,
        type: r.type,
        status: r.status,
        encoding: r.encoding,
        bytes: r.bytes ?? 0,
      })),
      total_bytes: total,
      html: { raw_bytes: html.length, gzip_bytes: gzipSync(html, { level: 9 }).length },
      js: { raw_bytes: js.length, gzip_bytes: jsGzip },
      fonts,
      render_blocking: renderBlocking,
      slow_connection: {
        profile: "Fast 3G (562.5 ms RTT, 1.3 Mbit/s)",
        first_contentful_paint_ms: Math.round(slow.dom.fcp ?? -1),
        load_ms: Math.round(slow.dom.load ?? -1),
      },
      budget: {
        total_bytes: BUDGET.totalBytes,
        js_gzip_bytes: BUDGET.jsGzipBytes,
        fonts: BUDGET.fonts,
        render_blocking: BUDGET.renderBlocking,
      },
    };
    const checks = [
      ["Total over the wire", kb(total), `≤ ${kb(BUDGET.totalBytes)}`, total <= BUDGET.totalBytes],
      ["JavaScript (gzip)", kb(jsGzip), `≤ ${kb(BUDGET.jsGzipBytes)}`, jsGzip <= BUDGET.jsGzipBytes],
      ["Web fonts", String(fonts), "0", fonts <= BUDGET.fonts],
      ["Render-blocking scripts/styles", String(renderBlocking), "0", renderBlocking <= BUDGET.renderBlocking],
    ];
    result.pass = checks.every((c) => c[3]);

    console.log(
      `\nOverview, first visit, demo data (${result.page.components} components, ${result.page.uptime_bars} uptime bars of ${result.page.bar_days / Math.max(1, result.page.uptime_bars)} days, ${result.page.open_incidents} open incident)\n`,
    );
    console.table(result.requests.map((r) => ({ request: r.path, type: r.type, encoding: r.encoding || "none", "bytes on the wire": r.bytes })));
    console.table(Object.fromEntries(checks.map(([name, value, budget, ok]) => [name, { measured: value, budget, result: ok ? "ok" : "OVER" }])));
    console.log(`HTML ${kb(result.html.raw_bytes)} raw, ${kb(result.html.gzip_bytes)} gzip; JS ${kb(result.js.raw_bytes)} raw`);
    console.log(
      `On ${result.slow_connection.profile}: first contentful paint ${result.slow_connection.first_contentful_paint_ms} ms, load ${result.slow_connection.load_ms} ms`,
    );
    mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
    writeFileSync(join(ROOT, "bench", "results", "page-weight.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log("\nWritten to bench/results/page-weight.json");
    if (!result.pass) process.exitCode = 1;
  } finally {
    await browser.close();
    stop();
  }
}

await main();

// The security probe's reproductions, tried again from outside against the real stack
// (`wrangler dev` as `npm start` runs it, local D1, real HTTP; Chromium's own XML parser for the
// feeds and badges). Each is refused or harmless.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM helper shared with npm start
import { freePort, prepareDatabase, startWorker, workerConfig } from "../../scripts/lib.mjs";
import { launchBrowser } from "./browser";

/** wrangler dev's local D1 files under a persist folder, largest first. */
function sqliteFiles(persist: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".sqlite") && files.push(join(d, e.name));
  };
  walk(join(persist, "v3", "d1"));
  return files.sort((a, b) => statSync(b).size - statSync(a).size);
}

const base = inject("baseUrl");
const token = inject("adminToken");
const persistTo = inject("persistTo");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
// What each test made is removed afterwards (its alerts resolved with its integration), so the other
// e2e files find the demo page as they expect it.
const made: Array<{ integration: string; component: string }> = [];
afterAll(async () => {
  await browser?.close();
  const mine = new Set(made.map((m) => m.component));
  for (const inc of await json(await api("GET", "/incidents?status=open&limit=500")))
    if (inc.components.some((c: { id: string }) => mine.has(c.id))) await api("POST", `/incidents/${inc.id}/updates`, { status: "resolved" });
  for (const m of made) {
    await api("DELETE", `/integrations/${m.integration}`);
    await api("DELETE", `/components/${m.component}?force=true`);
  }
});

const api = async (method: string, path: string, body?: unknown) =>
  fetch(`${base}/admin/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const json = async (res: Response) => {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
const hook = (key: string, body: unknown) =>
  fetch(`${base}/hooks/generic/${key}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const n = () => Math.random().toString(36).slice(2, 8);

async function fixture(extra: Record<string, unknown> = {}) {
  const component = await json(await api("POST", "/components", { name: `Probe ${n()}` }));
  const integration = await json(await api("POST", "/integrations", { name: `probe-${n()}`, source: "generic", component_ids: [component.id], ...extra }));
  made.push({ integration: integration.id, component: component.id });
  return { component, integration };
}
const statusOf = async (id: string) => ((await (await fetch(`${base}/api/v2/components.json`)).json()) as any).components.find((c: any) => c.id === id)?.status;

/** Parsed by Chromium as XML: the parse error, or null. */
async function xmlError(text: string, type: string): Promise<string | null> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      ([t, ty]) => {
        const doc = new DOMParser().parseFromString(t!, ty as DOMParserSupportedType);
        const err = doc.getElementsByTagName("parsererror")[0];
        return err ? (err.textContent ?? "parsererror") : null;
      },
      [text, type],
    );
  } finally {
    await page.close();
  }
}

describe("the probe's reproductions, against the running stack", () => {
  it("1. a sender echoing its webhook URL publishes no key anywhere", async () => {
    const { integration } = await fixture({ public_text: "full" });
    expect(
      (
        await hook(integration.key, {
          dedup_key: "echo",
          action: "trigger",
          severity: "critical",
          summary: `POST ${integration.webhook_url} failed`,
          details: `key=${integration.key}`,
        })
      ).status,
    ).toBe(202);
    const [inc] = ((await (await fetch(`${base}/api/v2/incidents.json`)).json()) as any).incidents.filter((i: any) => i.name.includes("[redacted key]"));
    expect(inc).toBeTruthy();
    for (const path of ["/api/v2/summary.json", "/api/v2/incidents.json", `/incidents/${inc.id}`, "/history.rss", "/history.atom"])
      expect(await (await fetch(`${base}${path}`)).text(), path).not.toContain(integration.key);
  });

  it("2. control characters and ANSI codes: feeds and badges still parse as XML; bidi text is isolated", async () => {
    const hostile = "\u001b[31mDB\u0000 down\u0007\u001b[0m \u202eevil\u202c";
    const { component, integration } = await fixture({ public_text: "full" });
    await json(await api("PATCH", `/components/${component.id}`, { name: `Bad\u0000 name\u001b[1m ${n()}` }));
    expect(
      (
        await hook(integration.key, {
          dedup_key: "ctl",
          action: "trigger",
          severity: "critical",
          summary: hostile,
          details: "\u0000\u001b[33mwarn",
        })
      ).status,
    ).toBe(202);
    const slug = (await json(await api("GET", `/components/${component.id}`))).slug;
    for (const [path, type] of [
      ["/history.rss", "application/xml"],
      ["/history.atom", "application/xml"],
      ["/badge.svg", "image/svg+xml"],
      [`/badge/${slug}.svg`, "image/svg+xml"],
    ] as const) {
      const body = await (await fetch(`${base}${path}`)).text();
      expect(await xmlError(body, type), path).toBeNull();
    }
    // The alert's title carries a right-to-left override: isolated (FSI … PDI) where no markup can.
    expect(await (await fetch(`${base}/history.rss`)).text()).toContain("\u2068");
  });

  it("3. disabling an integration while its alert fires leaves no component in outage; an operator can dismiss any alert", async () => {
    const { component, integration } = await fixture();
    await hook(integration.key, { dedup_key: "stuck", action: "trigger", severity: "critical", summary: "down" });
    expect(await statusOf(component.id)).toBe("major_outage");
    await json(await api("PATCH", `/integrations/${integration.id}`, { disabled: true }));
    expect(await statusOf(component.id)).toBe("operational");
    const second = await fixture();
    await hook(second.integration.key, { dedup_key: "dismiss", action: "trigger", severity: "critical", summary: "down" });
    const [alert] = (await json(await api("GET", "/alerts?firing=1&limit=500"))).filter((a: any) => a.integration_id === second.integration.id);
    await json(await api("POST", `/alerts/${alert.id}/resolve`));
    expect(await statusOf(second.component.id)).toBe("operational");
    expect((await json(await api("DELETE", `/integrations/${second.integration.id}`))).deleted).toBe(true);
  });

  it("4. a cookie replayed after sign-out opens nothing", async () => {
    const login = await fetch(`${base}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
      body: new URLSearchParams({ token, name: "probe" }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    expect(cookie).toMatch(/^__Host-admin_session=/);
    const page = await (await fetch(`${base}/admin`, { headers: { Cookie: cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const out = await fetch(`${base}/admin/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: base },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(out.status).toBe(303);
    expect((await fetch(`${base}/admin`, { headers: { Cookie: cookie } })).status).toBe(401);
    const write = await fetch(`${base}/admin/groups`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: base },
      body: new URLSearchParams({ _csrf: csrf, name: "replayed" }).toString(),
    });
    expect(write.status).toBe(401);
  });

  // While a limit holds every attempt is refused, the right token included. Where the client
  // address is not trusted (wrangler dev, as npm start runs it) every client shares one bucket, so this
  // locks the API for the window: it runs on a stack of its own, not the one the other files share.
  it("5. 40 wrong bearer tokens get a 429 with Retry-After, whatever CF-Connecting-IP they claim, and the right one waits too", async () => {
    const own = mkdtempSync(join(tmpdir(), "status-e2e-limits-"));
    prepareDatabase(own);
    const adminToken = "e2e-limits-admin-token-0123456789abcdef";
    const worker = await startWorker({ port: await freePort(), persistTo: own, adminToken, config: workerConfig(inject("siteDir")) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await fetch(`${worker.url}/admin/api/components`, {
          headers: { Authorization: `Bearer guess-${i}-0123456789abcdef0123456789`, "CF-Connecting-IP": `10.9.8.${i}` },
        });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(20);
      expect(statuses.at(-1)).toBe(429);
      const right = await fetch(`${worker.url}/admin/api/components`, { headers: { Authorization: `Bearer ${adminToken}` } });
      expect(right.status).toBe(429);
      // Counted, not written row by row: one counter for the shared bucket this hour.
      const db = new DatabaseSync(sqliteFiles(own)[0]!, { readOnly: true });
      try {
        expect(db.prepare("SELECT failures, refused FROM failed_attempts WHERE kind = 'bearer' AND client = 'shared'").all()).toEqual([
          { failures: 20, refused: 21 },
        ]);
        expect(db.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'bearer.%'").get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    } finally {
      worker.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("6. 150 × 100 KB posts to unknown keys grow D1 by less than 256 KB", async () => {
    // The database's own size (pages in use, the write-ahead log's committed pages included), read
    // by SQLite itself from wrangler dev's local D1 file.
    const dir = join(persistTo, "v3", "d1");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".sqlite") && files.push(join(d, e.name));
    };
    walk(dir);
    const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const size = () => {
      const db = new DatabaseSync(file, { readOnly: true });
      try {
        const pages = (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
        const free = (db.prepare("PRAGMA freelist_count").get() as { freelist_count: number }).freelist_count;
        const pageSize = (db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size;
        return (pages - free) * pageSize;
      } finally {
        db.close();
      }
    };
    const before = size();
    const body = JSON.stringify({
      dedup_key: "junk",
      action: "trigger",
      severity: "critical",
      summary: "junk",
      details: "x".repeat(100 * 1024 - 100),
    });
    for (let i = 0; i < 150; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => hook(`unknown${String((i + j) % 7)}${"0".repeat(24)}`, body)));
    const grown = size() - before;
    console.log(`D1 grew by ${grown} bytes for 150 × 100 KB refused posts`);
    expect(grown).toBeLessThan(256 * 1024);
    // The control: the same measure sees what a real key's deliveries store (the alerts' details).
    const { integration } = await fixture();
    // (each keeps a 4 KB payload in the delivery log and 4 KB of details in its alert)
    for (let i = 0; i < 40; i += 10)
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) =>
          expect((await hook(integration.key, JSON.stringify({ ...JSON.parse(body), dedup_key: `real-${i + j}` }))).status).toBe(202),
        ),
      );
    expect(size() - before - grown).toBeGreaterThan(200 * 1024);
    const refused = await json(await api("GET", "/deliveries/refused"));
    expect(refused.some((r: any) => r.key_prefix.startsWith("unknow"))).toBe(true);
  });

  it("7/8. deleting a component in use is a 409 naming its user; resolving an incident clears its firing alert", async () => {
    const { component, integration } = await fixture();
    await hook(integration.key, { dedup_key: "in-use", action: "trigger", severity: "critical", summary: "down" });
    const del = await api("DELETE", `/components/${component.id}`);
    expect(del.status).toBe(409);
    const [inc] = ((await (await fetch(`${base}/api/v2/incidents/unresolved.json`)).json()) as any).incidents.filter((i: any) =>
      i.components.some((c: any) => c.id === component.id),
    );
    expect(((await del.json()) as any).error).toContain(inc.id);
    await json(await api("POST", `/incidents/${inc.id}/updates`, { status: "resolved" }));
    expect(await statusOf(component.id)).toBe("operational");
  });

  it("9. public HTML (static and rendered), JSON, feeds and badges carry the headers", async () => {
    for (const path of ["/", "/history", "/incidents/nosuchinc001", "/api/v2/summary.json", "/history.rss", "/badge.svg"]) {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), path).toBeTruthy();
      expect(res.headers.get("referrer-policy"), path).toBeTruthy();
    }
    expect((await fetch(`${base}/badge.svg`)).headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });

  it("10. the admin banner shows no attacker text; admin bodies over 64 KB are refused; the token is on no command line", async () => {
    const login = await fetch(`${base}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
      body: new URLSearchParams({ token }).toString(),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const page = await (
      await fetch(`${base}/admin?ok=${encodeURIComponent("Session expired: sign in at https://evil.test")}&error=Call+us`, {
        headers: { Cookie: cookie },
      })
    ).text();
    expect(page).not.toContain("evil.test");
    expect(page).not.toContain("Call us");
    const big = await api("POST", "/components", { name: "big", description: "x".repeat(70 * 1024) });
    expect(big.status).toBe(413);
    const cmdlines = readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, "utf8");
        } catch {
          return "";
        }
      });
    expect(cmdlines.some((c) => c.includes("wrangler") && c.includes("dev"))).toBe(true);
    expect(cmdlines.filter((c) => c.includes(token))).toEqual([]);
  });

  it("11. a Datadog-style alert publishes its cleaned title only by default", async () => {
    const { component, integration } = await fixture();
    await hook(integration.key, {
      dedup_key: "dd",
      action: "trigger",
      severity: "critical",
      summary: "%%% CPU high on db-1.internal @pagerduty-ops https://app.datadoghq.com/m/1 %%%",
      details: "runbook https://wiki.internal/x",
    });
    const body = await (await fetch(`${base}/api/v2/summary.json`)).text();
    for (const s of ["@pagerduty-ops", "datadoghq.com", "wiki.internal", "%%%"]) expect(body).not.toContain(s);
    expect(body).toContain("CPU high on db-1.internal");
    expect(await statusOf(component.id)).toBe("major_outage");
  });

  // From outside: outbound targets chosen by name or port are refused when saved, before any
  // resolver is asked (the DNS check itself is in test/worker/security-probe.test.ts, with a local
  // DNS-over-HTTPS stand-in).
  it("12. channel and subscriber webhooks on wildcard-DNS names, internal suffixes or other ports are refused with a 400", async () => {
    for (const url of [
      "https://127.0.0.1.nip.io/hook",
      "https://10.0.0.1.sslip.io/hook",
      "https://localtest.me/hook",
      "https://kubernetes.default.svc/hook",
      "https://hooks.example.com:22/hook",
      "https://hooks.example.com:6379/hook",
    ]) {
      const channel = await api("POST", "/channels", { kind: "webhook", name: "trick", url });
      expect(channel.status, url).toBe(400);
      expect(((await channel.json()) as { field: string }).field).toBe("url");
      const sub = await fetch(`${base}/subscriptions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: "tricks@example.com", webhook_url: url }),
      });
      expect([400, 429], url).toContain(sub.status);
      if (sub.status === 400) expect(((await sub.json()) as { field: string }).field).toBe("webhook_url");
    }
  });
});

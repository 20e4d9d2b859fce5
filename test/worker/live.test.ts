// Open tabs are told of changes: GET /live upgrades to a WebSocket held by a hub shard (worker/live-hub.ts,
// hibernation API); every committed change the public page shows (a delivery, an operator's action, a
// catalog write) sends each socket of the page "changed"; keep-alive pings are answered by the runtime.
// A hub that cannot be told never fails or delays the write, and a full hub answers 503 (the tab polls).
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveHub } from "../../worker/live-hub";
import { admin, BASE, createComponent, createIntegration, post, unique } from "./helpers";

vi.setConfig({ testTimeout: 30_000 });

const SHARDS = 8; // LIVE_SHARDS' default
const shard = (k: number) => env.LIVE_HUB.get(env.LIVE_HUB.idFromName(`1:${k}`));
const everyShard = <T>(f: (hub: LiveHub) => T) => Promise.all(Array.from({ length: SHARDS }, (_, k) => runInDurableObject(shard(k), f)));

/** A tab's socket: the messages it got, in order. */
async function openTab(query = "") {
  const res = await SELF.fetch(`${BASE}/live${query}`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const got: string[] = [];
  ws.addEventListener("message", (e) => got.push(String(e.data)));
  ws.accept();
  return { ws, got };
}
const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("GET /live", () => {
  let key = "";
  let componentId = "";
  beforeAll(async () => {
    componentId = (await createComponent("Live")).id;
    key = (await createIntegration("generic", [componentId])).key;
  });

  it("is a WebSocket only: a plain GET is a 426 naming the upgrade", async () => {
    const res = await SELF.fetch(`${BASE}/live`);
    expect(res.status).toBe(426);
    expect(((await res.json()) as { error: string }).error).toMatch(/Upgrade: websocket/);
  });

  it("spreads tabs over the shards, tagged with the page and the tab's language", async () => {
    const tabs = await Promise.all(Array.from({ length: 24 }, (_, i) => openTab(i % 2 ? "?lang=de" : "")));
    const counts = await everyShard((hub) => [hub.sockets(), hub.sockets("1:de")]);
    expect(counts.reduce((n, [all]) => n + all!, 0)).toBeGreaterThanOrEqual(24);
    expect(counts.filter(([all]) => all! > 0).length, JSON.stringify(counts)).toBeGreaterThan(1);
    expect(counts.reduce((n, [, de]) => n + de!, 0)).toBeGreaterThanOrEqual(12);
    for (const t of tabs) t.ws.close(1000, "done");
  });

  it("a keep-alive ping is answered pong", async () => {
    const tab = await openTab();
    tab.ws.send("ping");
    await until(() => tab.got.includes("pong"));
    tab.ws.close(1000, "done");
  });

  it("a delivery that changes the page reaches every connected tab of it, before its 2xx is answered or just after", async () => {
    const tabs = await Promise.all(Array.from({ length: 10 }, () => openTab()));
    const res = await post(`/hooks/generic/${key}`, { dedup_key: unique("live"), action: "trigger", severity: "critical", summary: "Live push" });
    expect(res.status).toBe(202);
    await until(() => tabs.every((t) => t.got.includes("changed")), 3_000);
    // An operator's action and a catalog write too.
    for (const t of tabs) t.got.length = 0;
    expect((await admin("PUT", `/components/${componentId}/status`, { status: "degraded_performance" })).status).toBe(200);
    await until(() => tabs.every((t) => t.got.includes("changed")), 3_000);
    for (const t of tabs) t.got.length = 0;
    expect((await admin("PATCH", `/components/${componentId}`, { description: "Pushed" })).status).toBe(200);
    await until(() => tabs.every((t) => t.got.includes("changed")), 3_000);
    for (const t of tabs) t.ws.close(1000, "done");
  });

  it("a change tells nothing to a tab that left", async () => {
    const stay = await openTab();
    const leave = await openTab();
    leave.ws.close(1000, "bye");
    await new Promise((r) => setTimeout(r, 100));
    await post(`/hooks/generic/${key}`, { dedup_key: unique("live"), action: "trigger", severity: "error", summary: "Live push 2" });
    await until(() => stay.got.includes("changed"));
    expect(leave.got).not.toContain("changed");
    stay.ws.close(1000, "done");
  });

  it("a hub that fails to be told never fails the delivery: 202, and the page shows it", async () => {
    const c = await createComponent("Live down");
    const down = (await createIntegration("generic", [c.id])).key;
    // Every shard's `changed` throws (patched on the class, where RPC finds methods), then is restored.
    const [original] = await everyShard((hub) => {
      const proto = Object.getPrototypeOf(hub) as LiveHub;
      const was = proto.changed;
      proto.changed = () => {
        throw new Error("hub down");
      };
      return was;
    });
    const tab = await openTab();
    try {
      const res = await post(`/hooks/generic/${down}`, { dedup_key: unique("live"), action: "trigger", severity: "critical", summary: "Hub down" });
      expect(res.status).toBe(202);
      const page = await (await SELF.fetch(`${BASE}/`)).text();
      expect(page).toMatch(new RegExp(`data-id="${c.id}"[^]*?data-status="major_outage"`));
      await new Promise((r) => setTimeout(r, 200));
      expect(tab.got).not.toContain("changed");
    } finally {
      await everyShard((hub) => {
        (Object.getPrototypeOf(hub) as LiveHub).changed = original!;
      });
      tab.ws.close(1000, "done");
    }
  });

  it("full shards answer 503 (the tab polls), and take tabs again once there is room", async () => {
    await everyShard((hub) => {
      hub.maxSockets = 0;
    });
    const res = await SELF.fetch(`${BASE}/live`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/full: poll instead/);
    await everyShard((hub) => {
      hub.maxSockets = 10_000;
    });
    (await openTab()).ws.close(1000, "done");
  });
});

// Last: the page made private, for the rest of this file.
describe("GET /live on a private page", () => {
  const BASIC = { name: "Acme Internal", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };
  const PASSWORD = "correct horse battery staple";

  it("gives a stranger the gate's 401 and no socket; a reader who signed in gets one", async () => {
    expect((await admin("PUT", "/settings", { ...BASIC, visibility: "private", page_password: PASSWORD })).status).toBe(200);
    const stranger = await SELF.fetch(`${BASE}/live`, { headers: { Upgrade: "websocket" } });
    expect(stranger.status).toBe(401);
    expect(stranger.webSocket).toBeNull();

    const signedIn = await SELF.fetch(`${BASE}/access`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: PASSWORD, next: "/" }),
      redirect: "manual",
    });
    const cookie = /page_access=([^;]+)/.exec(signedIn.headers.get("Set-Cookie") ?? "")?.[1];
    expect(cookie).toBeTruthy();
    const reader = await SELF.fetch(`${BASE}/live`, { headers: { Upgrade: "websocket", Cookie: `page_access=${cookie}` } });
    expect(reader.status).toBe(101);
    reader.webSocket!.accept();
    reader.webSocket!.close(1000, "done");
  });
});

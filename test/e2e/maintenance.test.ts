// Maintenance that tells people, as an operator tries it against the real stack (wrangler dev, local D1,
// the real queue, the cron handler through the endpoint `wrangler dev --test-scheduled` opens, run at the
// times Cloudflare would run it): a maintenance scheduled 2 hours ahead reaches a channel at once,
// 60 minutes before, at start and at end, each once however often the cron runs.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type NotifyCapture, startNotifyCapture } from "../support/notify-capture";

const base = inject("baseUrl");
const auth = { Authorization: `Bearer ${inject("adminToken")}`, "Content-Type": "application/json" };
const adminApi = (method: string, path: string, body?: unknown) =>
  fetch(`${base}/admin/api${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
/** One cron run, as Cloudflare would make it at `at` (ms). */
const cron = async (at: number) => {
  const res = await fetch(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${at}`);
  expect(res.status).toBe(200);
};
const minute = 60_000;

let capture: NotifyCapture;
let channelId = "";
let componentId = "";
beforeAll(async () => {
  capture = await startNotifyCapture();
});
afterAll(async () => {
  if (channelId) await adminApi("DELETE", `/channels/${channelId}`);
  if (componentId) expect((await adminApi("DELETE", `/components/${componentId}?force=true`)).status).toBe(204);
  await capture?.close();
});

/** The event types the channel received, in order of arrival, once `n` arrived (or 30 s passed). */
async function told(path: string, n: number): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  const types = () =>
    capture.requests
      .filter((r) => r.path === path)
      .map((r) => {
        const body = JSON.parse(r.body) as { incident?: { status: string } };
        return `${r.headers["webhook-id"]?.startsWith("ntc") ? "reminder" : body.incident?.status}`;
      });
  while (types().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return types();
}

describe("a maintenance scheduled 2 hours ahead, under wrangler dev", () => {
  it("is told at once, 60 minutes before, at start and at end, each once", async () => {
    componentId = ((await (await adminApi("POST", "/components", { name: `E2E maintenance ${Date.now().toString(36)}` })).json()) as { id: string }).id;
    const path = `/ok/e2e-maint-${Date.now().toString(36)}`;
    const channel = await adminApi("POST", "/channels", { kind: "webhook", name: "e2e maint", url: `${capture.url}${path}`, component_ids: [componentId] });
    expect(channel.status).toBe(201);
    channelId = ((await channel.json()) as { id: string }).id;
    const start = Math.ceil(Date.now() / minute) * minute + 120 * minute;
    const res = await adminApi("POST", "/maintenances", {
      name: "E2E database upgrade",
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 30 * minute).toISOString(),
      component_ids: [componentId],
    });
    expect(res.status).toBe(201);
    expect(await told(path, 1)).toEqual(["scheduled"]);
    await cron(start - 61 * minute);
    await cron(start - 60 * minute);
    await cron(start - 59 * minute);
    expect(await told(path, 2)).toEqual(["scheduled", "reminder"]);
    await cron(start);
    await cron(start);
    expect(await told(path, 3)).toEqual(["scheduled", "reminder", "in_progress"]);
    await cron(start + 30 * minute);
    await cron(start + 31 * minute);
    expect(await told(path, 4)).toEqual(["scheduled", "reminder", "in_progress", "completed"]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await told(path, 4)).toHaveLength(4);
  });
});

// Helpers for the worker integration tests: everything goes through the worker's real fetch handler.
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";

export const ADMIN = { Authorization: "Bearer test-admin-token-0123456789abcdef0123", "Content-Type": "application/json" };
export const BASE = "https://status.test";

let counter = 0;
/** A slug unique to this run, so tests sharing one D1 never collide. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return SELF.fetch(`${BASE}/admin/api${path}`, { method, headers: ADMIN, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function createComponent(name: string, extra: Record<string, unknown> = {}) {
  const res = await admin("POST", "/components", { name, slug: unique(name.toLowerCase().replace(/\W+/g, "-")), ...extra });
  if (res.status !== 201) throw new Error(`component: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; slug: string; name: string; status: string };
}

export async function createIntegration(source: string, componentIds: string[] = [], extra: Record<string, unknown> = {}) {
  const res = await admin("POST", "/integrations", { name: unique(source), source, component_ids: componentIds, ...extra });
  if (res.status !== 201) throw new Error(`integration: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string; webhook_url: string };
}

export async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function summary() {
  const res = await SELF.fetch(`${BASE}/api/v2/summary.json`);
  if (res.status !== 200) throw new Error(`summary: ${res.status}`);
  return (await res.json()) as {
    status: { indicator: string; description: string };
    components: Array<{ id: string; name: string; status: string; group: boolean; group_id: string | null; components?: string[] }>;
    incidents: Array<{
      id: string;
      name: string;
      status: string;
      impact: string;
      components: Array<{ id: string }>;
      incident_updates: Array<{ status: string; body: string; affected_components: unknown }>;
    }>;
  };
}

export const componentStatus = async (id: string) => (await summary()).components.find((c) => c.id === id)?.status;
export const incidentsOn = async (componentId: string) => (await summary()).incidents.filter((i) => i.components.some((c) => c.id === componentId));

/** Rows of a table, read straight from D1 (no mocks). */
export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

export async function tableCounts(): Promise<Record<string, number>> {
  const tables = ["alerts", "alert_components", "incidents", "incident_updates", "incident_components", "component_status_changes", "components"];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = (await env.DB.prepare(`SELECT count(*) AS n FROM ${t}`).first<{ n: number }>())!.n;
  return out;
}

/** The Ingestor's inbox as operators see it (GET /admin/api/ingest). */
export interface InboxStatus {
  backlog: { deliveries: number; bytes: number; oldestAcceptedAt: string | null };
  lastError: string | null;
  failures: number;
  nextRetryAt: string | null;
  appliedSeq: number | null;
}
export const inbox = async () => (await (await admin("GET", "/ingest")).json()) as InboxStatus;
/** Retry the projection now (operators have the same button) rather than wait for the backoff alarm. */
export const drained = async () => {
  const status = (await (await admin("POST", "/ingest/retry")).json()) as InboxStatus;
  expect(status.backlog.deliveries, status.lastError ?? "").toBe(0);
  return status;
};

// The management API (/v1) for the worker tests: operator keys written straight to D1 (as admin writes
// them: the SHA-256 only), pages, calls, and Atlassian's published OpenAPI document with its answers'
// schemas, corrected where Statuspage's real answers differ from it (docs/statuspage.md lists each).

import { env, SELF } from "cloudflare:test";
import { Validator } from "@cfworker/json-schema";
import { expect } from "vitest";
import spec from "../../docs/statuspage/openapi.json";
import { BASE, unique } from "./helpers";

const hex = async (s: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)))].map((b) => b.toString(16).padStart(2, "0")).join("");
const id12 = () =>
  unique("x")
    .replace(/[^a-z0-9]/g, "")
    .slice(-12)
    .padStart(12, "k");

/** A new operator key, for these pages (null: every page); returns the key itself. */
export async function apiKey(pages: number[] | null = null, opts: { revoked?: boolean } = {}): Promise<string> {
  const key = `sk_${crypto.randomUUID().replace(/-/g, "")}${id12()}`;
  await env.DB.prepare(
    "INSERT INTO api_keys (id, name, key_hash, key_prefix, pages, created_at, created_by, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'test', ?7)",
  )
    .bind(
      id12(),
      unique("key"),
      await hex(key),
      key.slice(0, 7),
      pages ? JSON.stringify(pages) : null,
      new Date().toISOString(),
      opts.revoked ? new Date().toISOString() : null,
    )
    .run();
  return key;
}

/** Page 1's Statuspage id, its row written if it never was. */
export async function firstPageId(): Promise<string> {
  await env.DB.prepare(
    "INSERT OR IGNORE INTO page_settings (id, page_id, name, slug, position, updated_at) VALUES (1, 'page00000000', 'Status', 'main', 0, ?1)",
  )
    .bind(new Date().toISOString())
    .run();
  return (await env.DB.prepare("SELECT page_id FROM page_settings WHERE id = 1").first<{ page_id: string }>())!.page_id;
}

/** A second page: its number and Statuspage id. */
export async function otherPage(): Promise<{ page: number; pageId: string }> {
  await firstPageId();
  const pageId = id12();
  const row = await env.DB.prepare(
    "INSERT INTO page_settings (id, page_id, name, slug, position, updated_at) SELECT max(id) + 1, ?1, ?2, ?3, max(position) + 1, ?4 FROM page_settings RETURNING id",
  )
    .bind(pageId, `Other ${pageId}`, `p-${pageId}`, new Date().toISOString())
    .first<{ id: number }>();
  return { page: row!.id, pageId };
}

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** One call with `Authorization: OAuth <key>` (or none), the answer parsed. */
export async function v1(key: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await SELF.fetch(`${BASE}/v1${path}`, {
    method,
    headers: { ...(key ? { Authorization: `OAuth ${key}` } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // left as text: the test says what it expected
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

// ── Atlassian's document, and where Statuspage answers otherwise ────────────

type Schema = Record<string, unknown>;
type Spec = {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema: Schema }> }>; requestBody?: { content: Record<string, { schema: Schema }> } }
    >
  >;
  components: { schemas: Record<string, Schema> };
};
const document = spec as unknown as Spec;

/**
 * Corrections of the published document, each what Statuspage's API really answers:
 * - no property is marked nullable, but absent values are answered as null;
 * - a group's `components` is an array of ids, not a string, and its `position` an integer;
 * - an incident's `metadata` has the non-type "json": it is an object;
 * - `postmortem_published_at` is a time, not a boolean;
 * - an update's `affected_components` are objects ({code, name, old_status, new_status}), not strings;
 * - a subscriber's `components` is an array of ids, not a string.
 */
function corrected(): Record<string, Schema> {
  const schemas = structuredClone(document.components.schemas) as Record<string, { properties?: Record<string, Schema> }>;
  const props = (name: string) => schemas[name]!.properties!;
  props("GroupComponent").components = { type: "array", items: { type: "string" } };
  props("GroupComponent").position = { type: "integer" };
  props("Incident").metadata = { type: "object" };
  props("Incident").postmortem_published_at = { type: "string", format: "date-time" };
  props("IncidentUpdate").affected_components = {
    type: "array",
    items: {
      type: "object",
      required: ["code", "name", "old_status", "new_status"],
      properties: { code: { type: "string" }, name: { type: "string" }, old_status: { type: "string" }, new_status: { type: "string" } },
    },
  };
  props("Subscriber").components = { type: "array", items: { type: "string" } };
  const nullable = (s: Schema): Schema => {
    const out: Schema = { ...s };
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (out.enum) out.enum = [...(out.enum as unknown[]), null];
    if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, Schema>).map(([k, v]) => [k, nullable(v)]));
    if (out.items) out.items = nullable(out.items as Schema);
    return out;
  };
  return Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, nullable(v as Schema)]));
}
const schemas = corrected();

/** `#/components/schemas/X` resolved within the corrected schemas (the validator gets them as $defs). */
const validators = new Map<string, Validator>();
function validator(schema: Schema): Validator {
  const key = JSON.stringify(schema);
  const known = validators.get(key);
  if (known) return known;
  const root = JSON.parse(JSON.stringify({ ...schema, $defs: schemas }).replaceAll("#/components/schemas/", "#/$defs/"));
  const made = new Validator(root, "2019-09", false);
  validators.set(key, made);
  return made;
}

/** The document's path template (`/pages/{page_id}/incidents/{incident_id}`) for a concrete path, or null. */
export function templateOf(path: string): string | null {
  const bare = path.split("?")[0]!.replace(/\.json$/, "");
  for (const template of Object.keys(document.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (re.test(bare)) return template;
  }
  return null;
}

/** Checks an answer against the document's schema for its path, method and status; returns the operation checked. */
export function checkAnswer(method: string, path: string, answer: Answer): string {
  const template = templateOf(path);
  expect(template, `${path} is not in Atlassian's document`).not.toBeNull();
  const op = document.paths[template!]![method.toLowerCase()];
  expect(op, `${method} ${template} is not in Atlassian's document`).toBeDefined();
  // An error the document does not list for this operation (it lists few) is still in its error shape.
  const error = { content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEntity" } } } };
  const response = op!.responses[String(answer.status)] ?? (answer.status >= 400 ? error : undefined);
  expect(response, `${method} ${template} answered ${answer.status}, which the document does not list`).toBeDefined();
  const schema = response!.content?.["application/json"]?.schema;
  if (schema) {
    const result = validator(schema).validate(answer.body);
    expect(result.errors.slice(0, 5), `${method} ${template} ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`).toEqual([]);
  } else {
    expect([null, ""], `${method} ${template} ${answer.status} has no body in the document`).toContain(answer.body);
  }
  return `${method.toUpperCase()} ${template}`;
}

/** Checks a request body against the document's request schema for its path and method (a generated client sends no other). */
export function checkRequest(method: string, path: string, body: unknown): void {
  const template = templateOf(path)!;
  const schema = document.paths[template]![method.toLowerCase()]!.requestBody?.content["application/json"]?.schema;
  expect(schema, `${method} ${template} takes no body in the document`).toBeDefined();
  const result = validator(schema!).validate(body);
  expect(result.errors.slice(0, 5), `request ${method} ${template}`).toEqual([]);
}

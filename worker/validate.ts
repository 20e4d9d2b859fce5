import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { HttpError } from "./errors";
import { cleanDeep } from "./security/text";

/**
 * The first issue as the API's error: a 400 naming the field ("`components[0]` must be …"). A field
 * the body may not hold (every admin body is strict) is named itself: a typo is never silently dropped.
 */
function issueError(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }> }): HttpError {
  const issue = error.issues[0]!;
  const unknown = issue.code === "unrecognized_keys" && issue.keys?.length ? issue.keys[0]! : undefined;
  const path = unknown === undefined ? issue.path : [...issue.path, unknown];
  const field = path.length ? path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${String(p)}` : String(p))).join("") : "body";
  const message =
    unknown !== undefined && /^Unrecognized key/.test(issue.message) ? "is not a known field here" : issue.message.replace(/^Invalid input: /, "");
  return new HttpError(400, `\`${field}\` ${message}`, field);
}

/**
 * Parses `data` with `schema`, or throws a 400 naming the first bad field. Every string is cleaned of
 * ANSI escapes and XML-forbidden characters first (security/text.ts): operators paste CI output too.
 */
export function validate<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const result = schema.safeParse(cleanDeep(data));
  if (result.success) return result.data;
  throw issueError(result.error);
}

/** The one hook of every validator: a failure is thrown as the field-naming HttpError. */
const hook = (result: { success: true } | { success: false; error: Parameters<typeof issueError>[0] }) => {
  if (!result.success) throw issueError(result.error);
};
// Strings cleaned as `validate` cleans them. (zod-validator types its result with zod's classic
// build; the value is the same.)
const cleaned = { validationFunction: (schema: z.ZodType, value: unknown) => schema.safeParseAsync(cleanDeep(value)) } as {
  validationFunction: never;
};

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * The body as JSON whatever its Content-Type says (scripts often send none), malformed JSON a 400
 * naming `body`: Hono's json validator reads only bodies labelled JSON, and answers its own text.
 */
const readJson: MiddlewareHandler = async (c, next) => {
  await jsonBody(c.req); // kept in the request's body cache for the validator
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim();
  if (!JSON_TYPE.test(type)) {
    const headers = new Headers(c.req.raw.headers);
    headers.set("Content-Type", "application/json");
    c.req.raw = new Request(c.req.url, { method: c.req.method, headers });
  }
  await next();
};

/** The body as JSON, or a 400 naming `body`: for routes that take a form or JSON and validate either. */
export async function jsonBody(req: { json: () => Promise<unknown> }): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new HttpError(400, "`body` is not valid JSON", "body");
  }
}

/** A JSON body through `schema` (cleaned first, as `validate`): the handler reads `c.req.valid("json")`. */
export const json = <T extends z.ZodType>(schema: T) => [readJson, zValidator("json", schema, hook, cleaned)] as const;

/** The query through `schema`: the handler reads `c.req.valid("query")`. */
export const query = <T extends z.ZodType>(schema: T) => zValidator("query", schema, hook, cleaned);

const pathId = z.object({ id: z.string().regex(/^[a-z0-9]{12}$/) });

/** A path `:id` (12 lowercase letters and digits), or a 404 naming `what` before any query. */
export const paramId = (what = "resource") =>
  zValidator("param", pathId, (result, c) => {
    if (!result.success) throw new HttpError(404, `no such ${what}: ${JSON.stringify((c.req.param("id") ?? "").slice(0, 40))}`);
  });

export const param = paramId();

// ── Query fields ────────────────────────────────────────────────────────────

/** A query value from `allowed`; absent or empty is `fallback`. */
export function oneOf<const T extends readonly [string, ...string[]]>(allowed: T): z.ZodType<T[number] | undefined, string | undefined>;
export function oneOf<const T extends readonly [string, ...string[]]>(allowed: T, fallback: T[number]): z.ZodType<T[number], string | undefined>;
export function oneOf<const T extends readonly [string, ...string[]]>(allowed: T, fallback?: T[number]) {
  const choice = z.enum(allowed, { error: `must be one of ${allowed.join(", ")}` });
  // Not .optional() when there is a fallback: zod leaves an absent key out without running an optional schema.
  return z
    .string()
    .optional()
    .transform((v) => v || fallback)
    .pipe(fallback === undefined ? choice.optional() : choice);
}

/** `limit`: an integer from 1 to 500. */
export const limit = z
  .string()
  .transform(Number)
  .refine((n) => Number.isInteger(n) && n >= 1 && n <= 500, "must be an integer from 1 to 500")
  .optional();

/** A flag: "1" or "true" is set, anything else is not. */
export const flag = z
  .string()
  .optional()
  .transform((v) => v === "1" || v === "true");

/** A free-text filter: empty is absent. */
export const text = z
  .string()
  .optional()
  .transform((v) => v || undefined);

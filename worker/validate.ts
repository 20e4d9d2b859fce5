import type { z } from "zod";
import { HttpError } from "./errors";
import { cleanDeep } from "./security/text";

/**
 * Parses `data` with `schema`, or throws a 400 naming the first bad field. Every string is cleaned of
 * ANSI escapes and XML-forbidden characters first (security/text.ts): operators paste CI output too.
 */
export function validate<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const result = schema.safeParse(cleanDeep(data));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${String(p)}` : String(p))).join("") : "body";
  throw new HttpError(400, `\`${field}\` ${issue.message.replace(/^Invalid input: /, "")}`, field);
}

export async function jsonBody(req: { json: () => Promise<unknown> }): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new HttpError(400, "`body` is not valid JSON", "body");
  }
}

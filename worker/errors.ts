import { HTTPException } from "hono/http-exception";

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** An error whose message is safe to show the caller: the one onError renders it as JSON. */
export class HttpError extends HTTPException {
  declare readonly status: ErrorStatus;

  constructor(
    status: ErrorStatus,
    message: string,
    readonly field?: string,
  ) {
    super(status, { message });
  }
}

/** A payload a sender will never get right by retrying: always a 400 naming the field. */
export class PayloadError extends HttpError {
  constructor(field: string, message: string) {
    super(400, `\`${field}\` ${message}`, field);
  }
}

/**
 * D1's refusal of a row that would repeat a unique column ("UNIQUE constraint failed: components.slug"),
 * as the 409 naming that column; a check in the code can lose a race, the constraint cannot.
 */
export function uniqueViolation(err: unknown): HttpError | null {
  // A unique index per page ("components.page, components.slug") names the column after the page.
  const m = /UNIQUE constraint failed: (\w+)\.(\w+)(?:, \w+\.(\w+))*/.exec(err instanceof Error ? err.message : "");
  if (!m) return null;
  const table = m[1]!;
  const column = m[3] ?? m[2]!;
  const thing = table.replace(/_/g, " ").replace(/s$/, "");
  return new HttpError(409, `\`${column}\` is already used by another ${thing}`, column);
}

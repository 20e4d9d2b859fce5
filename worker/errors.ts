/** An error whose message is safe to show the caller: the one onError renders it as JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A payload a sender will never get right by retrying: always a 400 naming the field. */
export class PayloadError extends HttpError {
  constructor(field: string, message: string) {
    super(400, `\`${field}\` ${message}`, field);
  }
}

// Cloudflare Turnstile on the subscribe form, optional: on when the page settings hold a site key
// (turnstile_site_key). The widget's token is checked with Cloudflare's siteverify, with the worker's
// TURNSTILE_SECRET; TURNSTILE_VERIFY_URL points it elsewhere (the tests' local stand-in).
import { config } from "../config";
import type { Env } from "../env";

export const SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/** The form field the widget fills in. */
export const TURNSTILE_FIELD = "cf-turnstile-response";
/** Cloudflare's limit on a token's length. */
const MAX_TOKEN_LENGTH = 2048;
const TIMEOUT_MS = 10_000;

export type TurnstileOutcome =
  /** The token passed. */
  | "passed"
  /** No token, or one siteverify refused: the reader's to retry (400). */
  | "missing"
  | "rejected"
  /** The site key is set but TURNSTILE_SECRET is not, or siteverify did not answer: ours (503). */
  | "misconfigured"
  | "unavailable";

export async function verifyTurnstile(
  env: Pick<Env, "TURNSTILE_SECRET" | "TURNSTILE_VERIFY_URL">,
  token: string | undefined,
  remoteIp: string | null,
): Promise<TurnstileOutcome> {
  if (!env.TURNSTILE_SECRET) return "misconfigured";
  if (!token || token.length > MAX_TOKEN_LENGTH) return "missing";
  const form = new URLSearchParams({ secret: env.TURNSTILE_SECRET, response: token });
  if (remoteIp) form.set("remoteip", remoteIp);
  try {
    const res = await fetch(config(env).turnstileVerifyUrl ?? SITEVERIFY_URL, {
      method: "POST",
      body: form,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) {
      console.error("turnstile siteverify answered", res.status);
      return "unavailable";
    }
    const body = (await res.json()) as { success?: unknown; "error-codes"?: unknown };
    if (body.success === true) return "passed";
    const codes = Array.isArray(body["error-codes"]) ? body["error-codes"].map(String) : [];
    // A secret Cloudflare does not know is the operator's mistake, not the reader's.
    if (codes.some((c) => c === "invalid-input-secret" || c === "missing-input-secret")) {
      console.error("turnstile siteverify refused the secret", codes);
      return "misconfigured";
    }
    return "rejected";
  } catch (err) {
    console.error("turnstile siteverify failed", String(err));
    return "unavailable";
  }
}

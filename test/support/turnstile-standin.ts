// A local stand-in for Cloudflare Turnstile's siteverify (the worker reaches it through
// TURNSTILE_VERIFY_URL), answering as Cloudflare does for its documented test keys: the secret
// 1x0000000000000000000000000000000AA passes every token, 2x0000000000000000000000000000000AA fails
// every one (`invalid-input-response`), any other secret is `invalid-input-secret`; a missing token is
// `missing-input-response`. It records what it was asked (GET /requests), so a test can tell that the
// worker checked, with which token and client address, and that the secret never went anywhere else.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export const TURNSTILE_PASS_SECRET = "1x0000000000000000000000000000000AA";
export const TURNSTILE_FAIL_SECRET = "2x0000000000000000000000000000000AA";
/** What the widget gives with Cloudflare's test site keys. */
export const TURNSTILE_TEST_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";
/** The test site key that always passes in a browser. */
export const TURNSTILE_TEST_SITE_KEY = "1x00000000000000000000AA";

export interface TurnstileStandIn {
  url: string;
  close: () => Promise<void>;
}

export async function startTurnstileStandIn(): Promise<TurnstileStandIn> {
  const seen: Array<Record<string, string>> = [];
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/requests") return answer(200, seen);
    if (req.method !== "POST" || req.url !== "/siteverify") return answer(404, { error: "not here" });
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      // The secret is recorded only as which one it was.
      const { secret = "", ...rest } = form;
      seen.push({ ...rest, secret: secret === TURNSTILE_PASS_SECRET ? "pass" : secret === TURNSTILE_FAIL_SECRET ? "fail" : "other" });
      const codes: string[] = [];
      if (secret !== TURNSTILE_PASS_SECRET && secret !== TURNSTILE_FAIL_SECRET) codes.push(secret ? "invalid-input-secret" : "missing-input-secret");
      if (!form.response) codes.push("missing-input-response");
      else if (secret === TURNSTILE_FAIL_SECRET) codes.push("invalid-input-response");
      const success = codes.length === 0;
      answer(200, { success, "error-codes": codes, ...(success ? { challenge_ts: new Date().toISOString(), hostname: "localhost" } : {}) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // It lives as long as the test run, and never keeps the run from ending.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/siteverify`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

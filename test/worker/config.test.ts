// The environment parsed before anything runs (worker/config.ts): a value that does not parse refuses
// every request with an error naming the variable (never its value), and is logged as such.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { app } from "../../worker/index";
import { BASE } from "./helpers";

async function call(path: string, bindings: Record<string, string>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("a bad setting", () => {
  it.each([
    ["INBOX_MAX_DELIVERIES", "ten thousand", /INBOX_MAX_DELIVERIES must be a whole number/],
    ["OUTBOUND_ALLOW_LOOPBACK", "yes please", /OUTBOUND_ALLOW_LOOPBACK must be "1" or "true"/],
  ])("%s=%s fails loudly, naming the variable", async (name, value, message) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      for (const path of ["/api/v2/status.json", "/hooks/generic/nokey", "/admin/api/components"]) {
        const res = await call(path, { [name]: value });
        expect(res.status).toBe(500);
        const body = (await res.json()) as { error: string };
        expect(body.error).toMatch(message);
        expect(body.error).not.toContain(value);
      }
      expect(logged).toHaveBeenCalledWith("invalid configuration", { error: expect.stringMatching(message) });
    } finally {
      logged.mockRestore();
    }
  });

  it("good settings answer as before", async () => {
    expect((await call("/api/v2/status.json", { INBOX_MAX_DELIVERIES: "500", OUTBOUND_ALLOW_LOOPBACK: "false" })).status).toBe(200);
  });
});

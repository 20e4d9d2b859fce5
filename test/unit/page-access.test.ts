import { describe, expect, it } from "vitest";
import {
  ACCESS_TTL_SECONDS,
  hashPagePassword,
  newAccessSecret,
  PBKDF2_ITERATIONS,
  signAccess,
  verifyAccessCookie,
  verifyPagePassword,
} from "../../worker/security/page-access";

describe("the page password", () => {
  it("is stored as PBKDF2-SHA256 with a random salt, and only the right password verifies", async () => {
    const a = await hashPagePassword("correct horse battery staple");
    const b = await hashPagePassword("correct horse battery staple");
    expect(a).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}$`));
    expect(a).not.toBe(b); // salted
    expect(await verifyPagePassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPagePassword("correct horse battery stapl", a)).toBe(false);
    expect(await verifyPagePassword("", a)).toBe(false);
  });

  it("never verifies against a missing or malformed hash", async () => {
    for (const stored of [null, "", "plain", "sha256$1$a$b", "pbkdf2-sha256$100000$$"]) {
      expect(await verifyPagePassword("anything", stored)).toBe(false);
    }
  });
});

describe("the reader's cookie", () => {
  it("verifies with its secret until it expires", async () => {
    const secret = newAccessSecret();
    const now = Date.parse("2026-12-01T00:00:00Z");
    const cookie = await signAccess(secret, now);
    expect(await verifyAccessCookie(secret, cookie, now)).toBe(true);
    expect(await verifyAccessCookie(secret, cookie, now + (ACCESS_TTL_SECONDS - 1) * 1000)).toBe(true);
    expect(await verifyAccessCookie(secret, cookie, now + ACCESS_TTL_SECONDS * 1000)).toBe(false);
  });

  it("fails with another secret, a changed expiry or signature, or no secret", async () => {
    const secret = newAccessSecret();
    const now = Date.now();
    const cookie = await signAccess(secret, now);
    const [expires, sig] = cookie.split(".") as [string, string];
    expect(await verifyAccessCookie(newAccessSecret(), cookie, now)).toBe(false);
    expect(await verifyAccessCookie(secret, `${Number(expires) + 86_400}.${sig}`, now)).toBe(false);
    expect(await verifyAccessCookie(secret, `${expires}.${sig.replace(/.$/, (c) => (c === "0" ? "1" : "0"))}`, now)).toBe(false);
    expect(await verifyAccessCookie(null, cookie, now)).toBe(false);
    expect(await verifyAccessCookie(secret, undefined, now)).toBe(false);
  });
});

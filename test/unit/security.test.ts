// The pure parts of the hardening: text cleaning, bidi isolation, key candidates and
// masking, each on hostile input, and the masking's cost linear in the text.
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../domain/ids";
import { KEY_MASK, KeyMasker, keyCandidates } from "../../domain/mask";
import { ipv6Prefix64 } from "../../worker/security/rate-limit";
import { cleanDeep, cleanText, isolateBidi } from "../../worker/security/text";

describe("cleanText", () => {
  it.each([
    ["ANSI colours", "\u001b[1;31mred\u001b[0m text", "red text"],
    ["an OSC hyperlink", "\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007", "link"],
    ["NUL, BEL, backspace", "a\u0000b\u0007c\u0008d", "abcd"],
    ["C1 controls and DEL", "a\u0085b\u009b31mc\u007f", "abc"],
    ["U+FFFE and U+FFFF", "a\ufffeb\uffff", "ab"],
    ["a lone surrogate", "a\ud800b\udc00c", "abc"],
    ["a stray ESC", "a\u001b", "a"],
  ])("strips %s", (_, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it("keeps tab, newline, CR, emoji (surrogate pairs), right-to-left text and bidi controls", () => {
    const text = "a\tb\nc\r\nd 🔥 مرحبا \u202eevil\u202c";
    expect(cleanText(text)).toBe(text);
  });

  it("cleans every string of a JSON value, keys too", () => {
    expect(cleanDeep({ "k\u0000": ["v\u001b[0m", 1, null, { x: "\u0007y" }] })).toEqual({ k: ["v", 1, null, { x: "y" }] });
  });

  it("is linear on a megabyte of escape sequences", () => {
    const time = (n: number) => {
      const text = "\u001b[".repeat(n) + "\u001b]".repeat(n);
      const t = performance.now();
      cleanText(text);
      return performance.now() - t;
    };
    time(1000);
    const small = time(100_000);
    const large = time(400_000);
    expect(large).toBeLessThan(Math.max(small * 8, 50));
  });
});

describe("isolateBidi", () => {
  it("wraps text carrying bidi controls in FSI … PDI, and leaves plain text alone", () => {
    expect(isolateBidi("abc \u202eevil")).toBe("\u2068abc \u202eevil\u2069");
    expect(isolateBidi("plain")).toBe("plain");
  });
});

describe("key masking", () => {
  const key = "abcdefghij0123456789klmnopqrstuv";

  it("finds exactly the maximal 32-character runs of lowercase letters and digits", () => {
    expect(keyCandidates(`/hooks/generic/${key}?x`)).toEqual([key]);
    expect(keyCandidates(`${key}a`)).toEqual([]);
    expect(keyCandidates(`X${key}Y`)).toEqual([key]);
  });

  it("masks a current key wherever it is, and nothing else", async () => {
    const masker = await new KeyMasker([{ key_prefix: key.slice(0, 6), key_hash: await sha256Hex(key) }]).prepare([`url /${key}/ and ${"z".repeat(32)}`]);
    expect(masker.mask(`url /${key}/ and ${"z".repeat(32)}`)).toBe(`url /${KEY_MASK}/ and ${"z".repeat(32)}`);
  });

  it("hashes only runs that start with a key's prefix: 20,000 junk ids cost no SHA-256", async () => {
    const junk = Array.from({ length: 20_000 }, (_, i) => i.toString(36).padStart(32, "q")).join(" ");
    const masker = new KeyMasker([{ key_prefix: key.slice(0, 6), key_hash: await sha256Hex(key) }]);
    const original = crypto.subtle.digest.bind(crypto.subtle);
    let digests = 0;
    crypto.subtle.digest = ((...args: Parameters<typeof original>) => {
      digests++;
      return original(...args);
    }) as typeof crypto.subtle.digest;
    try {
      await masker.prepare([junk, `${junk} ${key}`]);
    } finally {
      crypto.subtle.digest = original;
    }
    expect(digests).toBe(1);
    expect(masker.mask(`${key}`)).toBe(KEY_MASK);
  });
});

// An IPv6 client is counted by its /64.
describe("ipv6Prefix64", () => {
  it("keeps the first four groups, however the address is spelled", () => {
    expect(ipv6Prefix64("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(ipv6Prefix64("2001:0db8:0001:0002:ffff:ffff:ffff:fffe")).toBe("2001:db8:1:2::/64");
    expect(ipv6Prefix64("2001:DB8:1:2:a:b:c:d")).toBe("2001:db8:1:2::/64");
    expect(ipv6Prefix64("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipv6Prefix64("::1")).toBe("0:0:0:0::/64");
    expect(ipv6Prefix64("::ffff:192.0.2.1")).toBe("0:0:0:0::/64");
    expect(ipv6Prefix64("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });
  it("refuses what is not an IPv6 address", () => {
    for (const v of ["192.0.2.1", "1:2:3:4:5:6:7:8:9", "1::2::3", "2001:db8:1:zz::1", ""]) expect(ipv6Prefix64(v), v).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { checkBrandColour, contrastRatio, DARK_BACKGROUND, darkModeTint, relativeLuminance } from "../../domain/contrast";

describe("relative luminance and contrast (WCAG 2.2)", () => {
  it.each([
    ["#000000", 0],
    ["#ffffff", 1],
    // sRGB 0x80 = 0.2158605 linear.
    ["#808080", 0.2158605],
    ["#ff0000", 0.2126],
    ["#00ff00", 0.7152],
    ["#0000ff", 0.0722],
  ])("L(%s) = %d", (colour, l) => {
    expect(relativeLuminance(colour)).toBeCloseTo(l, 5);
  });

  it.each([
    ["#000000", "#ffffff", 21],
    ["#ffffff", "#ffffff", 1],
    // Values published by WebAIM's contrast checker.
    ["#767676", "#ffffff", 4.54],
    ["#777777", "#ffffff", 4.48],
    ["#0000ff", "#ffffff", 8.59],
    ["#ff0000", "#ffffff", 4.0],
  ])("%s on %s is %d:1, in either order", (a, b, ratio) => {
    expect(contrastRatio(a, b)).toBeCloseTo(ratio, 2);
    expect(contrastRatio(b, a)).toBeCloseTo(ratio, 2);
  });
});

describe("brand colour check", () => {
  it.each(["#0550ae", "#1a7f37", "#6f42c1", "#000000", "#767676", "#b31d28"])("accepts %s", (colour) => {
    const c = checkBrandColour(colour);
    expect(c.ok, c.problem).toBe(true);
    expect(c.light_link).toBeGreaterThanOrEqual(4.5);
    expect(c.band_text).toBeGreaterThanOrEqual(4.5);
    expect(c.dark_link).toBeGreaterThanOrEqual(4.5);
  });

  it.each(["#ffff00", "#ffffff", "#777777", "#ff0000", "#66ccff", "#f0f0f0"])("refuses %s, saying why", (colour) => {
    const c = checkBrandColour(colour);
    expect(c.ok).toBe(false);
    expect(c.problem).toContain(colour);
    expect(c.problem).toContain("4.5:1");
    expect(c.problem).toMatch(/darker/);
  });

  it("gives the dark page a tint that reads on it, the colour itself when it already does", () => {
    expect(contrastRatio(darkModeTint("#0550ae"), DARK_BACKGROUND)).toBeGreaterThanOrEqual(4.5);
    expect(darkModeTint("#0550ae")).not.toBe("#0550ae");
    expect(darkModeTint("#8ab4f8")).toBe("#8ab4f8");
  });
});

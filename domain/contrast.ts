// WCAG 2.2 contrast for the page's brand colour. The page uses the colour as the background of its
// header band (white text on it) and as link text on the light page; on the dark page, links take a
// tint of it mixed towards white until they read (darkModeTint). A colour is accepted only when every
// one of those pairs reaches AA for normal text, 4.5:1.
export const AA_TEXT = 4.5;
export const LIGHT_BACKGROUND = "#ffffff";
/** The dark page's background (site/src/lib/style.ts). */
export const DARK_BACKGROUND = "#0d1117";
export const BAND_TEXT = "#ffffff";

type Rgb = [number, number, number];

export const isHexColour = (v: string) => /^#[0-9a-f]{6}$/i.test(v);

const rgb = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
const hex = (c: Rgb) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

/** Relative luminance (WCAG 2.2, sRGB with the 0.04045 threshold of IEC 61966-2-1). */
export function relativeLuminance(colour: string): number {
  const [r, g, b] = rgb(colour).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** (L1 + 0.05) / (L2 + 0.05), the lighter over the darker: 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The brand colour mixed towards white, in 5 % steps, until it reads on the dark background. */
export function darkModeTint(colour: string): string {
  const base = rgb(colour);
  for (let w = 0; w <= 1.0001; w += 0.05) {
    const tint = hex(base.map((v) => v + (255 - v) * w) as Rgb);
    if (contrastRatio(tint, DARK_BACKGROUND) >= AA_TEXT) return tint;
  }
  return "#ffffff";
}

export interface ContrastCheck {
  ok: boolean;
  /** The ratios the page's uses of the colour reach, rounded to 2 decimals. */
  light_link: number;
  band_text: number;
  dark_link: number;
  /** Why it was refused, in words an operator can act on; empty when ok. */
  problem: string;
}

export function checkBrandColour(colour: string): ContrastCheck {
  const round = (n: number) => Math.floor(n * 100) / 100;
  const light_link = round(contrastRatio(colour, LIGHT_BACKGROUND));
  const band_text = round(contrastRatio(BAND_TEXT, colour));
  const dark_link = round(contrastRatio(darkModeTint(colour), DARK_BACKGROUND));
  const problems = [
    light_link < AA_TEXT && `as link text on the light page it reaches ${light_link}:1`,
    band_text < AA_TEXT && `white header text on it reaches ${band_text}:1`,
    dark_link < AA_TEXT && `as link text on the dark page it reaches ${dark_link}:1`,
  ].filter(Boolean);
  return {
    ok: problems.length === 0,
    light_link,
    band_text,
    dark_link,
    problem: problems.length
      ? `${colour} is too light to keep text readable: ${problems.join("; ")}, below the ${AA_TEXT}:1 WCAG AA asks for text. Choose a darker colour.`
      : "",
  };
}

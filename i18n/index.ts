// The reader's language: which one a request gets, and its words. One message file per language
// (en.ts is the reference; test/unit/i18n.test.ts checks every other has every key). Shared by the
// pages, the worker's feeds and badges, and later the notification emails. The Statuspage API never
// goes through here: its enums stay English.
import de from "./de";
import en from "./en";
import es from "./es";
import fr from "./fr";
import ja from "./ja";
import ko from "./ko";
import ptBR from "./pt-BR";
import type { Messages } from "./shape";
import zhCN from "./zh-CN";

export type { Messages };

export const MESSAGES = { en, fr, ko, de, es, ja, "pt-BR": ptBR, "zh-CN": zhCN } satisfies Record<string, Messages>;
export type Language = keyof typeof MESSAGES;
export const LANGUAGES = Object.keys(MESSAGES) as Language[];
export const DEFAULT_LANGUAGE: Language = "en";

/** The one request header a page reads: the reader's language, as the worker chose it (worker/routes/pages.ts). */
export const PAGE_LANGUAGE_HEADER = "x-status-page-language";

export const isLanguage = (v: unknown): v is Language => typeof v === "string" && (LANGUAGES as string[]).includes(v);

export const messages = (lang: Language): Messages => MESSAGES[lang] ?? en;

/** `{name}` placeholders filled from `values`; an unknown placeholder stays as written. */
export const format = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (all, k: string) => (k in values ? String(values[k]) : all));

/**
 * A supported language for a tag: exact (case-insensitive: `PT-br` is pt-BR), else by its base
 * language (`pt`, `pt-PT` → pt-BR; `zh`, `zh-Hans-SG` → zh-CN; `fr-CA` → fr). null when none fits.
 */
export function matchLanguage(tag: string): Language | null {
  const t = tag.trim().toLowerCase();
  if (!/^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(t)) return null;
  const exact = LANGUAGES.find((l) => l.toLowerCase() === t);
  if (exact) return exact;
  const base = t.split("-")[0];
  return LANGUAGES.find((l) => l.toLowerCase().split("-")[0] === base) ?? null;
}

/**
 * RFC 9110 §12.5.4 negotiation: the tags by descending q (ties keep the client's order, q=0 means
 * "not this"), the first that matches a supported language (exactly or by base language) wins; `*`
 * or nothing suitable gives the fallback.
 */
export function negotiateLanguage(acceptLanguage: string | null | undefined, fallback: Language): Language {
  if (!acceptLanguage) return fallback;
  const ranges = acceptLanguage
    .slice(0, 1000)
    .split(",")
    .map((part, order) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)).find(Boolean);
      return { tag: tag.trim(), q: q ? Number(q[1]) : params.length ? NaN : 1, order };
    })
    .filter((r) => r.tag && r.q > 0 && r.q <= 1)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranges) {
    if (tag === "*") return fallback;
    const lang = matchLanguage(tag);
    if (lang) return lang;
  }
  return fallback;
}

/**
 * The language a request is answered in: `?lang=` (a supported one, else ignored), else the
 * remembered choice (the `lang` cookie), else Accept-Language, else the page's default.
 */
export function chooseLanguage(req: { query?: string | null; cookie?: string | null; acceptLanguage?: string | null }, fallback: Language): Language {
  const asked = req.query ? matchLanguage(req.query) : null;
  if (asked) return asked;
  const remembered = req.cookie ? matchLanguage(req.cookie) : null;
  if (remembered) return remembered;
  return negotiateLanguage(req.acceptLanguage, fallback);
}

// ── Dates, numbers and relative times, all through Intl ─────────────────────

const cache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(lang: Language, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  // English dates as the page always wrote them (1 Dec 2026, 21:05), day before month.
  if (f) return f;
  f = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, options);
  cache.set(key, f);
  return f;
}

/** A time in UTC, said so (the page's script rewrites it in the reader's zone). */
export const utcTime = (lang: Language, iso: string) =>
  dateFormat(lang, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(new Date(iso));
export const utcDay = (lang: Language, iso: string) =>
  dateFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(iso));
export const monthTitle = (lang: Language, iso: string) => dateFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(iso));

/** "90 days ago", "il y a 90 jours", "90일 전". */
export const daysAgo = (lang: Language, days: number) => new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(-days, "day");

export const percentText = (lang: Language, value: number) =>
  new Intl.NumberFormat(lang, {
    style: "percent",
    maximumFractionDigits: value === 100 ? 0 : 2,
    minimumFractionDigits: value === 100 ? 0 : 2,
  }).format(value / 100);

/** "1 h 5 min" in the reader's units. */
export function durationText(lang: Language, seconds: number): string {
  const m = Math.round(seconds / 60);
  const unit = (n: number, u: "hour" | "minute") => new Intl.NumberFormat(lang, { style: "unit", unit: u, unitDisplay: "short" }).format(n);
  return m >= 60 ? `${unit(Math.floor(m / 60), "hour")} ${unit(m % 60, "minute")}` : unit(m, "minute");
}

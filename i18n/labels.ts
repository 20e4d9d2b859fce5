// The words for statuses and times, in the reader's language: shared by the page, the feeds and the
// notifications.
import { type Language, messages, utcDay, utcTime } from "./index";

const label = (table: Record<string, string>, s: string) => table[s] ?? s;
export const componentStatusLabel = (s: string, lang: Language = "en") => label(messages(lang).status, s);
export const updateStatusLabel = (s: string, lang: Language = "en") => label(messages(lang).update, s);
export const impactLabel = (s: string, lang: Language = "en") => label(messages(lang).impact, s);
export const indicatorLabel = (s: string, lang: Language = "en") => label(messages(lang).indicator, s);

/** Server-side text of a time: UTC, said so; the page's script rewrites it in the reader's zone. */
export const utcText = (iso: string, lang: Language = "en") => utcTime(lang, iso);
export const utcDate = (isoOrDay: string, lang: Language = "en") => utcDay(lang, isoOrDay.length === 10 ? `${isoOrDay}T00:00:00Z` : isoOrDay);

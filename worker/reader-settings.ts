// What every public request needs to know about the page before answering: its name, language and
// who may read it (worker/visibility.ts is the gate that acts on it).
import { type PageSettings, readPageSettings, settingsFor } from "../db/settings";
import { DEFAULT_LANGUAGE, isLanguage, type Language } from "../i18n";
import type { Env } from "./env";
import { heldSettings } from "./generation";

export type Visibility = "public" | "private";
export const VISIBILITIES = ["public", "private"] as const;

/** What every public request needs to know about the page before answering. */
export interface ReaderSettings {
  name: string;
  language: Language;
  visibility: Visibility;
  passwordHash: string | null;
  accessSecret: string | null;
}

export function readerSettingsOf(row: PageSettings): ReaderSettings {
  return {
    name: row.name,
    language: isLanguage(row.language) ? row.language : DEFAULT_LANGUAGE,
    visibility: row.visibility === "private" ? "private" : "public",
    passwordHash: row.pagePasswordHash,
    accessSecret: row.accessSecret,
  };
}

export const readerSettings = async (db: D1Database): Promise<ReaderSettings> => readerSettingsOf(await readPageSettings(db));

/**
 * The page settings of the request a handler answers: read once for it, whoever asks first (db/settings.ts),
 * and held by the isolate under the cache generation (worker/generation.ts), so a cache hit reads no D1.
 */
export const requestSettings = (c: { env: Env; req: { raw: Request } }): Promise<PageSettings> =>
  settingsFor(c.env.DB, c.req.raw, (db) => heldSettings(c.env, c.req.raw, () => readPageSettings(db)));

/** The one check subscriptions and notifications make before reaching anyone outside. */
export async function isPrivate(db: D1Database): Promise<boolean> {
  return (await readerSettings(db)).visibility === "private";
}

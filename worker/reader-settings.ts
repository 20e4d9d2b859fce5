// What every public request needs to know about the page before answering: its name, language and
// who may read it (worker/visibility.ts is the gate that acts on it).
import { type PageSettings, readPageSettings, settingsFor } from "../db/settings";
import { DEFAULT_LANGUAGE, isLanguage, type Language } from "../i18n";

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

/** The page settings of the request a handler answers: read once for it, whoever asks first (db/settings.ts). */
export const requestSettings = (c: { env: { DB: D1Database }; req: { raw: Request } }): Promise<PageSettings> => settingsFor(c.env.DB, c.req.raw);

/** The one check subscriptions and notifications make before reaching anyone outside. */
export async function isPrivate(db: D1Database): Promise<boolean> {
  return (await readerSettings(db)).visibility === "private";
}

// What every public request needs to know about its page before answering: which page it is (found by
// the request's address: db/settings.ts pageFor), its name, language and who may read it
// (worker/visibility.ts is the gate that acts on it); worker/cache.ts builds its links' base URL on it.
import { type PageSettings, pageFor, type RequestPage, readPageSettings, settingsFor } from "../db/settings";
import { DEFAULT_LANGUAGE, isLanguage, type Language } from "../i18n";

export type Visibility = "public" | "private";
export const VISIBILITIES = ["public", "private"] as const;

/** What every public request needs to know about the page before answering. */
export interface ReaderSettings {
  /** The page (`page_settings.id`). */
  id: number;
  name: string;
  language: Language;
  visibility: Visibility;
  passwordHash: string | null;
  accessSecret: string | null;
}

export function readerSettingsOf(row: PageSettings): ReaderSettings {
  return {
    id: row.id,
    name: row.name,
    language: isLanguage(row.language) ? row.language : DEFAULT_LANGUAGE,
    visibility: row.visibility === "private" ? "private" : "public",
    passwordHash: row.pagePasswordHash,
    accessSecret: row.accessSecret,
  };
}

export const readerSettings = async (db: D1Database, page = 1): Promise<ReaderSettings> => readerSettingsOf(await readPageSettings(db, page));

type RequestLike = { env: { DB: D1Database }; req: { raw: Request } };

/** The page settings of the request a handler answers: read once for it, whoever asks first (db/settings.ts). */
export const requestSettings = (c: RequestLike): Promise<PageSettings> => settingsFor(c.env.DB, c.req.raw);

/** The page of the request a handler answers and how the reader came (the same single read as requestSettings). */
export async function requestPage(c: RequestLike): Promise<RequestPage> {
  const page = await pageFor(c.env.DB, c.req.raw);
  if (!page) throw new Error("no such page");
  return page;
}

/** The one check subscriptions and notifications make before reaching anyone outside: is this page private? */
export async function isPrivate(db: D1Database, page = 1): Promise<boolean> {
  return (await readerSettings(db, page)).visibility === "private";
}

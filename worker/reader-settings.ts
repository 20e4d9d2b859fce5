// What every public request needs to know about the page before answering: its name, language and
// who may read it (worker/visibility.ts is the gate that acts on it).
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

export async function readerSettings(db: D1Database): Promise<ReaderSettings> {
  const row = await db
    .prepare("SELECT name, language, visibility, page_password_hash, access_secret FROM page_settings WHERE id = 1")
    .first<Record<string, string | null>>();
  return {
    name: row?.name ?? "Status",
    language: isLanguage(row?.language) ? row.language : DEFAULT_LANGUAGE,
    visibility: row?.visibility === "private" ? "private" : "public",
    passwordHash: row?.page_password_hash ?? null,
    accessSecret: row?.access_secret ?? null,
  };
}

/** The one check subscriptions and notifications make before reaching anyone outside. */
export async function isPrivate(db: D1Database): Promise<boolean> {
  return (await readerSettings(db)).visibility === "private";
}

// The page the worker decided to show a reader (domain/reader-view.ts): it comes in the execution
// context's `props` that the worker hands Astro's handler (worker/render.ts), never from the request,
// so nobody outside can make the site draw one.
import type { ReaderPage } from "../../../domain/reader-view";
import { isLanguage, type Language, PAGE_LANGUAGE_HEADER } from "../../../i18n";

export function readerPageOf(locals: object): ReaderPage | null {
  const ctx = (locals as { cfContext?: { props?: { readerPage?: ReaderPage } } }).cfContext;
  return ctx?.props?.readerPage ?? null;
}

/** The language the worker chose for the reader. */
export function chosenLanguage(request: Request): Language {
  const asked = request.headers.get(PAGE_LANGUAGE_HEADER);
  return isLanguage(asked) ? asked : "en";
}

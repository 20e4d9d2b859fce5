// Tests that import the worker's source (worker/index.ts) cannot bundle Astro's handler: its virtual
// modules exist only inside `astro build`. Aliased in vitest.config.ts, this hands the pages to the
// built worker instead, so they are still rendered by the real Astro code (the language chosen for the
// reader goes along as `?lang=`, which the built worker reads first). A page the worker decided on
// (worker/render.ts passes it in the context's props) cannot travel that way: such tests call the built
// app (built.ts).
import { SELF } from "cloudflare:test";
import { PAGE_LANGUAGE_HEADER } from "../../i18n";

export const handle = (request: Request, _env: unknown, ctx: { props?: { readerPage?: unknown } }): Promise<Response> => {
  if (ctx?.props?.readerPage) throw new Error("a reader page is drawn by the built worker only: call the app from test/worker/built.ts");
  const url = new URL(request.url);
  const lang = request.headers.get(PAGE_LANGUAGE_HEADER);
  if (lang) url.searchParams.set("lang", lang);
  return SELF.fetch(url.toString());
};

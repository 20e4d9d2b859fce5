// One way to render public HTML: the site's pages and components are Astro markup, escaped by Astro.
// No string of markup is built by hand and injected: `set:html` is left only for a <style>'s CSS (code,
// not text) and a postmortem's Markdown as the Markdown library renders it (domain/markdown.ts: raw HTML
// shown as text), and nothing in site/ escapes by hand (the one `esc` is domain/html.ts, for feeds and emails).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { around } from "../../site/src/lib/text";

const SITE = join(import.meta.dirname, "../../site/src");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
const sources = files(SITE).map((path) => ({ path: path.slice(SITE.length + 1), text: readFileSync(path, "utf8") }));

describe("the site's markup", () => {
  it("injects no hand-built HTML: set:html only on a <style>, or straight from renderMarkdown", () => {
    const injected = sources.flatMap(({ path, text }) =>
      [...text.matchAll(/<([\w.]+)[^<>]*\sset:html=(\{renderMarkdown\()?/g)].filter((m) => m[1] !== "style" && !m[2]).map((m) => `${path}: <${m[1]} set:html>`),
    );
    expect(injected).toEqual([]);
  });

  it("escapes nothing by hand", () => {
    expect(sources.filter(({ text }) => /domain\/html"|\besc\(/.test(text)).map(({ path }) => path)).toEqual([]);
  });
});

describe("around: a message split at its one placeholder with markup", () => {
  it.each([
    ["Updates go to {email}.", "email", {}, ["Updates go to ", "."]],
    ["Press the button to receive {name} status updates at {email}.", "email", { name: "Acme" }, ["Press the button to receive Acme status updates at ", "."]],
    ["{email} first", "email", {}, ["", " first"]],
    ["No placeholder, {name}", "email", { name: "Acme" }, ["No placeholder, Acme", ""]],
    // A value that looks like the placeholder is text, not a second split.
    ["At {email} for {name}", "email", { name: "{email}" }, ["At ", " for {email}"]],
  ] as const)("%s", (template, key, values, expected) => {
    expect(around(template, key, values)).toEqual(expected);
  });
});

// Every public page is rendered on request, inside the worker (worker/index.ts is the entry: Hono for the
// APIs, hooks and admin; Astro's handler for the pages), so a page is never older than D1. public/ stays
// static assets. `astro build --root site` writes the bundled worker and its resolved wrangler config to
// site/dist/server/ (entry.mjs, wrangler.json) and the assets to site/dist/client/.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import cloudflare from "@astrojs/cloudflare";
import { defineConfig } from "astro/config";
import { transformSync } from "esbuild";

/** Astro turns minification off for the server build; the worker bundle is smaller with it on. */
const minifyServer = {
  name: "minify-server-bundle",
  enforce: "post",
  configEnvironment(name) {
    if (name === "ssr") return { build: { minify: true } };
  },
};

/**
 * Astro escapes only `&` and `"` in attribute values: safe inside quotes, but a name like
 * `<img src=x onerror=…>` would then stand in the page as typed (in a title or a description). Every
 * attribute value is escaped with the project's one `esc` (domain/html.ts) instead, as text is.
 */
const ESC = fileURLToPath(new URL("../domain/html.ts", import.meta.url));
const DEFINITION = "const toAttributeString = (value, shouldEscape = true) => {";
const escapeAttributes = {
  name: "escape-attribute-values",
  enforce: "pre",
  transform(code, id) {
    if (!/[\\/]astro[\\/]dist[\\/]runtime[\\/]server[\\/]render[\\/]util\.js$/.test(id)) return null;
    if (!code.includes(DEFINITION)) throw new Error("astro's toAttributeString changed: check the escape-attribute-values plugin");
    const replaced = code.replace(
      DEFINITION,
      "const toAttributeString = (value, shouldEscape = true) => (shouldEscape ? esc(value) : value);\nconst astroToAttributeString = (value, shouldEscape = true) => {",
    );
    return `import { esc } from ${JSON.stringify(ESC)};\n${replaced}`;
  },
};

/**
 * public/ is copied as it is written, comments and all; the readers' scripts are minified in the build
 * (esbuild, as Vite does for bundles), so a first visit carries only what runs.
 */
const minifyPublicScripts = {
  name: "minify-public-scripts",
  hooks: {
    "astro:build:done": ({ dir }) => {
      for (const name of ["live.js", "subscribe.js"]) {
        const file = fileURLToPath(new URL(`../client/${name}`, dir));
        writeFileSync(file, transformSync(readFileSync(file, "utf8"), { loader: "js", minify: true, target: "es2020" }).code);
      }
    },
  },
};

export default defineConfig({
  output: "server",
  outDir: "./dist",
  adapter: cloudflare({
    configPath: "../wrangler.toml",
    imageService: "passthrough",
    inspectorPort: false,
  }),
  // No sessions: the public pages are the same for every reader (and cached as such).
  session: false,
  build: { inlineStylesheets: "always" },
  compressHTML: true,
  vite: { plugins: [escapeAttributes, minifyServer] },
  integrations: [minifyPublicScripts],
});

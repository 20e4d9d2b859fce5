// Every public page is rendered on request, inside the worker (worker/index.ts is the entry: Hono for the
// APIs, hooks and admin; Astro's handler for the pages), so a page is never older than D1. public/ stays
// static assets. `astro build --root site` writes the bundled worker and its resolved wrangler config to
// site/dist/server/ (entry.mjs, wrangler.json) and the assets to site/dist/client/.
import cloudflare from "@astrojs/cloudflare";
import { defineConfig } from "astro/config";

/** Astro turns minification off for the server build; the worker bundle is smaller with it on. */
const minifyServer = {
  name: "minify-server-bundle",
  enforce: "post",
  configEnvironment(name) {
    if (name === "ssr") return { build: { minify: true } };
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
  vite: { plugins: [minifyServer] },
});

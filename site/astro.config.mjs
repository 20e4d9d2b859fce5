import { defineConfig } from "astro/config";

export default defineConfig({
  output: "static",
  outDir: "./dist",
  // incidents/<id>.html is served at /incidents/<id>, the shortlink's path, without a redirect.
  build: { format: "file", inlineStylesheets: "always" },
  compressHTML: true,
});

import { defineConfig } from "astro/config";

export default defineConfig({
  output: "static",
  outDir: "./dist",
  build: { inlineStylesheets: "always" },
  compressHTML: true,
});

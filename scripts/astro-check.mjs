// `astro check` for site/: the .astro pages and components and public/*.js, through Astro's language
// server. That server needs TypeScript's JS API, which TypeScript 7 (the native `tsc` the rest of the
// project is checked with) does not have, so here `typescript` resolves to TypeScript 6 (the
// `typescript6` alias in package.json) for this process alone.
import Module, { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "./lib.mjs";

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === "typescript" ? "typescript6" : request, ...rest);
};
const require = createRequire(import.meta.url);
const { AstroCheck } = require("@astrojs/language-server");
const site = join(ROOT, "site");
const checker = new AstroCheck(site, require.resolve("typescript6"), join(site, "tsconfig.json"));
const result = await checker.lint({ logErrors: { level: "warning" } });
console.log(`astro check: ${result.fileChecked} files, ${result.errors} errors, ${result.warnings} warnings`);
process.exit(result.errors > 0 ? 1 : 0);

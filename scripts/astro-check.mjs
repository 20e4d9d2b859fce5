// `astro check` for site/: the .astro pages and components and public/*.js, through Astro's language
// server, with the project's one TypeScript.
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { AstroCheck } = require("@astrojs/language-server");
const site = join(ROOT, "site");
const checker = new AstroCheck(site, require.resolve("typescript"), join(site, "tsconfig.json"));
const result = await checker.lint({ logErrors: { level: "warning" } });
console.log(`astro check: ${result.fileChecked} files, ${result.errors} errors, ${result.warnings} warnings`);
process.exit(result.errors > 0 ? 1 : 0);

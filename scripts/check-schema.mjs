// db/schema.ts against the migrations: drizzle-kit, given a copy of db/migrations/meta, must find
// nothing to generate. The SQL is written by hand; the snapshots say what it adds up to.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, toolEnv } from "./lib.mjs";

const work = join(ROOT, ".wrangler", "schema-check");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
cpSync(join(ROOT, "db", "migrations", "meta"), join(work, "meta"), { recursive: true });
const config = join(work, "drizzle.config.mjs");
writeFileSync(config, `export default ${JSON.stringify({ dialect: "sqlite", schema: "./db/schema.ts", out: "./.wrangler/schema-check" })};\n`);
const run = spawnSync("drizzle-kit", ["generate", "--config", config], { cwd: ROOT, env: toolEnv(), encoding: "utf8" });
const output = `${run.stdout}${run.stderr}`;
rmSync(work, { recursive: true, force: true });
if (run.status === 0 && output.includes("No schema changes")) {
  console.log("db/schema.ts matches db/migrations");
} else {
  console.error(output);
  console.error("db/schema.ts and db/migrations differ: write the migration (and its snapshot, npm run db:generate), or fix the schema");
  process.exit(1);
}

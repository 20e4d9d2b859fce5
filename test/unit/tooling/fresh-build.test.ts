import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildState } from "../../support/fresh-build";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project with the given files, each at the given time (seconds since the epoch). */
function project(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), "fresh-build-"));
  roots.push(root);
  for (const [path, at] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), "");
    utimesSync(join(root, path), at, at);
  }
  return root;
}

const built = (at: number) => ({ "site/dist/server/entry.mjs": at, "site/dist/server/wrangler.json": at });

describe("worker tests' build check (test/support/fresh-build.ts)", () => {
  it("builds when there is no build", () => {
    const root = project({ "worker/index.ts": 1000 });
    expect(buildState(root, join(root, "site/dist"))).toBe("missing");
  });

  it("keeps a build newer than every source", () => {
    const root = project({ "worker/index.ts": 1000, "site/src/pages/index.astro": 1000, "db/schema.ts": 1000, ...built(2000) });
    expect(buildState(root, join(root, "site/dist"))).toBe("current");
  });

  it("builds again after an edit anywhere the build reads: worker, site, db, domain, i18n, wrangler.toml", () => {
    for (const edited of ["worker/routes/hooks.ts", "site/src/pages/index.astro", "db/queries.ts", "domain/status.ts", "i18n/index.ts", "wrangler.toml"]) {
      const root = project({ "worker/index.ts": 1000, [edited]: 3000, ...built(2000) });
      expect(buildState(root, join(root, "site/dist")), edited).toBe("stale");
    }
  });

  it("is not fooled by what the build itself writes (site/dist, site/.astro, .wrangler)", () => {
    const root = project({ "worker/index.ts": 1000, "site/.astro/types.d.ts": 3000, "site/.wrangler/deploy/config.json": 3000, ...built(2000) });
    expect(buildState(root, join(root, "site/dist"))).toBe("current");
  });
});

// Never an error to a reader: with the read model's tables made unreadable in the real D1 (renamed),
// every public page and document that missed the cache is answered from its last good copy with its
// "as of" time, never a 5xx; with nothing kept, a 503 with Retry-After. The page settings made
// unreadable too: the gate decides on the settings the isolate last read. A private page's copy goes
// only to readers it lets in.
import { env, SELF } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPagePassword } from "../../worker/security/page-access";
import { admin, BASE, createComponent, createIntegration, post, summary, unique } from "./helpers";

const BASIC = { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };
const PASSWORD = "correct horse battery staple";
const READ_MODEL = ["components", "incidents"];

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers, redirect: "manual" });
/** A write moves the cache generation: every request after it misses the edge cache and renders. */
const purge = async (settings: Record<string, unknown> = BASIC) => expect((await admin("PUT", "/settings", settings)).status).toBe(200);
const rename = (tables: string[], from: string, to: string) =>
  env.DB.batch(tables.map((t) => env.DB.prepare(`ALTER TABLE ${from.replace("$", t)} RENAME TO ${to.replace("$", t)}`)));
const breakTables = (tables: string[]) => rename(tables, "$", "$_unreadable");
const mendTables = (tables: string[]) => rename(tables, "$_unreadable", "$");

let incidentId = "";
let paths: string[] = [];
const broken = new Set<string>();

beforeAll(async () => {
  await purge();
  const api = await createComponent("Kept API");
  const integration = await createIntegration("generic", [api.id]);
  expect(
    (await post(`/hooks/generic/${integration.key}`, { dedup_key: "kept-1", action: "trigger", severity: "critical", summary: "Kept outage" })).status,
  ).toBe(202);
  incidentId = (await summary()).incidents.find((i) => i.name === "Kept outage")!.id;
  paths = ["/", "/history", `/incidents/${incidentId}`, "/api/v2/summary.json"];
  // Good renders keep their copies (English, and the French page).
  for (const path of [...paths, "/?lang=fr"]) expect((await get(path)).status, path).toBe(200);
});

afterAll(async () => {
  if (broken.size) await mendTables([...broken]);
});

async function expectKept(res: Response, path: string, text: RegExp) {
  expect(res.status, path).toBe(200);
  expect(res.headers.get("Cache-Control"), path).toBe("no-store");
  const asOf = res.headers.get("X-Status-As-Of") ?? "";
  expect(Date.parse(asOf), path).toBeGreaterThan(Date.now() - 600_000);
  expect(res.headers.get("Last-Modified"), path).toBe(new Date(asOf).toUTCString());
  const body = await res.text();
  expect(body, path).toMatch(text);
  if (!path.startsWith("/api/")) {
    expect(body, path).toContain(`<p id="as-of" class="as-of" role="status">`);
    expect(body, path).toContain(`<time datetime="${asOf}">`);
  }
  expect(body, path).not.toContain("public-base.invalid");
  return body;
}

describe("the read model unreadable in D1", () => {
  it("1,000 requests that miss the cache across the page, history, a permalink and the v2 API: no 5xx, each its last good copy as of its time", async () => {
    // Before: the render fails for real (the tables are gone), not because of anything cached.
    await purge();
    await breakTables(READ_MODEL);
    for (const t of READ_MODEL) broken.add(t);
    await expect(env.DB.prepare("SELECT count(*) FROM components").first()).rejects.toThrow(/no such table/);
    const statuses: Record<number, number> = {};
    for (let round = 0; round < 25; round++) {
      const batch = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const path = paths[i % paths.length]!;
          // Half ask to revalidate, as a reload does.
          const res = await get(path, i % 2 ? { "Cache-Control": "max-age=0" } : {});
          await expectKept(res, path, path.startsWith("/api/") ? /Kept outage/ : /Kept API/);
          return res.status;
        }),
      );
      for (const s of batch) statuses[s] = (statuses[s] ?? 0) + 1;
    }
    expect(statuses).toEqual({ 200: 1000 });
  }, 120_000);

  it("the note is in the reader's language; the JSON keeps its Statuspage shape", async () => {
    const fr = await expectKept(await get("/?lang=fr"), "/", /Kept API/);
    expect(fr).toMatch(/État au <time datetime="[^"]+">[^<]+<\/time> : impossible de charger/);
    const json = (await (await get("/api/v2/summary.json")).json()) as { page: { name: string }; incidents: Array<{ name: string }> };
    expect(json.page.name).toBe("Acme");
    expect(json.incidents.map((i) => i.name)).toContain("Kept outage");
  });

  it("nothing kept for the path: a 503 with Retry-After, in the reader's language, naming nothing", async () => {
    const page = await get("/incidents/neverrendered1?lang=de");
    expect(page.status).toBe(503);
    expect(page.headers.get("Retry-After")).toBe("30");
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    expect(await page.text()).toContain("<h1>Der Status kann gerade nicht angezeigt werden</h1>");
    const doc = await get("/api/v2/incidents/unresolved.json");
    expect(doc.status).toBe(503);
    expect(doc.headers.get("Retry-After")).toBe("30");
    expect(await doc.json()).toEqual({ error: "the status cannot be shown right now; try again in 30 seconds" });
  });

  it("the page settings unreadable too: the gate decides on the settings last read, and the copies are still served", async () => {
    // A new generation first, so nothing holds the settings: the gate must read them, and fails to.
    await purge();
    await breakTables(["page_settings"]);
    broken.add("page_settings");
    for (const path of paths) await expectKept(await get(path, { "Cache-Control": "no-cache" }), path, /Kept/);
    await mendTables(["page_settings"]);
    broken.delete("page_settings");
  });

  it("once D1 reads again, the live page is back (and no copy was kept in the edge cache meanwhile)", async () => {
    await mendTables(READ_MODEL);
    for (const t of READ_MODEL) broken.delete(t);
    for (const path of paths) {
      const res = await get(path, { "Cache-Control": "max-age=0" });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("X-Status-As-Of"), path).toBeNull();
      expect(await res.text(), path).not.toContain(`class="as-of"`);
    }
  });
});

describe("a private page's copies", () => {
  let cookie = "";

  beforeAll(async () => {
    // A copy kept while the page was public...
    expect((await get("/history?lang=es")).status).toBe(200);
    await purge({ ...BASIC, visibility: "private", page_password: PASSWORD });
    const signedIn = await SELF.fetch(`${BASE}/access`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: PASSWORD, next: "/" }),
      redirect: "manual",
    });
    cookie = `page_access=${/page_access=([^;]+)/.exec(signedIn.headers.get("Set-Cookie") ?? "")?.[1]}`;
    // ...and one kept while it is private, for a reader let in.
    expect((await get("/", { Cookie: cookie })).status).toBe(200);
    await purge({ ...BASIC, visibility: "private" });
    await breakTables(READ_MODEL);
    for (const t of READ_MODEL) broken.add(t);
  });

  afterAll(async () => {
    await mendTables(READ_MODEL);
    for (const t of READ_MODEL) broken.delete(t);
    await purge({ ...BASIC, visibility: "public" });
  });

  it("a stranger gets the sign-in page, never the copy", async () => {
    const res = await get("/");
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("Kept API");
  });

  it("a reader let in gets the private copy with its time", async () => {
    await expectKept(await get("/", { Cookie: cookie }), "/", /Kept API/);
  });

  it("a copy kept while the page was public is not served now that it is private", async () => {
    const res = await get("/history?lang=es", { Cookie: cookie });
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain("Kept");
  });

  it("with the settings unreadable, a stranger gets the 503 that names nothing; a reader let in still gets the copy", async () => {
    await purge({ ...BASIC, visibility: "private" });
    await breakTables(["page_settings"]);
    broken.add("page_settings");
    try {
      const stranger = await get("/", { "Cache-Control": "no-cache" });
      expect(stranger.status).toBe(503);
      const body = await stranger.text();
      expect(body).not.toContain("Kept");
      expect(body).not.toContain("Acme");
      await expectKept(await get("/", { Cookie: cookie, "Cache-Control": "no-cache" }), "/", /Kept API/);
    } finally {
      await mendTables(["page_settings"]);
      broken.delete("page_settings");
    }
  });
});

describe("per page: copies and held answers", () => {
  interface Page {
    id: number;
    slug: string;
    host: string;
    marker: string;
  }
  const rid = () => crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const PAGE_TABLES = ["page_settings", "page_hosts"];

  async function createPage(isPrivate: boolean): Promise<Page> {
    const slug = unique("kept");
    const marker = `mk${rid()}`;
    const t = new Date().toISOString();
    const row = await env.DB.prepare(
      `INSERT INTO page_settings (id, page_id, slug, name, url, time_zone, updated_at, visibility, page_password_hash, access_secret, allow_framing, language, header_links)
       VALUES ((SELECT max(coalesce(max(id), 0), 1) + 1 FROM page_settings), ?1, ?2, ?3, '', 'Etc/UTC', ?4, ?5, ?6, ?7, 1, 'en', '[]') RETURNING id`,
    )
      .bind(
        `pg${rid()}`,
        slug,
        `Kept page ${slug}`,
        t,
        isPrivate ? "private" : "public",
        isPrivate ? await hashPagePassword(PASSWORD) : null,
        isPrivate ? btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))) : null,
      )
      .first<{ id: number }>();
    const page: Page = { id: row!.id, slug, host: `${slug}.example.net`, marker };
    await env.DB.batch([
      env.DB.prepare("INSERT INTO page_hosts (host, page, created_at) VALUES (?1, ?2, ?3)").bind(page.host, page.id, t),
      env.DB.prepare(
        "INSERT INTO components (id, page, slug, name, position, status, auto_status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 0, 'major_outage', 'major_outage', ?5, ?5)",
      ).bind(rid(), page.id, unique("c"), `${marker} database`, t),
    ]);
    return page;
  }

  async function signIn(page: Page): Promise<string> {
    const res = await SELF.fetch(`https://${page.host}/access`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: PASSWORD, next: "/" }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const cookie = new RegExp(`(page_access_${page.id}=[^;]+)`).exec(res.headers.get("Set-Cookie") ?? "")?.[1] ?? "";
    expect(cookie).not.toBe("");
    return cookie;
  }

  const at = (url: string, headers: Record<string, string> = {}) => SELF.fetch(url, { headers, redirect: "manual" });
  /** The ways to reach a page: its own host, and the prefix under the install's host. */
  const ways = (p: Page) => [`https://${p.host}`, `${BASE}/p/${p.slug}`];

  let two: Page;
  let vault: Page;
  let other: Page;
  let vaultCookie = "";
  let otherCookie = "";

  beforeAll(async () => {
    await purge();
    two = await createPage(false);
    vault = await createPage(true);
    other = await createPage(true);
    vaultCookie = await signIn(vault);
    otherCookie = await signIn(other);
  });

  afterAll(async () => {
    if (broken.size) await mendTables([...broken]);
    broken.clear();
  });

  it("held answers are per page: page A's / rendered, then page B's / from the same isolate is B's own", async () => {
    await purge();
    const seen: Array<[string, Page | null]> = [
      [`https://${two.host}`, two],
      [`${BASE}/p/${two.slug}`, two],
      [BASE, null],
      [`https://${vault.host}`, vault],
      [`${BASE}/p/${vault.slug}`, vault],
      [`https://${other.host}`, other],
    ];
    // Twice: the second round is answered from what the isolate (or the edge) holds.
    for (const round of [1, 2]) {
      for (const [origin, page] of seen) {
        const cookie = page === vault ? vaultCookie : page === other ? otherCookie : "";
        const res = await at(`${origin}/`, cookie ? { Cookie: cookie } : {});
        expect(res.status, `${origin} round ${round}`).toBe(200);
        const body = await res.text();
        if (page) expect(body, origin).toContain(`${page.marker} database`);
        else expect(body, origin).toContain("Kept API");
        for (const q of [two, vault, other]) if (q !== page) expect(body, `${origin} shows ${q.slug}`).not.toContain(q.marker);
        if (page === null) expect(body).not.toContain("/p/");
        if (origin.includes("/p/")) expect(body, origin).toContain(`/p/${page!.slug}/`);
      }
    }
    // A stranger to the private page gets its sign-in, never a held copy; nor with another page's cookie.
    for (const origin of ways(vault)) {
      for (const headers of [{}, { Cookie: otherCookie }] as Array<Record<string, string>>) {
        const res = await at(`${origin}/`, headers);
        expect(res.status, origin).toBe(401);
        expect(await res.text()).not.toContain(vault.marker);
      }
    }
  });

  describe("with D1 failing", () => {
    const path = "/subscribe";

    beforeAll(async () => {
      await purge();
      // Page 2 and the private page keep copies of a path page 1 never rendered; page 1 keeps its own /.
      for (const origin of ways(two)) expect((await at(`${origin}${path}`)).status, origin).toBe(200);
      for (const origin of ways(two)) expect((await at(`${origin}/`)).status, origin).toBe(200);
      for (const origin of ways(vault)) expect((await at(`${origin}/`, { Cookie: vaultCookie })).status, origin).toBe(200);
      expect((await at(`${BASE}/`)).status).toBe(200);
      await purge();
      await breakTables(READ_MODEL);
      for (const t of READ_MODEL) broken.add(t);
    });

    afterAll(async () => {
      await mendTables(READ_MODEL);
      for (const t of READ_MODEL) broken.delete(t);
    });

    async function expectPerPage() {
      // Page 1, same path: its own copy or none, never page 2's.
      const mine = await at(`${BASE}${path}`, { "Cache-Control": "no-cache" });
      expect(mine.status).toBe(503);
      expect(await mine.text()).not.toContain(two.marker);
      const home = await expectKept(await at(`${BASE}/`, { "Cache-Control": "no-cache" }), "/", /Kept API/);
      for (const q of [two, vault]) expect(home).not.toContain(q.marker);
      // Page 2 under its host and its prefix: its own copy, its own links.
      for (const origin of ways(two)) {
        const body = await expectKept(await at(`${origin}${path}`, { "Cache-Control": "no-cache" }), path, new RegExp(two.marker));
        expect(body).not.toContain("Kept API");
        if (origin.includes("/p/")) expect(body).toContain(`/p/${two.slug}/`);
        else expect(body).not.toContain("/p/");
      }
      // A host no request came by yet names page 1 but nothing was read for it: nothing of page 2 either.
      const unknown = await at(`https://${unique("nowhere")}.example.org${path}`, { "Cache-Control": "no-cache" });
      expect(unknown.status).toBe(503);
      expect(await unknown.text()).not.toContain(two.marker);
      // The private page's copy: refused to a stranger and to another page's cookie (by its name or under the
      // private page's name), served to its own reader.
      const forged = otherCookie.replace(`page_access_${other.id}=`, `page_access_${vault.id}=`);
      for (const origin of ways(vault)) {
        for (const headers of [{}, { Cookie: otherCookie }, { Cookie: forged }] as Array<Record<string, string>>) {
          const res = await at(`${origin}/`, { ...headers, "Cache-Control": "no-cache" });
          expect([401, 503], origin).toContain(res.status);
          expect(await res.text(), origin).not.toContain(vault.marker);
        }
        await expectKept(await at(`${origin}/`, { Cookie: vaultCookie, "Cache-Control": "no-cache" }), "/", new RegExp(vault.marker));
      }
      // Nor does page 1 or page 2 ever get the private page's copy of /.
      for (const origin of [BASE, ...ways(two)]) {
        const res = await at(`${origin}/`, { Cookie: vaultCookie, "Cache-Control": "no-cache" });
        expect(await res.text(), origin).not.toContain(vault.marker);
      }
    }

    it("the read model unreadable: each page is answered its own copy, never another page's", async () => {
      await expectPerPage();
    });

    it("the pages unreadable too: the gate decides on what was read for the request's own address", async () => {
      await purge();
      await breakTables(PAGE_TABLES);
      for (const t of PAGE_TABLES) broken.add(t);
      try {
        await expectPerPage();
      } finally {
        await mendTables(PAGE_TABLES);
        for (const t of PAGE_TABLES) broken.delete(t);
      }
    });
  });
});

// The reader's language, through the built worker: ?lang= (remembered in a cookie), Accept-Language,
// the page's default; the edge cache keeps one copy per language and no request picks another
// reader's; the Statuspage API stays English.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, createComponent } from "./helpers";

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
const lang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

const SETTINGS = { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };

beforeAll(async () => {
  expect((await admin("PUT", "/settings", { ...SETTINGS, language: "en" })).status).toBe(200);
  await createComponent("Checkout");
});

describe("the public page in the reader's language", () => {
  it.each([
    ["fr", "fr", "Tous les systèmes sont opérationnels", "Opérationnel"],
    ["ko-KR,ko;q=0.9", "ko", "모든 시스템 정상 운영 중", "정상 운영"],
    ["ja", "ja", "すべてのシステムが正常に稼働中", "正常稼働"],
    ["de-DE,de;q=0.9,en;q=0.5", "de", "Alle Systeme betriebsbereit", "Betriebsbereit"],
    ["es-ES", "es", "Todos los sistemas operativos", "Operativo"],
    ["pt", "pt-BR", "Todos os sistemas operacionais", "Operacional"],
    ["zh", "zh-CN", "所有系统运行正常", "正常运行"],
  ])("Accept-Language: %s gives <html lang=%s>", async (header, code, banner, status) => {
    const res = await get("/", { "Accept-Language": header });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(lang(html)).toBe(code);
    expect(html).toContain(banner);
    expect(html).toContain(`data-status="operational">${status}<`);
    expect(res.headers.get("Content-Language")).toBe(code);
    expect(res.headers.get("Vary")).toMatch(/Accept-Language/);
    expect(res.headers.get("Vary")).toMatch(/Cookie/);
  });

  it("?lang=ko gives a Korean page and remembers it in a cookie", async () => {
    const res = await get("/?lang=ko", { "Accept-Language": "fr" });
    const html = await res.text();
    expect(lang(html)).toBe("ko");
    expect(html).toContain("구성 요소");
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^lang=ko; Path=\/; Max-Age=31536000; SameSite=Lax/);
    // A response that sets a cookie is not for shared caches.
    expect(res.headers.get("Cache-Control")).toMatch(/private/);
    // The next page, without ?lang=, comes in Korean too: the cookie wins over Accept-Language.
    const next = await get("/history", { Cookie: "lang=ko", "Accept-Language": "fr" });
    expect(lang(await next.text())).toBe("ko");
    expect(next.headers.get("Set-Cookie")).toBeNull();
  });

  it("an unknown language falls back to the page's default, and the default is a setting", async () => {
    expect(lang(await (await get("/", { "Accept-Language": "sv-SE, nl;q=0.5" })).text())).toBe("en");
    const odd = await get("/?lang=klingon");
    expect(lang(await odd.text())).toBe("en");
    expect(odd.headers.get("Set-Cookie")).toBeNull();
    expect((await admin("PUT", "/settings", { ...SETTINGS, language: "de" })).status).toBe(200);
    try {
      expect(lang(await (await get("/", { "Accept-Language": "sv" })).text())).toBe("de");
      expect(lang(await (await get("/")).text())).toBe("de");
      // A reader's own language still wins over the default.
      expect(lang(await (await get("/", { "Accept-Language": "ja" })).text())).toBe("ja");
    } finally {
      await admin("PUT", "/settings", { ...SETTINGS, language: "en" });
    }
  });

  it("keeps one cached copy per language: no ?lang= or header gives other readers its copy", async () => {
    // Warm the cache in Korean, then ask plainly and in French: neither gets the Korean copy.
    for (let n = 0; n < 2; n++) await get("/?lang=ko");
    expect(lang(await (await get("/")).text())).toBe("en");
    expect(lang(await (await get("/", { "Accept-Language": "fr" })).text())).toBe("fr");
    // A made-up ?lang= (or one with markup) is not a cache key of its own and reaches no page.
    const hostile = await get(`/?lang=${encodeURIComponent('"><script>alert(1)</script>')}`);
    const html = await hostile.text();
    expect(lang(html)).toBe("en");
    expect(html).not.toContain("<script>alert(1)");
  });

  it("ETags differ per language, and a revalidation in the same language is a 304", async () => {
    const fr = await get("/", { "Accept-Language": "fr" });
    const de = await get("/", { "Accept-Language": "de" });
    const etag = fr.headers.get("ETag")!;
    expect(etag).not.toBe(de.headers.get("ETag"));
    const again = await get("/", { "Accept-Language": "fr", "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("Vary")).toMatch(/Accept-Language/);
    expect((await get("/", { "Accept-Language": "de", "If-None-Match": etag })).status).toBe(200);
  });

  it("history, permalinks and the 404 page speak it too", async () => {
    const history = await (await get("/history", { "Accept-Language": "fr" })).text();
    expect(history).toContain("Historique des incidents");
    const missing = await get("/incidents/nosuchincident", { "Accept-Language": "es" });
    expect(missing.status).toBe(404);
    const body = await missing.text();
    expect(lang(body)).toBe("es");
    expect(body).toContain("Incidente no encontrado");
    expect(body).toContain("<code>nosuchincident</code>");
    const other = await get("/no/such/page", { "Accept-Language": "ja" });
    expect(other.status).toBe(404);
    expect(await other.text()).toContain("ページが見つかりません");
  });

  it("dates go through Intl in the reader's language", async () => {
    const today = new Date();
    const fr = await (await get("/", { "Accept-Language": "fr" })).text();
    expect(fr).toContain(new Intl.DateTimeFormat("fr", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(today));
    expect(fr).toContain("il y a 90 jours");
    const ko = await (await get("/", { "Accept-Language": "ko" })).text();
    expect(ko).toContain("90일 전");
  });
});

describe("feeds and badges in the reader's language", () => {
  it("the feed's own words", async () => {
    const rss = await (await get("/history.rss?lang=fr")).text();
    expect(rss).toContain("<language>fr</language>");
    expect(rss).toContain("État de Acme");
    const atom = await (await get("/history.atom", { "Accept-Language": "de" })).text();
    expect(atom).toContain("Status von Acme");
  });

  it("the badge's label and message", async () => {
    const de = await (await get("/badge.svg", { "Accept-Language": "de" })).text();
    expect(de).toContain('aria-label="Status: alle systeme betriebsbereit"');
    const fr = await (await get("/badge.svg?lang=fr")).text();
    expect(fr).toContain("état: tous les systèmes sont opérationnels");
    const missing = await get("/badge/nope.svg?lang=es");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("componente: no encontrado");
    // English as before.
    expect(await (await get("/badge.svg")).text()).toContain('aria-label="status: all systems operational"');
  });
});

describe("the Statuspage API keeps English enums", () => {
  it("whatever the language asked for", async () => {
    const res = await get("/api/v2/summary.json?lang=fr", { "Accept-Language": "ko", Cookie: "lang=ja" });
    const json = (await res.json()) as { status: { description: string }; components: { status: string }[] };
    expect(json.status.description).toBe("All Systems Operational");
    expect(
      json.components.every((c) => ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"].includes(c.status)),
    ).toBe(true);
    expect(res.headers.get("Vary") ?? "").not.toMatch(/Accept-Language/);
    expect(res.headers.get("Content-Language")).toBeNull();
  });
});

describe("the default language setting", () => {
  it("is refused when the page has no such language", async () => {
    const res = await admin("PUT", "/settings", { ...SETTINGS, language: "tlh" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/language/);
    const row = await env.DB.prepare("SELECT language FROM page_settings WHERE id = 1").first<{ language: string }>();
    expect(row?.language).toBe("en");
  });
});

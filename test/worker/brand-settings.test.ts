// The page settings (language, brand, audience) through the admin API and onto the built worker's page: every one is
// returned by GET as it was set, shows where readers see it, and bad values are a 400 that names the
// field and writes nothing.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, createComponent } from "./helpers";

type Json = Record<string, unknown>;
const BASIC = { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };
const BRAND = {
  ...BASIC,
  language: "fr",
  logo_url: "https://cdn.acme.test/logo.svg",
  favicon_url: "https://cdn.acme.test/favicon.png",
  brand_color: "#6F42C1",
  header_links: [
    { label: "Acme home", url: "https://acme.test/" },
    { label: "Docs", url: "http://docs.acme.test/start" },
  ],
  support_url: "https://acme.test/support",
  footer_text: "© Acme Corp <all rights>",
};
const page = async (path = "/", headers: Record<string, string> = {}) => (await SELF.fetch(`${BASE}${path}`, { headers })).text();
const settings = async () => (await (await admin("GET", "/settings")).json()) as Json;

beforeAll(async () => {
  expect((await admin("PUT", "/settings", BASIC)).status).toBe(200);
});

describe("brand settings", () => {
  it("GET returns what PUT set, and the page shows it", async () => {
    const res = await admin("PUT", "/settings", BRAND);
    expect(res.status).toBe(200);
    const saved = (await res.json()) as Json;
    const expected = { ...BRAND, brand_color: "#6f42c1", visibility: "public", page_password_set: false };
    expect(saved).toMatchObject(expected);
    expect(await settings()).toMatchObject(expected);

    const res2 = await SELF.fetch(`${BASE}/`, { headers: { "Accept-Language": "sv" } });
    // The page may load its own logo and favicon, and no other outside image.
    expect(res2.headers.get("Content-Security-Policy")).toContain("img-src 'self' data: https://cdn.acme.test;");
    const html = await res2.text();
    // The default language is French: a reader whose language the page lacks gets it.
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('<img class="logo" src="https://cdn.acme.test/logo.svg"');
    expect(html).toContain('<link rel="icon" href="https://cdn.acme.test/favicon.png">');
    expect(html).toContain(":root{--link:#6f42c1;--brand:#6f42c1;--btn:#6f42c1}");
    expect(html).toContain('<header class="band">');
    expect(html).toContain('<a href="https://acme.test/" rel="noopener">Acme home</a>');
    expect(html).toContain('<a href="http://docs.acme.test/start" rel="noopener">Docs</a>');
    expect(html).toContain('<a href="https://acme.test/support" rel="noopener">Obtenir de l’aide</a>');
    // Footer text is text: its markup is escaped.
    expect(html).toContain("© Acme Corp &lt;all rights&gt;");
    expect(html).not.toContain("<all rights>");
  });

  it("a PUT that leaves the brand out keeps it; empty values clear it", async () => {
    expect((await admin("PUT", "/settings", BRAND)).status).toBe(200);
    expect((await admin("PUT", "/settings", { ...BASIC, name: "Acme Two" })).status).toBe(200);
    expect(await settings()).toMatchObject({ name: "Acme Two", logo_url: BRAND.logo_url, brand_color: "#6f42c1", language: "fr" });
    const cleared = await admin("PUT", "/settings", {
      ...BASIC,
      logo_url: "",
      favicon_url: null,
      brand_color: "",
      header_links: [],
      support_url: "",
      footer_text: "",
    });
    expect(cleared.status).toBe(200);
    expect(await settings()).toMatchObject({
      logo_url: null,
      favicon_url: null,
      brand_color: null,
      header_links: [],
      support_url: null,
      footer_text: null,
    });
    const html = await page();
    expect(html).not.toContain('class="logo"');
    expect(html).not.toContain("--brand:");
    expect(html).toContain("<header>");
  });

  it.each([
    ["#ffff00", /too light/],
    ["#ffffff", /too light/],
    ["#777777", /reaches 4\.4\d:1/],
    ["#66ccff", /4\.5:1 WCAG AA/],
  ])("refuses the brand colour %s with a 400 saying why, and writes nothing", async (colour, why) => {
    expect((await admin("PUT", "/settings", { ...BASIC, brand_color: "#0550ae" })).status).toBe(200);
    const res = await admin("PUT", "/settings", { ...BASIC, name: "Not saved", brand_color: colour });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; field?: string };
    expect(body.error).toMatch(why);
    expect(body.error).toContain("brand_color");
    expect(await settings()).toMatchObject({ name: "Acme", brand_color: "#0550ae" });
  });

  it.each<[string, Json]>([
    ["brand_color", { brand_color: "purple" }],
    ["brand_color", { brand_color: "#abc" }],
    ["logo_url", { logo_url: "javascript:alert(1)" }],
    ["logo_url", { logo_url: "data:image/svg+xml,<svg onload=alert(1)>" }],
    ["favicon_url", { favicon_url: "ftp://acme.test/favicon.ico" }],
    ["support_url", { support_url: "JavaScript:alert(1)" }],
    ["support_url", { support_url: "not a url" }],
    ["header_links", { header_links: [{ label: "x", url: "javascript:alert(1)" }] }],
    ["header_links", { header_links: [{ label: "", url: "https://acme.test" }] }],
    ["header_links", { header_links: Array.from({ length: 7 }, (_, n) => ({ label: `l${n}`, url: "https://acme.test" })) }],
    ["header_links", { header_links: "https://acme.test" }],
    ["footer_text", { footer_text: "x".repeat(501) }],
    ["language", { language: "xx" }],
    ["visibility", { visibility: "secret" }],
    ["page_password", { page_password: "short" }],
  ])("refuses a bad %s (400 naming it)", async (field, extra) => {
    const res = await admin("PUT", "/settings", { ...BASIC, ...extra });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(field);
  });
});

describe("component settings", () => {
  it("only_show_if_degraded hides a component from the page while it is operational", async () => {
    const c = await createComponent("Quiet CDN", { only_show_if_degraded: true });
    const listed = (await (await admin("GET", "/components")).json()) as { id: string; only_show_if_degraded: boolean }[];
    expect(listed.find((x) => x.id === c.id)?.only_show_if_degraded).toBe(true);
    expect(await page()).not.toContain("Quiet CDN");
    // The API still lists it, with the flag, as Statuspage does.
    const summary = (await (await SELF.fetch(`${BASE}/api/v2/summary.json`)).json()) as {
      components: { id: string; only_show_if_degraded: boolean }[];
    };
    expect(summary.components.find((x) => x.id === c.id)?.only_show_if_degraded).toBe(true);
    expect((await admin("PUT", `/components/${c.id}/status`, { status: "partial_outage" })).status).toBe(200);
    expect(await page()).toContain("Quiet CDN");
    expect((await admin("PATCH", `/components/${c.id}`, { only_show_if_degraded: false })).status).toBe(200);
    expect((await admin("PUT", `/components/${c.id}/status`, { status: "operational" })).status).toBe(200);
    expect(await page()).toContain("Quiet CDN");
  });

  it("a public description opens on tap, without script", async () => {
    const c = await createComponent("Payments", { description: "Card & bank <payments>" });
    const html = await page();
    const li = new RegExp(
      `<li class="c" data-id="${c.id}"[^>]*>\\s*<details><summary><span class="name">Payments</span>.*?</summary><p class="desc">Card &amp; bank &lt;payments&gt;</p></details>`,
    );
    expect(html).toMatch(li);
  });
});

describe("stored state", () => {
  it("keeps the settings in page_settings (migration 0005)", async () => {
    expect((await admin("PUT", "/settings", { ...BASIC, header_links: [{ label: "Home", url: "https://acme.test/" }] })).status).toBe(200);
    const row = await env.DB.prepare("SELECT header_links, visibility, language FROM page_settings WHERE id = 1").first<Json>();
    expect(JSON.parse(String(row?.header_links))).toEqual([{ label: "Home", url: "https://acme.test/" }]);
    expect(row?.visibility).toBe("public");
  });
});

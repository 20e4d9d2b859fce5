import { describe, expect, it } from "vitest";
import { chooseLanguage, format, LANGUAGES, MESSAGES, matchLanguage, negotiateLanguage } from "../../i18n";

/** Every leaf key of a message tree, dotted. */
const keys = (o: object, prefix = ""): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === "string" ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`)));
const leaf = (o: object, key: string) => key.split(".").reduce<unknown>((x, k) => (x as Record<string, unknown>)?.[k], o);

describe("message files", () => {
  const reference = keys(MESSAGES.en).sort();

  it("covers at least the eight languages the page promises", () => {
    expect(LANGUAGES).toEqual(expect.arrayContaining(["en", "fr", "ko", "de", "es", "ja", "pt-BR", "zh-CN"]));
  });

  it.each(LANGUAGES)("%s has every key English has, and no other", (lang) => {
    expect(keys(MESSAGES[lang]).sort()).toEqual(reference);
    for (const k of reference) expect(String(leaf(MESSAGES[lang], k)).trim(), `${lang} ${k}`).not.toBe("");
  });

  it.each(LANGUAGES)("%s keeps every placeholder of each English message", (lang) => {
    for (const k of reference) {
      const wanted = (String(leaf(MESSAGES.en, k)).match(/\{\w+\}/g) ?? []).sort();
      const got = (String(leaf(MESSAGES[lang], k)).match(/\{\w+\}/g) ?? []).sort();
      expect(got, `${lang} ${k}`).toEqual(wanted);
    }
  });

  it.each(LANGUAGES.filter((l) => l !== "en"))("%s is translated, not English copied", (lang) => {
    const same = reference.filter((k) => leaf(MESSAGES[lang], k) === leaf(MESSAGES.en, k) && !/\{/.test(String(leaf(MESSAGES.en, k))));
    // Words that are the same in many languages (API, Maintenance, Feed, Incident...) stay few.
    expect(same.length, same.join(", ")).toBeLessThan(8);
  });

  it("speaks the field's words", () => {
    expect(MESSAGES.fr.status.operational.toLowerCase()).toBe("opérationnel");
    expect(MESSAGES.fr.indicator.none).toContain("opérationnels");
    expect(MESSAGES.ko.status.operational).toBe("정상 운영");
    expect(MESSAGES.ja.update.investigating).toBe("調査中");
    expect(MESSAGES.de.update.resolved).toBe("Behoben");
    expect(MESSAGES.es.page.no_incidents).toBe("No se han registrado incidentes.");
  });

  it("fills placeholders and leaves unknown ones", () => {
    expect(format("{name} status", { name: "Acme" })).toBe("Acme status");
    expect(format("{name} {other}", { name: "A" })).toBe("A {other}");
  });
});

describe("language negotiation", () => {
  it.each([
    ["fr", "fr"],
    ["fr-FR,fr;q=0.9,en;q=0.8", "fr"],
    ["ko-KR", "ko"],
    ["de-CH;q=1", "de"],
    ["es-419", "es"],
    ["ja", "ja"],
    ["pt", "pt-BR"],
    ["pt-PT", "pt-BR"],
    ["PT-br", "pt-BR"],
    ["zh", "zh-CN"],
    ["zh-Hans-CN", "zh-CN"],
    ["en-US,en;q=0.9", "en"],
    // q-values order the choices, whatever the order they are written in.
    ["en;q=0.3, ja;q=0.8, fr;q=0.5", "ja"],
    ["de;q=0.5, ko", "ko"],
    // Ties keep the client's order.
    ["es;q=0.7, de;q=0.7", "es"],
    // An unsupported first choice falls to the next supported one.
    ["sv-SE, nl;q=0.9, fr;q=0.8", "fr"],
    // q=0 means "not this one".
    ["fr;q=0, de;q=0.1", "de"],
  ])("%s → %s", (header, lang) => {
    expect(negotiateLanguage(header, "en")).toBe(lang);
  });

  it.each([[""], [null], ["*"], ["sv, nl"], ["fr;q=0"], ["fr;q=abc"], ["<script>"], ["x".repeat(5000)]])("%s → the page's default", (header) => {
    expect(negotiateLanguage(header as string | null, "de")).toBe("de");
  });

  it("matches only well-formed tags", () => {
    expect(matchLanguage("zh-CN")).toBe("zh-CN");
    expect(matchLanguage("fr_FR")).toBeNull();
    expect(matchLanguage("../etc")).toBeNull();
    expect(matchLanguage("xx")).toBeNull();
  });

  it("prefers ?lang=, then the remembered cookie, then Accept-Language, then the default", () => {
    expect(chooseLanguage({ query: "ko", cookie: "de", acceptLanguage: "fr" }, "en")).toBe("ko");
    expect(chooseLanguage({ query: "klingon", cookie: "de", acceptLanguage: "fr" }, "en")).toBe("de");
    expect(chooseLanguage({ cookie: "bogus", acceptLanguage: "fr" }, "en")).toBe("fr");
    expect(chooseLanguage({ acceptLanguage: "sv" }, "ja")).toBe("ja");
    expect(chooseLanguage({}, "es")).toBe("es");
  });
});

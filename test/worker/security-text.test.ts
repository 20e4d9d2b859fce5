// Hostile alert text: control characters and ANSI colour codes from CI
// output, bidi overrides, and a sender echoing its own webhook URL. What is stored is clean, the feeds
// and badges still parse as XML, bidi text is isolated, and no surface shows an integration key.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, BASE, createComponent, createIntegration, post, rows } from "./helpers";

/** XML 1.0's Char production: what a conforming parser accepts, character by character. */
const NOT_XML_CHAR = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/**
 * Made only of XML 1.0 characters, every reference a valid one, and every element closed in order;
 * throws the first error. (The e2e test parses the same surfaces with Chromium's XML parser.)
 */
function assertXml(text: string) {
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16).padStart(4, "0")} is not allowed in XML 1.0`);
  // CDATA, comments and the declaration hold no markup to balance.
  const body = text
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<\?[\s\S]*?\?>/g, "");
  const ref = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(body);
  if (ref) throw new Error(`bad reference at ${ref.index}: ${body.slice(ref.index, ref.index + 12)}`);
  const open: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^<>]*?(\/?)>/g)) {
    if (m[1]) {
      if (open.pop() !== m[2]) throw new Error(`</${m[2]}> closes nothing open`);
    } else if (!m[3]) open.push(m[2]!);
  }
  if (open.length) throw new Error(`<${open.at(-1)}> is never closed`);
  if (/<(?![A-Za-z_/])/.test(body)) throw new Error("a bare < outside markup");
}

const HOSTILE = "\u001b[31mDB\u0000 down\u0007\u001b[0m \u202eevil\u202c \u0001\u0008\u000b\u000c\u001f\ufffe\ud800";

describe("assertXml (the check itself)", () => {
  it("refuses what a conforming parser refuses", () => {
    expect(() => assertXml("<a>\u0000</a>")).toThrow(/U\+0000/);
    expect(() => assertXml("<a><b></a>")).toThrow();
    expect(() => assertXml("<a>ok \u202e</a>")).not.toThrow();
  });
});

describe("control characters at ingestion", () => {
  it("are stripped from every stored text, and feeds and badges stay valid XML", async () => {
    const component = await createComponent("Ctl API");
    const integration = await createIntegration("generic", [component.id]);
    // The component name arrives through the admin API: cleaned there too.
    const renamed = await admin("PATCH", `/components/${component.id}`, { name: "Ctl\u0000 API\u001b[1m" });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { name: string }).name).toBe("Ctl API");
    const res = await post(`/hooks/generic/${integration.key}`, {
      dedup_key: "ctl-1",
      action: "trigger",
      severity: "critical",
      summary: HOSTILE,
      details: `stack:\u0000\n\u001b[33mwarn\u001b[0m line`,
      tags: { "env\u0000": "prod\u001b[0m" },
    });
    expect(res.status).toBe(202);
    const [alert] = await rows<{ summary: string; details: string; tags: string }>(
      "SELECT summary, details, tags FROM alerts WHERE integration_id = ?1",
      integration.id,
    );
    // (the adapter turns vertical tab and form feed into spaces, as it does all whitespace in a title)
    expect(alert!.summary).toMatch(/^DB down \u202eevil\u202c *$/);
    expect(alert!.details).toBe("stack:\nwarn line");
    expect(JSON.parse(alert!.tags)).toEqual({ env: "prod" });
    const [incident] = await rows<{ name: string }>(
      "SELECT i.name FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1",
      component.id,
    );
    expect(incident!.name).not.toMatch(/[\u0000-\u0008\u001b]/);

    for (const path of ["/history.rss", "/history.atom", "/badge.svg", `/badge/${component.slug}.svg`]) {
      const body = await (await SELF.fetch(`${BASE}${path}`)).text();
      expect(() => assertXml(body), path).not.toThrow();
    }
  });

  it("a NUL stored before this fix (an old row) still cannot break the badge or the feeds", async () => {
    const component = await createComponent("Legacy");
    const { env } = await import("cloudflare:test");
    await env.DB.prepare("UPDATE components SET name = ?2 WHERE id = ?1").bind(component.id, "Leg\u0000acy\u001b[31m").run();
    await admin("POST", "/incidents", { name: "Old\u0000 row", component_ids: [component.id] });
    await env.DB.prepare("UPDATE incidents SET name = ?1 WHERE name = 'Old row'").bind("Old\u0000 row").run();
    const badge = await (await SELF.fetch(`${BASE}/badge/${component.slug}.svg`)).text();
    expect(() => assertXml(badge)).not.toThrow();
    expect(badge).toContain("Legacy");
    for (const path of ["/history.rss", "/history.atom"]) {
      const body = await (await SELF.fetch(`${BASE}${path}`)).text();
      expect(() => assertXml(body), path).not.toThrow();
    }
  });
});

describe("bidi controls", () => {
  it("are isolated where text is shown: <bdi>/dir=auto in HTML, FSI…PDI in SVG and feed titles", async () => {
    const component = await createComponent("Bidi \u202eipa\u202c");
    const created = await admin("POST", "/incidents", { name: "Outage \u202etxet desrever", component_ids: [component.id] });
    const { id } = (await created.json()) as { id: string };
    const page = await (await SELF.fetch(`${BASE}/incidents/${id}`)).text();
    // The title is a heading of its own (a bidi paragraph of its own); names sharing a line get <bdi>.
    expect(page).toContain("<h1>Outage \u202etxet desrever</h1>");
    expect(page).toContain(`<bdi>Bidi \u202eipa\u202c</bdi>`);
    const badge = await (await SELF.fetch(`${BASE}/badge/${component.slug}.svg`)).text();
    expect(badge).toContain("\u2068Bidi \u202eipa\u202c\u2069");
    const rss = await (await SELF.fetch(`${BASE}/history.rss`)).text();
    expect(rss).toContain("\u2068Outage \u202etxet desrever\u2069");
  });
});

describe("integration keys in published text", () => {
  it("are masked on summary.json, incidents.json, the permalink and both feeds; operators' alert keeps them hidden too", async () => {
    const component = await createComponent("Echo");
    // Verbatim text (public_text "full"): the default already drops URLs from titles.
    const integration = await createIntegration("generic", [component.id], { public_text: "full" });
    const other = await createIntegration("generic");
    const res = await post(`/hooks/generic/${integration.key}`, {
      dedup_key: "echo-1",
      action: "trigger",
      severity: "critical",
      summary: `POST ${BASE}/hooks/generic/${integration.key} failed (also ${other.key})`,
      details: `retrying ${integration.webhook_url}`,
    });
    expect(res.status).toBe(202);
    const incidents = (await (await SELF.fetch(`${BASE}/api/v2/incidents.json`)).json()) as {
      incidents: Array<{ id: string; name: string }>;
    };
    const incident = incidents.incidents.find((i) => i.name.includes("failed"))!;
    expect(incident.name).toBe(`POST ${BASE}/hooks/generic/[redacted key] failed (also [redacted key])`);
    for (const path of ["/api/v2/summary.json", "/api/v2/incidents.json", `/incidents/${incident.id}`, "/history.rss", "/history.atom", "/"]) {
      const body = await (await SELF.fetch(`${BASE}${path}`)).text();
      expect(body, path).not.toContain(integration.key);
      expect(body, path).not.toContain(other.key);
    }
    const alerts = await (await admin("GET", "/alerts?firing=1")).text();
    expect(alerts).not.toContain(integration.key);
    // Stored as sent: the operator's record is complete, masking happens where text is published.
    const [stored] = await rows<{ summary: string }>("SELECT summary FROM alerts WHERE integration_id = ?1", integration.id);
    expect(stored!.summary).toContain(integration.key);
  });
});

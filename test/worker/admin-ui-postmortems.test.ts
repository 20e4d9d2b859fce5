// The admin UI's postmortem and recurring maintenance forms, as a browser without JavaScript posts
// them (signed-in session, CSRF token from the page, 303 back with the result).
import { SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { admin, BASE, createComponent, rows } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

class Operator {
  cookie = "";
  csrf = "";
  async login() {
    const res = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.30" },
      body: new URLSearchParams({ token: "test-admin-token-0123456789abcdef0123", name: "pm-op" }).toString(),
    });
    expect(res.status).toBe(303);
    this.cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    return this;
  }
  async page(path: string): Promise<string> {
    const res = await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: this.cookie } });
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.csrf;
    return html;
  }
  async submit(path: string, fields: Record<string, string | string[]>, from: string) {
    const body = new URLSearchParams({ _csrf: this.csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const res = await SELF.fetch(`${BASE}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: this.cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Referer: `${BASE}${from}` },
      body: body.toString(),
    });
    const html = await res.text();
    return { status: res.status, code: new URL(res.headers.get("location") ?? "/", BASE).searchParams.get("ok"), html };
  }
}

describe("admin UI", () => {
  it("drafts, previews and publishes a resolved incident's postmortem", async () => {
    const comp = await createComponent("UI postmortem");
    const incident = (await (await admin("POST", "/incidents", { name: "Login outage", body: "Down.", component_ids: [comp.id] })).json()) as { id: string };
    const op = await new Operator().login();
    // Open: no postmortem form yet.
    expect(await op.page(`/admin/incidents/${incident.id}`)).not.toContain('id="postmortem"');
    await admin("POST", `/incidents/${incident.id}/updates`, { status: "resolved", body: "Fixed." });
    const from = `/admin/incidents/${incident.id}`;
    expect(await op.page(from)).toContain('id="postmortem"');
    const saved = await op.submit(`/admin/incidents/${incident.id}/postmortem`, { body: "## Cause\n\nA <script>alert(1)</script> expired certificate." }, from);
    expect(saved).toMatchObject({ status: 303, code: "postmortem_saved" });
    const preview = await op.page(from);
    expect(preview).toContain("<h2>Cause</h2>");
    expect(preview).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(preview).not.toContain("<script>alert(1)");
    expect(preview).toContain("A draft: only operators see it");
    expect(await op.submit(`/admin/incidents/${incident.id}/postmortem/publish`, { notify: "yes" }, from)).toMatchObject({ code: "postmortem_published" });
    const [row] = await rows<{ published: string | null; notified: string | null }>(
      "SELECT postmortem_published_at AS published, postmortem_notified_at AS notified FROM incidents WHERE id = ?1",
      incident.id,
    );
    expect(row!.published).toMatch(/Z$/);
    expect(row!.notified).toBe(row!.published);
    expect(await op.page(from)).toContain("told to subscribers and channels");
    // Withdrawing needs the confirmation.
    expect((await op.submit(`/admin/incidents/${incident.id}/postmortem/delete`, {}, from)).status).toBe(400);
    expect(await op.submit(`/admin/incidents/${incident.id}/postmortem/delete`, { confirm: "yes" }, from)).toMatchObject({ code: "postmortem_deleted" });
  });

  it("creates a weekly rule and shows its next occurrences; a bad rule answers with the field's problem", async () => {
    const comp = await createComponent("UI rules");
    const op = await new Operator().login();
    await op.page("/admin/maintenances");
    const fields = {
      name: "Sunday patching",
      frequency: "weekly",
      weekdays: ["7"],
      start_time: "02:00",
      duration_minutes: "90",
      starts_on: new Date().toISOString().slice(0, 10),
      component_ids: [comp.id],
    };
    expect(await op.submit("/admin/maintenance-rules", fields, "/admin/maintenances")).toMatchObject({ status: 303, code: "rule_saved" });
    const html = await op.page("/admin/maintenances");
    const card = html.slice(html.indexOf("Sunday patching"));
    expect(card).toContain("Weekly on Sun at 02:00 for 90 minutes");
    expect(card.slice(0, card.indexOf("</ul>")).match(/<li>/g)).toHaveLength(5);
    const bad = await op.submit("/admin/maintenance-rules", { ...fields, weekdays: [] }, "/admin/maintenances");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("`weekdays` must name at least one day");
  });
});

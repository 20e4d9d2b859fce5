// What the admin UI's route groups share: the page's common data (actor, time zone, the result of the
// last form), the closed table of those results, and form routes that answer with a 303 back to where
// the operator was.
import type { Context, Hono } from "hono";
import { type AdminCtx, adminContext, getSettings } from "../admin/catalog";
import { type Flash, page } from "../admin/layout";
import { MessagePage } from "../admin/views-logs";
import type { AdminEnv } from "../auth";
import { baseUrl } from "../cache";
import { HttpError, uniqueViolation } from "../errors";

export const ctxOf = (c: Context<AdminEnv>): AdminCtx => adminContext(c.env, c.get("actor"), baseUrl(c), c.get("page"));

/** Awaits every value of `parts` at once, keeping their names. */
export async function together<T extends Record<string, unknown>>(parts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const values = await Promise.all(Object.values(parts));
  return Object.fromEntries(Object.keys(parts).map((k, i) => [k, values[i]])) as T;
}

export async function common(c: Context<AdminEnv>) {
  const settings = await getSettings(c.env.DB, c.get("page"));
  // A code from the table, or nothing: a link cannot make the admin show text of its author's choosing.
  const code = c.req.query("ok") ?? "";
  const flash: Flash = { ok: Object.hasOwn(FLASH, code) ? FLASH[code as FlashCode] : undefined };
  return { actor: c.get("actor"), tz: settings.time_zone, flash };
}

/** The results a form reports after its redirect, by code (`?ok=<code>`); nothing else is ever shown. */
const FLASH = {
  incident_resolved: "Incident resolved.",
  incident_opened: "Incident opened.",
  update_investigating: "Update posted: investigating.",
  update_identified: "Update posted: identified.",
  update_monitoring: "Update posted: monitoring.",
  update_resolved: "Update posted: resolved.",
  update_scheduled: "Update posted: scheduled.",
  update_in_progress: "Update posted: in progress.",
  update_verifying: "Update posted: verifying.",
  update_completed: "Update posted: completed.",
  override_set: "Status override set: the component shows it until the override is cleared.",
  override_cleared: "Override cleared: the component follows its alerts again.",
  component_created: "Component created.",
  component_saved: "Component saved.",
  component_deleted: "Component deleted.",
  moved: "Moved.",
  group_created: "Group created.",
  group_saved: "Group saved.",
  group_deleted: "Group deleted; its components moved to the top level.",
  integration_enabled: "Integration enabled.",
  integration_disabled: "Integration disabled: its deliveries are refused and its firing alerts resolved.",
  integration_deleted: "Integration deleted; its firing alerts resolved.",
  integration_components: "Integration's components saved.",
  integration_publication: "Publication saved: it applies to the integration's next alerts.",
  draft_published: "Published: it is on the public page and its notifications are sent.",
  draft_discarded: "Discarded: it never reaches the public.",
  signature_checked: "Signature settings saved: deliveries must be signed.",
  signature_not_checked: "Signature settings saved: deliveries are not signature-checked.",
  sns_verified: "SNS settings saved: each message's signature is verified.",
  sentry_saved: "Sentry settings saved.",
  heartbeat_saved: "Heartbeat settings saved.",
  template_saved: "Incident template saved.",
  template_deleted: "Incident template deleted; integrations and links using it went back to the default words.",
  integration_template: "Incident template saved: the integration's next incidents use it.",
  sns_not_verified: "SNS settings saved: signatures are not verified (relays and tests only).",
  mapping_saved: "Mapping saved: deliveries are read through it from now on.",
  link_added: "Link added.",
  link_added_routed: "Link added; the firing alerts it matches are routed through it.",
  link_removed: "Link removed.",
  alert_linked: "Linked: the firing alerts it matches are routed.",
  alert_resolved: "Alert resolved: its components follow their other alerts.",
  maintenance_scheduled: "Maintenance scheduled.",
  maintenance_started: "Maintenance started.",
  postmortem_saved: "Postmortem saved.",
  postmortem_published: "Postmortem published: it is on the incident's public page, in the API and the feeds.",
  postmortem_deleted: "Postmortem removed.",
  rule_saved: "Recurring maintenance saved: its occurrences to come follow it.",
  rule_deleted: "Recurring maintenance deleted with its occurrences to come.",
  settings_saved: "Settings saved.",
  backlog_projected: "The backlog is in the database.",
  page_created: "Page created: pick it in the page switcher to give it components.",
  page_saved: "Page saved.",
  page_deleted: "Page deleted.",
  key_revoked: "Key revoked: it opens nothing from now on.",
} as const;
export type FlashCode = keyof typeof FLASH;

/** Where to send the operator after a form: the page they posted from, else `fallback`. */
function backTo(c: Context, fallback: string): string {
  const ref = c.req.header("referer");
  if (ref) {
    try {
      const u = new URL(ref);
      if (u.origin === new URL(c.req.url).origin && u.pathname.startsWith("/admin") && u.pathname !== "/admin/login") {
        u.searchParams.delete("ok");
        u.searchParams.delete("error");
        return u.pathname + u.search;
      }
    } catch {
      /* fall back */
    }
  }
  return fallback;
}

export function redirectWith(c: Context, path: string, flash: { ok: FlashCode }): Response {
  const [p, q = ""] = path.split("?");
  const params = new URLSearchParams(q);
  params.set("ok", flash.ok);
  const qs = params.toString();
  return c.redirect(`${p}${qs ? `?${qs}` : ""}`, 303);
}

/** A form's fields: strings, with the empty ones as "not given". */
export class Form {
  constructor(private readonly data: Record<string, unknown>) {}
  all(k: string): string[] {
    const v = this.data[k];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
  }
  str(k: string): string {
    return this.all(k)[0] ?? "";
  }
  opt(k: string): string | undefined {
    const v = this.str(k).trim();
    return v === "" ? undefined : v;
  }
  /** Integers stay numbers for the schema to check; "" is not given. */
  int(k: string): number | undefined {
    const v = this.opt(k);
    return v === undefined ? undefined : Number(v);
  }
  /** `component_<id>` selects: "" no change, "auto" back to automatic, else a status. */
  componentStatuses(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const key of Object.keys(this.data)) {
      if (!key.startsWith("component_") || key === "component_ids" || key === "component_id" || key === "component_status") continue;
      const v = this.str(key);
      if (v) out[key.slice("component_".length)] = v === "auto" ? null : v;
    }
    return out;
  }
  confirmed(): boolean {
    return this.str("confirm") === "yes";
  }
}

/**
 * A form handler: runs the action, then 303 back with its result; an error the operator can fix
 * (HttpError) comes back as the flash error, on the same page.
 */
function form(fallback: string | ((c: Context<AdminEnv>) => string), run: (c: Context<AdminEnv>, f: Form) => Promise<FlashCode | Response>) {
  return async (c: Context<AdminEnv>) => {
    const back = backTo(c, typeof fallback === "string" ? fallback : fallback(c));
    try {
      const f = new Form(await c.req.parseBody({ all: true }));
      const result = await run(c, f);
      return typeof result === "string" ? redirectWith(c, back, { ok: result }) : result;
    } catch (e) {
      // The error answers this very post (never a URL anyone could send the operator): its text is
      // the server's, about the operator's own input.
      const known = e instanceof HttpError ? e : uniqueViolation(e);
      if (known) return page(c, <MessagePage title="Not done" message={known.message} back={back} />, known.status);
      throw e;
    }
  };
}

/** Form routes on `app`: `run` does the action; the operator is sent back to `back` with its result. */
export const formRoutes =
  (app: Hono<AdminEnv>) =>
  (path: string, back: Parameters<typeof form>[0], run: Parameters<typeof form>[1]): void => {
    app.post(path, form(back, run));
  };

export function requireConfirm(f: Form) {
  if (!f.confirmed()) throw new HttpError(400, "Tick “sure” to confirm.", "confirm");
}

export const pathId = (c: Context) => {
  const id = c.req.param("id") ?? "";
  if (!/^[a-z0-9]{12}$/.test(id)) throw new HttpError(404, "no such item");
  return id;
};

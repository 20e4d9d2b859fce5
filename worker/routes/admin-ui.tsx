// The admin UI's routes: pages (GET) and forms (POST, answered with a 303 back to where the operator
// was, carrying a one-line result). Forms build the same inputs as the JSON API and go through the
// same validation and actions, so both behave alike.
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { audit } from "../../db/audit";
import { constantTimeEqual } from "../../domain/ids";
import { page } from "../admin/layout";
import { LoginPage, MessagePage } from "../admin/views-logs";
import {
  type AdminEnv,
  accessConfig,
  adminTokenProblem,
  crossSite,
  endSession,
  findSession,
  rateLimited,
  requireAdminSession,
  revokeSessions,
  SESSION_COOKIE,
  startSession,
} from "../auth";
import { clientAddress } from "../security/rate-limit";
import { catalogUi } from "./admin-catalog-ui";
import { channelsUi } from "./admin-channels-ui";
import { importUi } from "./admin-import-ui";
import { incidentsUi } from "./admin-incidents-ui";
import { integrationsUi } from "./admin-integrations-ui";
import { logsUi } from "./admin-logs-ui";
import { maintenanceUi } from "./admin-maintenance-ui";
import { pagesUi, selectPage } from "./admin-pages-ui";
import { subscribersUi } from "./admin-subscribers-ui";
import { templatesUi } from "./admin-templates-ui";
import { Form } from "./admin-ui-forms";

export const adminUi = new Hono<AdminEnv>();

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const session = requireAdminSession({
  unauthenticated: (c) =>
    c.req.method === "GET" || c.req.method === "HEAD"
      ? page(c, <LoginPage accessConfigured={!!accessConfig(c.env)} />, 401)
      : page(c, <MessagePage title="Signed out" message="Your session has expired or you are not signed in: sign in again, then retry." />, 401),
  forbidden: (c, reason) => page(c, <MessagePage title="Refused" message={reason} />, 403),
});

adminUi.use("*", async (c, next) => {
  const path = c.req.path;
  if (path === "/admin/api" || path.startsWith("/admin/api/")) return next();
  if (path === "/admin/login") await next();
  else {
    const refused = await session(c, () => selectPage(c, next));
    if (refused) c.res = refused;
  }
  c.header("Content-Security-Policy", CSP);
  c.header("X-Frame-Options", "DENY");
  // Same-origin referrers let a form send the operator back where they were; nothing leaks out.
  c.header("Referrer-Policy", "same-origin");
});

// ── Sign-in ─────────────────────────────────────────────────────────────────

adminUi.get("/login", async (c) => {
  const token = c.env.ADMIN_TOKEN;
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!adminTokenProblem(token) && cookie && (await findSession(c.env.DB, token!, cookie))) return c.redirect("/admin", 303);
  return page(c, <LoginPage accessConfigured={!!accessConfig(c.env)} />);
});

/**
 * The label the audit log records for a sign-in: the name given, unless it is empty or has anything
 * to do with the token (contains it, or is a piece of it: a token pasted into the wrong field, or half
 * of one), so the token never reaches the audit log.
 */
export function loginActor(name: string, token: string): string {
  const label = name
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .trim()
    .slice(0, 60);
  if (!label) return "admin";
  const lower = label.toLowerCase();
  const t = token.toLowerCase();
  if (lower.includes(t) || (label.length >= 8 && t.includes(lower))) return "admin";
  // Any 8-character stretch of the token inside the name (the token with a typo, cut or wrapped).
  for (let i = 0; i + 8 <= t.length; i++) if (lower.includes(t.slice(i, i + 8))) return "admin";
  return `${label} (token)`;
}

adminUi.post("/login", async (c) => {
  const token = c.env.ADMIN_TOKEN;
  const accessConfigured = !!accessConfig(c.env);
  const problem = adminTokenProblem(token);
  if (problem || !token) return page(c, <LoginPage error={`${problem}.`} accessConfigured={accessConfigured} />, 401);
  if (crossSite(c)) return page(c, <MessagePage title="Refused" message="This request came from another site." />, 403);
  const db = c.env.DB;
  const f = new Form(await c.req.parseBody({ all: true }));
  const given = f.str("token");
  const ok = !!given && (await constantTimeEqual(given, token));
  const refused = await rateLimited(c, "login", ok, (retryAfter) =>
    page(
      c,
      <LoginPage error={`Too many failed sign-ins from your address: wait ${Math.ceil(retryAfter / 60)} minutes.`} accessConfigured={accessConfigured} />,
      429,
    ),
  );
  if (refused) return refused;
  const { bucket } = clientAddress(c);
  // A wrong token is counted (failed_attempts, by rateLimited), not written to the audit log row by row.
  if (!ok) return page(c, <LoginPage error="Wrong token." accessConfigured={accessConfigured} />, 401);
  // The name is only a label for the audit log; never the token pasted into the wrong field.
  const actor = loginActor(f.str("name"), token);
  await startSession(c, token, actor);
  await audit(db, actor, "login", "session", null, null, { client: bucket }).run();
  return c.redirect("/admin", 303);
});

// Sign-out ends the session in D1, not only in this browser: a copied cookie opens nothing after it.
adminUi.post("/logout", async (c) => {
  const db = c.env.DB;
  const id = c.get("sessionId");
  endSession(c);
  await db.batch([...(id ? [revokeSessions(db, { id })] : []), audit(db, c.get("actor"), "logout", "session", null, null, null)]);
  return c.redirect("/admin/login", 303);
});

adminUi.post("/logout/everywhere", async (c) => {
  const db = c.env.DB;
  endSession(c);
  await db.batch([revokeSessions(db, "everywhere"), audit(db, c.get("actor"), "logout.everywhere", "session", null, null, null)]);
  return c.redirect("/admin/login", 303);
});

// Each group of pages with its forms; the middleware above signs the operator in and checks every form.
adminUi.route("/", incidentsUi);
adminUi.route("/", maintenanceUi);
adminUi.route("/", catalogUi);
adminUi.route("/", integrationsUi);
adminUi.route("/", templatesUi);
adminUi.route("/", logsUi);
adminUi.route("/", subscribersUi);
adminUi.route("/", importUi);
// Notification channels and the notification log (worker/routes/admin-channels-ui.tsx).
adminUi.route("/", channelsUi);
// Pages, host names and operator keys, and the switch between pages (worker/routes/admin-pages-ui.tsx).
adminUi.route("/", pagesUi);

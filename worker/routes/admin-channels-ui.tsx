// The admin UI's notification pages (/admin/channels, /admin/notifications), mounted inside the
// admin UI (worker/routes/admin-ui.tsx), whose middleware signs the operator in and checks every form's CSRF
// token. Forms build the same inputs as the JSON API and go through the same validation.
import { type Context, Hono } from "hono";
import { componentChoices, listChannels, pageTimeZone } from "../../db/channels";
import { listNotifications } from "../../db/notifications";
import { channelCreate, channelJson, createChannel, deleteChannel, logFilter, notificationJson, requireChannel, testChannel } from "../admin/channels";
import { type Flash, page } from "../admin/layout";
import { ChannelsPage, NotificationsPage } from "../admin/views-channels";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";
import { validate } from "../validate";

export const channelsUi = new Hono<AdminEnv>();

/** What `?ok=` may say after a redirect: a closed table, so a link cannot make the page say anything else. */
const FLASH = { channel_deleted: "Channel deleted: it hears of nothing more." } as const;

async function common(c: Context<AdminEnv>, flash: Flash = {}) {
  const code = c.req.query("ok") ?? "";
  const ok = Object.hasOwn(FLASH, code) ? FLASH[code as keyof typeof FLASH] : undefined;
  return { actor: c.get("actor"), tz: await pageTimeZone(c.env.DB), flash: { ok, ...flash } };
}

async function channelsPage(c: Context<AdminEnv>, extra: Partial<Parameters<typeof ChannelsPage>[0]> = {}, status: 200 | 201 | 400 | 404 = 200) {
  const [base, channels, components] = await Promise.all([
    common(c, extra.flash),
    listChannels(c.env.DB, c.get("page")),
    componentChoices(c.env.DB, c.get("page")),
  ]);
  return page(
    c,
    <ChannelsPage {...base} {...extra} flash={{ ...base.flash, ...extra.flash }} channels={channels.map(channelJson)} components={components} />,
    status,
  );
}

const pathId = (c: Context) => {
  const id = c.req.param("id") ?? "";
  if (!/^[a-z0-9]{12}$/.test(id)) throw new HttpError(404, "no such channel");
  return id;
};

/** A form's error the operator can fix comes back on the channels page itself. */
const guarded = (run: (c: Context<AdminEnv>, form: Record<string, string | File | (string | File)[]>) => Promise<Response>) => async (c: Context<AdminEnv>) => {
  try {
    return await run(c, await c.req.parseBody({ all: true }));
  } catch (e) {
    if (e instanceof HttpError) return channelsPage(c, { flash: { error: e.message } }, e.status === 404 ? 404 : 400);
    throw e;
  }
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string" && x !== "");
const str = (v: unknown) => strings(v)[0]?.trim() ?? "";

channelsUi.get("/channels", (c) => channelsPage(c));

// The answer is the page itself, not a redirect: a webhook's secret is shown in it and never again.
channelsUi.post(
  "/channels",
  guarded(async (c, f) => {
    const kind = str(f.kind);
    const componentIds = strings(f.component_ids);
    const events = strings(f.events);
    const body: Record<string, unknown> = {
      kind,
      name: str(f.name),
      component_ids: componentIds.length ? componentIds : null,
      events: events.length ? events : null,
      ...(str(f.all_pages) === "yes" ? { all_pages: true } : {}),
    };
    if (kind === "email") body.email = str(f.email);
    else if (kind === "datadog") Object.assign(body, { api_key: str(f.api_key), site: str(f.site) || undefined });
    else body.url = str(f.url);
    if (body.all_pages && c.get("pages") !== null) throw new HttpError(403, "A channel of every page needs an operator of every page.");
    const created = await createChannel({ env: c.env, actor: c.get("actor"), page: c.get("page") }, validate(channelCreate, body));
    return channelsPage(c, { created, flash: { ok: `Channel “${created.name}” added.` } }, 201);
  }),
);

channelsUi.post(
  "/channels/:id/test",
  guarded(async (c) => {
    const id = pathId(c);
    const channel = await requireChannel(c.env.DB, id, c.get("page"));
    const result = await testChannel(c.env, id, c.get("page"));
    return channelsPage(c, { tested: { name: channel.name, ...result } });
  }),
);

channelsUi.post(
  "/channels/:id/delete",
  guarded(async (c, f) => {
    if (str(f.confirm) !== "yes") throw new HttpError(400, "Tick “sure” to confirm.");
    await deleteChannel({ env: c.env, actor: c.get("actor"), page: c.get("page") }, pathId(c));
    return c.redirect("/admin/channels?ok=channel_deleted", 303);
  }),
);

channelsUi.get("/notifications", async (c) => {
  let filter: ReturnType<typeof logFilter>;
  try {
    filter = logFilter((n) => c.req.query(n));
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    filter = {} as ReturnType<typeof logFilter>;
  }
  const [base, notifications, channels] = await Promise.all([common(c), listNotifications(c.env.DB, filter), listChannels(c.env.DB)]);
  return page(c, <NotificationsPage {...base} notifications={notifications.map(notificationJson)} channels={channels.map(channelJson)} filter={filter} />);
});

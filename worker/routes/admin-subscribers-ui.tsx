/** The admin UI's Subscribers page: the list, adding one (confirmed at once) and removing one, and the CSV export. */
import { type Context, Hono } from "hono";
import { getComponents } from "../../db/queries";
import { readPageSettings } from "../../db/settings";
import { countSubscribers, listSubscribers } from "../../db/subscribers";
import { DEFAULT_LANGUAGE } from "../../i18n";
import { page } from "../admin/layout";
import { csvExport, listQuery, subscriberId, subscriberOnPage } from "../admin/subscribers";
import { SubscribersPage } from "../admin/views-subscribers";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";
import { subscriptionCreate } from "../subscriptions/schemas";
import { addSubscriber, checkChoices, removeSubscriber, subscriberJson } from "../subscriptions/subscribe";
import { validate } from "../validate";

export const subscribersUi = new Hono<AdminEnv>();

/** What a form reports after its redirect (`?ok=<code>`): a code from this table, never free text. */
const FLASH = { added: "Subscriber added, confirmed.", removed: "Subscriber removed." } as const;

async function showPage(c: Context<AdminEnv>, status: 200 | 400 | 404 | 409 = 200, error?: string) {
  const db = c.env.DB;
  const { pageId } = await readPageSettings(db, c.get("page"));
  const [components, counts, list] = await Promise.all([
    getComponents(db, pageId),
    countSubscribers(db),
    listSubscribers(db, { ...listQuery(c), page: c.get("page") }),
  ]);
  const code = c.req.query("ok") ?? "";
  return page(
    c,
    <SubscribersPage
      actor={c.get("actor")}
      flash={{ ok: Object.hasOwn(FLASH, code) ? FLASH[code as keyof typeof FLASH] : undefined, error }}
      subscribers={list.map(subscriberJson)}
      counts={counts}
      components={components.filter((x) => !x.group).map((x) => ({ id: x.id, name: x.name }))}
    />,
    status,
  );
}

subscribersUi.get("/subscribers", (c) => showPage(c));
subscribersUi.get("/subscribers.csv", csvExport);

/** A form's outcome: back to the list with its code, or the list again with the error it hit. */
async function act(c: Context<AdminEnv>, run: (form: Record<string, string | File | (string | File)[]>) => Promise<keyof typeof FLASH>) {
  try {
    const code = await run(await c.req.parseBody({ all: true }));
    return c.redirect(`/admin/subscribers?ok=${code}`, 303);
  } catch (err) {
    if (err instanceof HttpError && (err.status === 400 || err.status === 404 || err.status === 409)) return showPage(c, err.status, err.message);
    throw err;
  }
}

subscribersUi.post("/subscribers", (c) =>
  act(c, async (form) => {
    const text = (k: string) => [form[k] ?? []].flat().filter((v): v is string => typeof v === "string");
    const body = validate(subscriptionCreate, {
      email: text("email")[0] ?? "",
      webhook_url: text("webhook_url")[0]?.trim() || undefined,
      component_ids: text("component_ids"),
      language: text("language")[0] || undefined,
    });
    await addSubscriber(c.env, c.get("actor"), await checkChoices(c.env, body, c.get("page")), body.language ?? DEFAULT_LANGUAGE);
    return "added";
  }),
);

subscribersUi.post("/subscribers/:id/delete", subscriberId, (c) =>
  act(c, async () => {
    await subscriberOnPage(c.env.DB, c.req.valid("param").id, c.get("page"));
    await removeSubscriber(c.env, c.get("actor"), c.req.valid("param").id);
    return "removed";
  }),
);

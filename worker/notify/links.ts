// The links every subscriber notification carries. `base` is publicBaseUrl (worker/cache.ts) in a
// request, and notifyBaseUrl in the queue consumer, which has no request.
import { readPageLink } from "../../db/settings";
import { pageLinkBase } from "../../domain/page-address";
import { config } from "../config";
import type { Env } from "../env";

/** Where links in notifications point when PUBLIC_URL is not set (local development). */
export const DEFAULT_PUBLIC_URL = "http://localhost:8787";

/** The page's public base URL outside a request: PUBLIC_URL, else DEFAULT_PUBLIC_URL. */
export const notifyBaseUrl = (env: Pick<Env, "PUBLIC_URL">) => config(env).publicUrl ?? DEFAULT_PUBLIC_URL;

/** A page's base URL outside a request: its host name or prefix (domain/page-address.ts pageLinkBase). */
export const pageBaseUrl = async (env: Pick<Env, "PUBLIC_URL" | "DB">, page: number): Promise<string> =>
  page === 1 ? notifyBaseUrl(env) : pageLinkBase(notifyBaseUrl(env), await readPageLink(env.DB, page));

const enc = encodeURIComponent;
/** GET shows the confirmation page, POST confirms (double opt-in). */
export const confirmUrl = (base: string, token: string) => `${base}/subscriptions/${enc(token)}/confirm`;
/** The subscriber's manage page. */
export const manageUrl = (base: string, token: string) => `${base}/subscriptions/${enc(token)}`;
/** POST unsubscribes at once (RFC 8058 one-click): the List-Unsubscribe target and meta.unsubscribe. */
export const unsubscribeUrl = (base: string, token: string) => `${base}/subscriptions/${enc(token)}/unsubscribe`;

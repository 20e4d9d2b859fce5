// The cache generation that every write moves on (worker/cache.ts), and what an isolate holds under it.
//
// The generation is a tiny Cache API entry of this data centre, which a purge replaces with a new random
// value. Under the generation it read, an isolate holds in memory what stays the same for every reader
// until the next write: each page address's page and settings (one D1 read per generation, isolate and
// address, not one per request) and the rendered answers asked for most, each under its page's id. A request that asks to revalidate (a reload, the live
// script's If-None-Match) reads the generation; any other takes the one the isolate read in the last
// second. So a hit costs no D1 read and, under load, no Cache API read either. A write anywhere in the
// data centre changes the generation: a reload there shows it at once, a new visitor within a second.
// What an isolate holds also ages out after the max-age, as the edge cache's entries do, so a purge
// that failed still delays a change by no more than the max-age, and a data centre that did not see the
// write (the Cache API is per data centre) shows it within the max-age, page settings included.
//
// Only plain values are held, never a promise or a stream: an isolate's requests must not wait on one
// another's I/O.
import { pageFor, type RequestPage, readRequestPage } from "../db/settings";
import { type PageAddress, pageAddress } from "../domain/page-address";
import { config } from "./config";
import type { Env } from "./env";

export const PUBLIC_MAX_AGE_SECONDS = 10;
const HOLD_MS = PUBLIC_MAX_AGE_SECONDS * 1000;
/**
 * How long an isolate answers requests that do not ask to revalidate under the generation it last read,
 * without reading it again: a new visitor in this data centre may get a page up to this much older than
 * a write made through another isolate; a reload never does.
 */
const TRUST_MS = 1000;
/** What a public response is rendered against; replaced by the request's base URL when served. */
export const PLACEHOLDER_ORIGIN = "https://public-base.invalid";
const GENERATION_KEY = new Request(`${PLACEHOLDER_ORIGIN}/__cache-generation`);
/** The answers an isolate holds at most (a page is ~20 KB): the pages and documents asked for most. */
const MAX_HELD_ANSWERS = 64;
/** The page addresses (host, prefix) an isolate remembers at most: up to 100 pages, each by a few addresses. */
const MAX_HELD_ADDRESSES = 256;

export const edgeCache = (): Cache | null => (typeof caches !== "undefined" && "default" in caches ? caches.default : null);

/** The edge cache public responses use; none when the benchmark bypasses it (BENCH_NO_EDGE_CACHE). */
export const publicCache = (env: Env): Cache | null => (config(env).bench.noEdgeCache ? null : edgeCache());

/** A new generation: random, so a generation entry lost to eviction never revives old entries. */
export async function newGeneration(cache: Cache): Promise<string> {
  const generation = crypto.randomUUID();
  await cache.put(GENERATION_KEY, new Response(generation, { headers: { "Cache-Control": "public, max-age=31536000" } }));
  seen = { generation, at: Date.now() };
  heldFor(generation);
  return generation;
}

async function currentGeneration(cache: Cache): Promise<string> {
  const stored = await cache.match(GENERATION_KEY).catch(() => undefined);
  return stored ? await stored.text() : newGeneration(cache);
}

const perRequest = new WeakMap<Request, Promise<string | null>>();
/** The generation this isolate last read or wrote, and when. */
let seen: { generation: string; at: number } | null = null;

/**
 * A request that asks to revalidate: a reload (`Cache-Control: max-age=0` or `no-cache`), a conditional
 * GET (the live script's If-None-Match). These always read the generation, so a reload shows a write at once.
 */
const revalidates = (request: Request) =>
  request.headers.has("if-none-match") ||
  request.headers.has("if-modified-since") ||
  /no-cache|max-age=0/i.test(`${request.headers.get("cache-control") ?? ""} ${request.headers.get("pragma") ?? ""}`);

/**
 * The generation this request reads under (once per request); null without an edge cache. A request
 * that does not ask to revalidate (a first visit, a link followed) takes the generation this isolate
 * read less than TRUST_MS ago, without reading it again.
 */
export function requestGeneration(env: Env, request: Request): Promise<string | null> {
  let generation = perRequest.get(request);
  if (!generation) {
    const cache = publicCache(env);
    if (!cache) generation = Promise.resolve(null);
    else if (seen && Date.now() - seen.at < TRUST_MS && !revalidates(request)) generation = Promise.resolve(seen.generation);
    else {
      const asked = Date.now();
      generation = currentGeneration(cache).then(
        (g) => {
          // A read that began before this isolate's own last purge must not bring back the older generation.
          if (!seen || seen.at <= asked) seen = { generation: g, at: Date.now() };
          return g;
        },
        () => null,
      );
    }
    perRequest.set(request, generation);
  }
  return generation;
}

/** A rendered answer as held in memory: for one base URL, ready to send (a string: a Response never takes it over). */
export interface HeldAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

interface Held<T> {
  value: T;
  at: number;
}

/**
 * An address's key: the host, the slug and the prefix all go into which page it is and how its links are
 * made (RequestPage's `prefix` and `ownHost`), so two addresses share nothing held.
 */
const addressKey = (address: PageAddress) => JSON.stringify([address.host, address.slug, address.prefix]);

let held: { generation: string; pages: Map<string, Held<RequestPage | null>>; answers: Map<string, Held<HeldAnswer>> } = {
  generation: "",
  pages: new Map(),
  answers: new Map(),
};
/** The page each address last resolved to from D1, whatever the generation: what the fallback trusts when D1 fails. */
const lastRead = new Map<string, RequestPage | null>();

function heldFor(generation: string) {
  if (held.generation !== generation) held = { generation, pages: new Map(), answers: new Map() };
  return held;
}

const fresh = <T>(h: Held<T> | null | undefined): h is Held<T> => !!h && Date.now() - h.at < HOLD_MS;

/** Sets `key` in a map held to `max` entries, dropping the one set longest ago (a Map iterates in insertion order). */
function setBounded<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

/**
 * The page of this request and its settings (read once for it, db/settings.ts pageFor), taken from what
 * the isolate holds for the request's address under the request's generation, or read from D1 and then
 * held. The reader gate (and the prefix check in worker/index.ts) asks first, so every later reader of
 * the request's page (requestPage, requestSettings) gets the same object. Null: an unknown `/p/<slug>/`.
 */
export const heldRequestPage = (env: Env, request: Request): Promise<RequestPage | null> =>
  pageFor(env.DB, request, (db, address) => heldPage(env, request, address, () => readRequestPage(db, address)));

async function heldPage(env: Env, request: Request, address: PageAddress, read: () => Promise<RequestPage | null>): Promise<RequestPage | null> {
  const key = addressKey(address);
  const generation = await requestGeneration(env, request);
  const h = generation ? heldFor(generation) : null;
  const kept = h?.pages.get(key);
  if (fresh(kept)) return kept.value;
  // Read after the generation: what is held under a generation is never older than it.
  const page = await read();
  setBounded(lastRead, key, page, MAX_HELD_ADDRESSES);
  if (h && h === held) setBounded(h.pages, key, { value: page, at: Date.now() }, MAX_HELD_ADDRESSES);
  return page;
}

/**
 * The page this isolate last read for the request's address (null: none, or no such page there): only
 * for answering while D1 cannot be read. Another address's page is never the answer.
 */
export const lastReadPage = (request: Request): RequestPage | null => lastRead.get(addressKey(pageAddress(new URL(request.url)))) ?? null;

export function heldAnswer(generation: string, key: string): HeldAnswer | undefined {
  const answer = heldFor(generation).answers.get(key);
  return fresh(answer) ? answer.value : undefined;
}

/** Holds an answer under the generation; `key` names its page (by id), path and language (worker/cache.ts). */
export function holdAnswer(generation: string, key: string, answer: HeldAnswer): void {
  setBounded(heldFor(generation).answers, key, { value: answer, at: Date.now() }, MAX_HELD_ANSWERS);
}

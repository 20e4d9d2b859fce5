// The cache generation that every write moves on (worker/cache.ts), and what an isolate holds under it.
//
// The generation is a tiny Cache API entry of this data centre, which a purge replaces with a new random
// value. Under the generation it read, an isolate holds in memory what stays the same for every reader
// until the next write: the page settings (one D1 read per generation and isolate, not one per request)
// and the rendered answers asked for most. A request that asks to revalidate (a reload, the live
// script's If-None-Match) reads the generation; any other takes the one the isolate read in the last
// second. So a hit costs no D1 read and, under load, no Cache API read either. A write anywhere in the
// data centre changes the generation: a reload there shows it at once, a new visitor within a second.
// What an isolate holds also ages out after the max-age, as the edge cache's entries do, so a purge
// that failed still delays a change by no more than the max-age, and a data centre that did not see the
// write (the Cache API is per data centre) shows it within the max-age, page settings included.
//
// Only plain values are held, never a promise or a stream: an isolate's requests must not wait on one
// another's I/O.
import { type PageSettings, readPageSettings, settingsFor } from "../db/settings";
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

let held: { generation: string; settings: Held<PageSettings> | null; answers: Map<string, Held<HeldAnswer>> } = {
  generation: "",
  settings: null,
  answers: new Map(),
};
/** The settings this isolate last read from D1, whatever the generation: what the fallback trusts when D1 fails. */
let lastRead: PageSettings | null = null;

function heldFor(generation: string) {
  if (held.generation !== generation) held = { generation, settings: null, answers: new Map() };
  return held;
}

const fresh = <T>(h: Held<T> | null | undefined): h is Held<T> => !!h && Date.now() - h.at < HOLD_MS;

/**
 * The page settings of this request (read once for it, db/settings.ts settingsFor), taken from what the
 * isolate holds under the request's generation, or read from D1 and then held. The reader gate asks
 * first, so every later reader of the request's settings (requestSettings) gets the same object.
 */
export const heldRequestSettings = (env: Env, request: Request): Promise<PageSettings> =>
  settingsFor(env.DB, request, (db) => heldSettings(env, request, () => readPageSettings(db)));

async function heldSettings(env: Env, request: Request, read: () => Promise<PageSettings>): Promise<PageSettings> {
  const generation = await requestGeneration(env, request);
  const h = generation ? heldFor(generation) : null;
  if (h && fresh(h.settings)) return h.settings.value;
  // Read after the generation: what is held under a generation is never older than it.
  const settings = await read();
  lastRead = settings;
  if (h && h === held) h.settings = { value: settings, at: Date.now() };
  return settings;
}

/** The page settings this isolate last read, or null: only for answering while D1 cannot be read. */
export const lastReadSettings = (): PageSettings | null => lastRead;

export function heldAnswer(generation: string, key: string): HeldAnswer | undefined {
  const answer = heldFor(generation).answers.get(key);
  return fresh(answer) ? answer.value : undefined;
}

export function holdAnswer(generation: string, key: string, answer: HeldAnswer): void {
  const { answers } = heldFor(generation);
  answers.delete(key);
  answers.set(key, { value: answer, at: Date.now() });
  // A Map iterates in insertion order: the first key is the one held longest.
  if (answers.size > MAX_HELD_ANSWERS) answers.delete(answers.keys().next().value as string);
}

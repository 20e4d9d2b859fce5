// Live updates of open tabs (worker/live-hub.ts holds their sockets): connecting a tab to a hub shard,
// and telling every shard of a page that it changed.
import { listPages } from "../db/pages";
import { config } from "./config";
import type { Env } from "./env";
import type { LiveHub } from "./live-hub";

/** Shards tried in turn when one is full. */
const PROBES = 3;

const hub = (env: Env, page: number, shard: number): DurableObjectStub<LiveHub> => env.LIVE_HUB.get(env.LIVE_HUB.idFromName(`${page}:${shard}`));

/** FNV-1a of the connection's Sec-WebSocket-Key (random per connection): spreads tabs evenly over the shards. */
function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}

/** Hands a tab's WebSocket upgrade to a shard of its page with room; 503 when push is off or every shard tried is full. */
export async function connectTab(env: Env, request: Request, page: number, tag: string): Promise<Response> {
  const shards = config(env).live.shards;
  const first = shardOf(request.headers.get("Sec-WebSocket-Key") ?? crypto.randomUUID(), Math.max(shards, 1));
  for (let i = 0; i < Math.min(PROBES, shards); i++) {
    const res = await hub(env, page, (first + i) % shards).fetch(new Request(`https://hub/?tag=${encodeURIComponent(`${page}:${tag}`)}`, request));
    if (res.status !== 503) return res;
  }
  return new Response(
    JSON.stringify({ error: shards ? "every live hub shard tried is full: poll instead" : "live updates are off (LIVE_SHARDS=0): poll instead" }),
    {
      status: 503,
      headers: { "Content-Type": "application/json", "Retry-After": "60" },
    },
  );
}

/** Which pages a committed write changed: these, or every page when the writer cannot say which. */
export type ChangedPages = Iterable<number> | "every";

/**
 * Tells every shard of each changed page that it changed, after a committed write that the public page
 * shows (its cache already purged); the tabs of other pages hear nothing. "every" (a catalog write or the
 * cron's tick, which do not say which page they touched) reads the page ids, at most the install's 100
 * pages. Fire and forget: it never delays, nor fails, the write it follows; a shard that cannot be told
 * leaves its tabs to their next poll.
 */
export function tellReaders(env: Env, pages: ChangedPages, waitUntil?: (p: Promise<unknown>) => void): void {
  const shards = config(env).live.shards;
  if (!shards) return;
  const ids = pages === "every" ? listPages(env.DB).then((rows) => [...new Set([1, ...rows.map((r) => r.id)])]) : Promise.resolve([...new Set(pages)]);
  const calls = ids.then((list) => Promise.allSettled(list.flatMap((page) => Array.from({ length: shards }, (_, k) => hub(env, page, k).changed()))));
  const told = calls.then(
    (results) => {
      const failed = results.filter((r) => r.status === "rejected");
      if (failed.length) console.error("live hub not told of a change", { shards: failed.length, error: String((failed[0] as PromiseRejectedResult).reason) });
    },
    (error) => console.error("live hubs not told of a change: the pages could not be read", String(error)),
  );
  if (waitUntil) waitUntil(told);
}

// Deliveries refused for a missing or unknown key come from anyone: storing each (with its payload)
// let 150 junk posts grow D1 by 900 KB. They are counted instead, per hour, source and key prefix,
// one small row each, which is what an operator needs to notice a misconfigured sender (a wrong key
// keeps its first 6 characters) or a flood. Distinct prefixes per hour are capped, so random keys
// cannot grow the table either: past the cap they share the `*` row.

import { countRefusalRow, type RefusalRow, refusalRows } from "../../db/refusals";

export const MAX_PREFIXES_PER_HOUR = 500;
const ERROR_CHARS = 200;

/** The first 6 characters of a key as an operator would recognise them; "" when there is none. */
export function keyPrefixOf(key: string | null): string {
  if (!key) return "";
  const prefix = key.slice(0, 6).toLowerCase();
  return /^[a-z0-9]{1,6}$/.test(prefix) ? prefix : "?";
}

export async function countRefusal(db: D1Database, r: { source: string; key: string | null; error: string; at: string }): Promise<void> {
  await countRefusalRow(db, {
    hour: r.at.slice(0, 13),
    source: r.source,
    keyPrefix: keyPrefixOf(r.key),
    at: r.at,
    error: r.error.slice(0, ERROR_CHARS),
    maxPrefixes: MAX_PREFIXES_PER_HOUR,
  });
}

/** What the admin lists of refused deliveries: the counted rows as they are. */
export type RefusedJson = RefusalRow;

/** Newest hour first. */
export async function listRefusals(db: D1Database, limit = 100): Promise<RefusedJson[]> {
  const results = await refusalRows(db, Math.min(Math.max(limit, 1), 500));
  return results.map((r) => ({ ...r, hour: `${r.hour}:00Z`, count: Number(r.count) }));
}

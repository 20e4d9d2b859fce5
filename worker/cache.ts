// The public API's edge cache. Every write (a delivery, an admin action) calls purgePublicCache so a
// change is visible at once.
import type { Env } from "./env";

export async function purgePublicCache(_env: Env): Promise<void> {
  // Implemented with the public API's caching (issue: public status page).
}

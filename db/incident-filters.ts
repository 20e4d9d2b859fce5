// Which incidents a read wants: constant SQL conditions on the incidents table as `i` (values go in
// the statement's parameters), shared by the public read model, the uptime and the admin.

/**
 * What readers may see: published incidents only. Drafts, incidents in their grace period,
 * suppressed blips and discarded drafts are for operators; every public surface reads through here.
 */
export const PUBLISHED = "i.publication = 'published'";

export const UNRESOLVED_INCIDENTS = "i.kind = 'incident' AND i.resolved_at IS NULL";
export const OPEN_MAINTENANCES = "i.kind = 'maintenance' AND i.status IN ('scheduled', 'in_progress', 'verifying')";
export const ALL_INCIDENTS = "i.kind = 'incident'";
export const ALL_MAINTENANCES = "i.kind = 'maintenance'";
export const UPCOMING_MAINTENANCES = "i.kind = 'maintenance' AND i.status = 'scheduled'";
export const ACTIVE_MAINTENANCES = "i.kind = 'maintenance' AND i.status IN ('in_progress', 'verifying')";
/** One by id (the first parameter). */
export const BY_ID = "i.id = ?1";

/** One page's incidents and maintenances (a page id is an integer: it is written into the condition). */
export const onPage = (page: number) => `i.page = ${Math.trunc(page)}`;

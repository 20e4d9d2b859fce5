// HTML escaping for the text the worker writes by hand (feeds, emails, the few pages not rendered by
// Astro or Hono JSX, which escape on their own).
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (v: unknown): string => String(v ?? "").replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);

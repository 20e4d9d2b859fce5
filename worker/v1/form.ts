// Statuspage's management API takes form-encoded bodies too (`incident[name]=…`,
// `incident[component_ids][]=…`, `incident[components][<id>]=major_outage`): read into the same
// nested object a JSON body is, so one schema checks both. "true" and "false" are booleans.
const UNSAFE = new Set(["__proto__", "constructor", "prototype"]);

export function formToObject(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, raw] of form) {
    const list = key.endsWith("[]");
    const parts = (list ? key.slice(0, -2) : key).split("[").map((p, i) => (i ? p.replace(/\]$/, "") : p));
    if (parts.some((p) => UNSAFE.has(p) || p === "")) continue;
    const value = raw === "true" ? true : raw === "false" ? false : raw;
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    const leaf = parts.at(-1)!;
    if (list) node[leaf] = [...(Array.isArray(node[leaf]) ? (node[leaf] as unknown[]) : []), value];
    else node[leaf] = value;
  }
  return root;
}

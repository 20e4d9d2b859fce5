// Messages with one placeholder that holds markup (a name in <b>, a URL in <code>): the text on either
// side of it, the other placeholders filled. The component puts the markup between the two; Astro
// escapes all three.
import { format } from "../../../i18n";

export function around(template: string, key: string, values: Record<string, string | number> = {}): [string, string] {
  const at = template.indexOf(`{${key}}`);
  if (at < 0) return [format(template, values), ""];
  return [format(template.slice(0, at), values), format(template.slice(at + key.length + 2), values)];
}

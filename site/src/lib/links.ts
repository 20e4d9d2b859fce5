// Links inside a page keep the way the reader came: under `/p/<slug>/` every path the site writes holds
// the prefix (the worker shares it with the render: db/settings.ts sharedPrefix); by a page's own host
// name, or on the first page, paths stay as they are.
import { sharedPrefix } from "../../../db/settings";

/** A path of the page being rendered (`/history` is `/p/<slug>/history` under the prefix). */
export const href = (request: Request, path: string): string => `${sharedPrefix(request)}${path}`;

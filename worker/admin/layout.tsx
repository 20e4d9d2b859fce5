// The admin UI's frame and small shared pieces. Server-rendered, no script: every action is a form
// that works without JavaScript, and every form carries the session's CSRF token.

import type { Context } from "hono";
import { raw } from "hono/html";
import type { Child, FC, JSX, PropsWithChildren } from "hono/jsx";
import { RequestContext, useRequestContext } from "hono/jsx-renderer";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { COMPONENT_STATUS_LABELS, COMPONENT_STATUSES, type ComponentStatus } from "../../domain/status";
import type { AdminEnv } from "../auth";

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f4f5f7}
header{background:#1d2330;color:#fff;padding:.5rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#cfd6e4;text-decoration:none;padding:.25rem .4rem;border-radius:4px}
header a[aria-current=page]{background:#3a4357;color:#fff}
header .who{margin-left:auto;color:#cfd6e4;font-size:.9em}
header form{display:inline}
header label{color:#cfd6e4}
main{max-width:1150px;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
section,.card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:.8rem 1rem;margin:0 0 1rem}
.card h3{margin:0 0 .3rem;font-size:1.05rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eceef2;vertical-align:top}
th{font-weight:600;font-size:.85em;color:#4a5263}
form.inline{display:inline-flex;gap:.3rem;align-items:center;flex-wrap:wrap;margin:0}
form.stack{display:grid;gap:.5rem;max-width:640px}
label{font-size:.9em;color:#333}
input,select,textarea,button{font:inherit}
input[type=text],input[type=password],input[type=url],input[type=number],input[type=datetime-local],select,textarea{padding:.3rem .4rem;border:1px solid #b9c0cc;border-radius:4px;background:#fff}
textarea{width:100%;min-height:4.5rem}
button{padding:.3rem .8rem;border:1px solid #8b94a5;border-radius:4px;background:#fff;cursor:pointer}
button.primary{background:#2456c7;border-color:#2456c7;color:#fff}
button.danger{background:#b42318;border-color:#b42318;color:#fff}
button.resolve{background:#18794e;border-color:#18794e;color:#fff;font-weight:600}
.flash{padding:.6rem 1rem;border-radius:6px;margin:0 0 1rem}
.flash.ok{background:#e3f6ea;border:1px solid #8fd3a8}
.flash.error{background:#fdecea;border:1px solid #f2a59d}
.secret{background:#fff8db;border:2px solid #e0b400;padding:.8rem;border-radius:6px;overflow-wrap:anywhere}
.secret code{font:1rem ui-monospace,monospace;user-select:all}
.muted{color:#667085;font-size:.9em}
.status{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.85em;white-space:nowrap;border:1px solid transparent}
.status::before{margin-right:.25rem}
.s-operational{background:#e3f6ea;color:#0d5b32}.s-operational::before{content:"✓"}
.s-degraded_performance{background:#fff4d6;color:#7a5200}.s-degraded_performance::before{content:"!"}
.s-partial_outage{background:#ffe6d5;color:#8a3b00}.s-partial_outage::before{content:"▲"}
.s-major_outage{background:#fdecea;color:#8f1d13}.s-major_outage::before{content:"✕"}
.s-under_maintenance{background:#e6efff;color:#1f3f8a}.s-under_maintenance::before{content:"⚙"}
.tag{display:inline-block;background:#eef0f4;border-radius:4px;padding:0 .35rem;margin:0 .2rem .1rem 0;font-size:.85em}
details>summary{cursor:pointer;color:#2456c7;margin:.3rem 0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f7f9;padding:.5rem;border-radius:4px;font-size:.85em;max-height:20rem;overflow:auto}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
.row{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
.checks{display:flex;flex-wrap:wrap;gap:.2rem 1rem}
`;

export const NAV = [
  ["/admin", "Dashboard"],
  ["/admin/components", "Components"],
  ["/admin/integrations", "Integrations"],
  ["/admin/maintenances", "Maintenance"],
  ["/admin/templates", "Templates"],
  ["/admin/deliveries", "Deliveries"],
  ["/admin/subscribers", "Subscribers"],
  ["/admin/channels", "Channels"],
  ["/admin/notifications", "Notifications"],
  ["/admin/audit", "Audit log"],
  ["/admin/settings", "Settings"],
  ["/admin/pages", "Pages"],
  ["/admin/import", "Import"],
] as const;

export interface Flash {
  ok?: string;
  error?: string;
}

export interface PageProps {
  title: string;
  /** The signed-in operator; absent on the login page. */
  actor?: string;
  active?: string;
  flash?: Flash;
}

export const Layout: FC<PropsWithChildren<PageProps>> = ({ title, actor, active, flash, children }) => (
  <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title} · Status admin</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <header>
          <strong>Status admin</strong>
          {actor &&
            NAV.map(([href, label]) => (
              <a href={href} aria-current={active === href ? "page" : undefined}>
                {label}
              </a>
            ))}
          {actor && <PageSwitcher />}
          {actor && (
            <span class="who">
              <bdi>{actor}</bdi>{" "}
              <PostForm action="/admin/logout" class="inline">
                <button type="submit">Sign out</button>
              </PostForm>{" "}
              <PostForm action="/admin/logout/everywhere" class="inline">
                <button type="submit" title="End every operator's session, on every device">
                  Sign out everywhere
                </button>
              </PostForm>
            </span>
          )}
        </header>
        <main>
          <h1>{title}</h1>
          {flash?.ok && (
            <p class="flash ok" role="status">
              {flash.ok}
            </p>
          )}
          {flash?.error && (
            <p class="flash error" role="alert">
              {flash.error}
            </p>
          )}
          {children}
        </main>
      </body>
    </html>
  </>
);

/** The page the admin acts on, and a switch to another of the operator's pages (a cookie, POST /admin/page). */
const PageSwitcher: FC = () => {
  const c = useRequestContext<AdminEnv>();
  const choices = c.get("pageChoices") ?? [];
  if (choices.length < 2) return null;
  return (
    <PostForm action="/admin/page" class="inline">
      <label>
        Page{" "}
        <select name="page" aria-label="Page">
          {choices.map((p) => (
            <option value={String(p.id)} selected={p.id === c.get("page")}>
              {p.name}
            </option>
          ))}
        </select>
      </label>{" "}
      <button type="submit">Switch</button>
    </PostForm>
  );
};

/** An admin page, answered with the request as its context: forms read the session's CSRF token from it. */
export const page = (c: Context<AdminEnv>, node: Child, status?: ContentfulStatusCode) =>
  c.html(<RequestContext.Provider value={c}>{node}</RequestContext.Provider>, status);

/**
 * A form that posts with the session's CSRF token, read from the request being answered (Hono's
 * request context, provided by `page()`): no view passes the token down.
 */
export const PostForm: FC<PropsWithChildren<{ action: string; class?: string; id?: string }>> = ({ children, ...attributes }) => (
  <form method="post" {...attributes}>
    <input type="hidden" name="_csrf" value={useRequestContext<AdminEnv>().get("csrf") ?? ""} />
    {children}
  </form>
);

/**
 * A labelled input: `label` before it, `unit` (or any note) after it; every other attribute is the
 * input's. Text by default.
 */
export const Field: FC<{ label: Child; unit?: Child } & JSX.IntrinsicElements["input"]> = ({ label, unit, type, ...input }) => (
  <label>
    {label} <input type={type ?? "text"} {...input} />
    {unit !== undefined && <> {unit}</>}
  </label>
);

/** An update's or a new incident's message: the text readers get. */
export const MessageField: FC<{ placeholder: string }> = ({ placeholder }) => (
  <label>
    Message <textarea name="body" placeholder={placeholder}></textarea>
  </label>
);

/** A list's filters: a GET form back to `action`, with its Filter button. */
export const FilterForm: FC<PropsWithChildren<{ action: string }>> = ({ action, children }) => (
  <form method="get" action={action} class="inline">
    {children}
    <button type="submit">Filter</button>
  </form>
);

/** Things with an id and a name, as a select's options. */
export const named = (items: ReadonlyArray<{ id: string; name: string }>) => items.map((i) => ({ value: i.id, label: i.name }));

/** A labelled select of `options` (values, or values with labels); `none` is the empty choice, first. */
export const Choice: FC<{
  label: Child;
  name: string;
  options: ReadonlyArray<string | { value: string; label: string }>;
  none?: string;
  selected?: string | null;
}> = ({ label, name, options, none, selected }) => (
  <label>
    {label}{" "}
    <select name={name}>
      {none !== undefined && <option value="">{none}</option>}
      {options.map((o) => {
        const { value, label: text } = typeof o === "string" ? { value: o, label: o } : o;
        return (
          <option value={value} selected={value === selected}>
            {text}
          </option>
        );
      })}
    </select>
  </label>
);

/** A number of minutes or days, as settings take them. */
export const NumberField: FC<{ label: Child; unit: Child; name: string; value: number | null; min: number; max: number }> = ({ value, ...rest }) => (
  <Field type="number" value={value == null ? "" : String(value)} style="width:6em" {...rest} />
);

/** What every signed-in page is given. */
export interface Common {
  actor: string;
  tz: string;
  flash: Flash;
}

/** Status in text and icon, not colour alone. */
export const Status: FC<{ status: string }> = ({ status }) => (
  <span class={`status s-${status}`}>{COMPONENT_STATUS_LABELS[status as ComponentStatus] ?? status.replace(/_/g, " ")}</span>
);

export const IncidentStatus: FC<{ status: string }> = ({ status }) => <span class="tag">{status.replace(/_/g, " ")}</span>;

/** An instant in the page's time zone, with the ISO time as a tooltip. */
export const Time: FC<{ iso: string | null | undefined; tz: string }> = ({ iso, tz }) => {
  if (!iso) return <span class="muted">—</span>;
  return (
    <time datetime={iso} title={iso}>
      {formatTime(iso, tz)}
    </time>
  );
};

export function formatTime(iso: string, tz: string): string {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: tz, dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** A component status select; `noChange` offers "" (leave it), `automatic` offers "auto" (clear the override). */
export const StatusSelect: FC<{ name: string; value?: string; noChange?: boolean; automatic?: boolean; label?: string }> = ({
  name,
  value,
  noChange,
  automatic,
  label,
}) => (
  <select name={name} aria-label={label ?? "status"}>
    {noChange && <option value="">no change</option>}
    {automatic && (
      <option value="auto" selected={value === "auto"}>
        automatic (from alerts)
      </option>
    )}
    {COMPONENT_STATUSES.map((s) => (
      <option value={s} selected={value === s}>
        {COMPONENT_STATUS_LABELS[s]}
      </option>
    ))}
  </select>
);

/**
 * A table of `items`, one `row` each, under `columns` (when given); `empty` instead when there are none.
 */
export function Table<T>({ columns, items, row, empty }: { columns?: string[]; items: T[]; row: (item: T) => Child; empty?: Child }) {
  if (!items.length) return <>{empty}</>;
  return (
    <table>
      {columns && <Head columns={columns} />}
      <tbody>{items.map(row)}</tbody>
    </table>
  );
}

/** A table cell with an instant in the page's time zone. */
export const TimeCell: FC<{ iso: string | null | undefined; tz: string }> = ({ iso, tz }) => (
  <td>
    <Time iso={iso} tz={tz} />
  </td>
);

/** A table's header row. */
export const Head: FC<{ columns: string[] }> = ({ columns }) => (
  <thead>
    <tr>
      {columns.map((c) => (
        <th>{c}</th>
      ))}
    </tr>
  </thead>
);

export const Empty: FC<{ children: Child }> = ({ children }) => <p class="muted">{children}</p>;

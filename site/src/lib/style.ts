// The one stylesheet, inlined into every page (one request fewer on a slow connection than a linked
// file; it is small). Status is never colour alone: each status has its own glyph and its text.
// Light and dark follow the reader's system; everything fits a 320 px wide screen.
import { darkModeTint } from "../../../domain/contrast";

const SOURCE = `
:root{--bg:#fff;--fg:#1f2328;--mute:#59636e;--line:#d1d9e0;--card:#f6f8fa;--link:#0550ae;
--ok:#1a7f37;--minor:#9a6700;--major:#bc4c00;--critical:#cf222e;--maint:#0969da;--na:#d1d9e0;
--b1:#d4a72c;--b2:#e16f24;--b3:#cf222e;
--tok:#1a7f37;--tminor:#9a6700;--tmajor:#bc4c00;--tcritical:#cf222e;--tmaint:#0969da;--btn:var(--link);
color-scheme:light dark;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
@media(prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9198a1;--line:#3d444d;--card:#151b23;--link:#4493f8;
--ok:#238636;--minor:#9e6a03;--major:#bd561d;--critical:#da3633;--maint:#1f6feb;--na:#3d444d;
--b1:#bb8009;--b2:#db6d28;--b3:#f85149;
--tok:#3fb950;--tminor:#d29922;--tmajor:#db6d28;--tcritical:#f85149;--tmaint:#4493f8;--btn:#1f6feb}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:50rem;padding:0 1rem 2rem;background:var(--bg);color:var(--fg);overflow-wrap:anywhere}
a{color:var(--link)}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:baseline;padding:1rem 0}
.brand{font-size:1.35rem;font-weight:700;color:inherit;text-decoration:none}.brand span{font-weight:400;color:var(--mute)}
nav{display:flex;gap:.75rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:2rem 0 .5rem}h3,h4{font-size:1rem;margin:0}
#banner{margin:0 0 1rem;padding:.9rem 1rem;border-radius:.5rem;color:#fff;background:var(--ok);font-size:1.1rem;font-weight:600}
#banner::before,.status::before,.st::before{display:inline-block;width:1.25em;height:1.25em;margin-right:.4em;border-radius:50%;
text-align:center;line-height:1.25em;font-size:.85em;font-weight:700;color:#fff;background:var(--ok);content:"✓"/""}
#banner::before{background:#fff3;vertical-align:.1em}
[data-indicator=minor]{--ok:var(--minor)}[data-indicator=major]{--ok:var(--major)}[data-indicator=critical]{--ok:var(--critical)}
[data-indicator=maintenance]{--ok:var(--maint)}
#banner[data-indicator=minor]::before,.status[data-status=degraded_performance]::before{content:"!"/""}
#banner[data-indicator=major]::before,.status[data-status=partial_outage]::before{content:"◆"/""}
#banner[data-indicator=critical]::before,.status[data-status=major_outage]::before{content:"✕"/""}
#banner[data-indicator=maintenance]::before,.status[data-status=under_maintenance]::before{content:"⚙"/""}
.status[data-status=degraded_performance]::before{background:var(--minor)}.status[data-status=partial_outage]::before{background:var(--major)}
.status[data-status=major_outage]::before{background:var(--critical)}.status[data-status=under_maintenance]::before{background:var(--maint)}
ul{list-style:none;margin:0;padding:0}
#components{border:1px solid var(--line);border-radius:.5rem}
#components>li{padding:.75rem 1rem;border-top:1px solid var(--line)}#components>li:first-child{border:0}
.g ul{margin-top:.25rem}.g li{padding:.6rem 0 0 1rem}
.row,summary{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 1rem}
summary{cursor:pointer;list-style:none}summary::-webkit-details-marker{display:none}
summary .name::before{content:"";display:inline-block;width:.4em;height:.4em;margin:0 .55em .15em .1em;
border:solid currentColor;border-width:0 2px 2px 0;transform:rotate(-45deg);transition:transform .2s}
details[open] summary .name::before{transform:rotate(45deg)}
.name{font-weight:600}.status{white-space:nowrap;color:var(--mute)}
.bar{display:flex;gap:2px;height:2rem;margin:.4rem 0 .15rem}
.bar i{flex:1;border-radius:2px;background:var(--ok)}
.bar .l0{background:var(--na)}.bar .l1{background:var(--b1)}.bar .l2{background:var(--b2)}.bar .l3{background:var(--b3)}
.ax{display:flex;justify-content:space-between;font-size:.8rem;color:var(--mute)}
.ax .from::before{content:attr(data-d90)}
@media(max-width:40rem){.bar{gap:1px}.bar i:nth-child(-n+60){display:none}.ax .from::before{content:attr(data-d30)}}
#tip{position:absolute;z-index:1;max-width:16rem;padding:.5rem .75rem;border:1px solid var(--line);border-radius:.4rem;
background:var(--bg);box-shadow:0 4px 12px #0003;font-size:.85rem}
#tip p{margin:0}
.inc{margin:0 0 1rem;padding:.75rem 1rem;border:1px solid var(--line);border-left:4px solid var(--critical);border-radius:.5rem}
.inc[data-impact=minor],.inc[data-impact=none]{border-left-color:var(--minor)}.inc[data-impact=major]{border-left-color:var(--major)}
.inc[data-impact=maintenance]{border-left-color:var(--maint)}
.inc[data-status=resolved],.inc[data-status=postmortem],.inc[data-status=completed]{border-left-color:var(--ok)}
.meta{margin:.2rem 0 .5rem;color:var(--mute);font-size:.9rem}
.st::before{content:"●"/"";background:none;color:var(--critical);width:auto;margin-right:.25em}
.st[data-status=monitoring]::before,.st[data-status=scheduled]::before{color:var(--minor)}
.st[data-status=resolved]::before,.st[data-status=completed]::before,.st[data-status=postmortem]::before{content:"✓"/"";color:var(--ok)}
.st[data-status=in_progress]::before,.st[data-status=verifying]::before{color:var(--maint)}
.tl{margin:0;padding:0 0 0 1rem;border-left:2px solid var(--line);list-style:none}
.tl li{margin:0 0 .75rem}.tl li:last-child{margin:0}.tl p{margin:.1rem 0 0;white-space:pre-line}
#postmortem{margin:1.5rem 0 0}.postmortem{overflow-wrap:anywhere}.postmortem img{max-width:100%;height:auto}.postmortem pre{overflow-x:auto}
time{color:var(--mute);font-size:.85rem}
.day{padding:.5rem 0;border-bottom:1px solid var(--line)}.day h3{color:var(--mute);font-weight:600;margin-bottom:.25rem}
.day>p{margin:0;color:var(--mute)}
.past{margin:.25rem 0 .5rem}.past p{margin:0}
.past .t a{color:var(--tcritical)}.past[data-impact=minor] .t a,.past[data-impact=none] .t a{color:var(--tminor)}
.past[data-impact=major] .t a{color:var(--tmajor)}.past[data-impact=maintenance] .t a{color:var(--tmaint)}
#banner h1{display:inline;margin:0;font:inherit}
.as-of{margin:0 0 1rem;padding:.6rem 1rem;border:1px solid var(--line);border-left:4px solid var(--tminor);border-radius:.5rem;background:var(--card)}
.kind{margin:0;color:var(--mute);text-transform:uppercase;font-size:.8rem;letter-spacing:.05em}
.logo{height:2rem;width:auto;max-width:10rem;vertical-align:middle;margin-right:.5rem;object-fit:contain}
.desc{margin:.25rem 0 0 1rem;color:var(--mute);font-size:.9rem}
footer{margin-top:2rem;font-size:.85rem;color:var(--mute)}footer p{margin:.25rem 0}
[hidden]{display:none!important}
`;

/** Minified: comments and needless whitespace out. */
export const CSS = SOURCE.replace(/\/\*[\s\S]*?\*\//g, "")
  .replace(/\s*\n\s*/g, "")
  .replace(/\s*([{};,>])\s*/g, "$1")
  .replace(/;}/g, "}");

/**
 * The brand colour: link text on the light page, the header band and the buttons behind white text, and
 * a tint of it for links on the dark page (domain/contrast.ts checked all three when it was set).
 */
export function brandCss(colour: string | null): string {
  if (!colour || !/^#[0-9a-f]{6}$/i.test(colour)) return "";
  return (
    `:root{--link:${colour};--brand:${colour};--btn:${colour}}@media(prefers-color-scheme:dark){:root{--link:${darkModeTint(colour)}}}` +
    `header.band{background:var(--brand);color:#fff;margin:0 -1rem;padding:1rem;border-radius:0 0 .5rem .5rem}` +
    `header.band a,header.band .brand span{color:#fff}`
  );
}

/** The subscription forms' own few rules, beside the page's stylesheet. */
export const FORM_CSS =
  ".sub{display:grid;gap:.75rem;max-width:34rem}.sub label{display:grid;gap:.2rem;font-weight:600}" +
  ".sub input[type=email],.sub input[type=url]{font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}" +
  ".sub fieldset{border:1px solid var(--line);border-radius:.5rem;padding:.5rem 1rem}.sub fieldset label{display:flex;gap:.5rem;font-weight:400}" +
  ".sub .grp{font-weight:600;margin:.4rem 0 0}.sub .in{padding-left:1rem}.hint{margin:0;color:var(--mute);font-size:.9rem;font-weight:400}" +
  ".sub button,.act button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.4rem;background:var(--btn);color:#fff;cursor:pointer;justify-self:start}" +
  ".act button.danger{background:var(--critical)}.err{color:var(--tcritical);font-weight:600}.ok{color:var(--tok);font-weight:600}";

/** The private page's sign-in: a page of its own, outside the site's frame. */
export const SIGN_IN_CSS =
  "*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}input,button{font:inherit;padding:.5rem;width:100%;margin:.25rem 0}" +
  ".err{color:#cf222e;font-weight:600}@media(prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}.err{color:#ff7b72}}";

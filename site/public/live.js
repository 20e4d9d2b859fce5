// Keeps an open page current (budget 3 KB gzip) with the server's one renderer: when told of a change
// (WebSocket), else every 30 s, and when the tab comes back, it refetches the page with If-None-Match and
// swaps in only the sections of <main> that changed (focus, tooltips, open groups stay). Also: local
// times, "Updated N s ago", uptime tooltips.
(() => {
  /** @type {(s: string, r?: ParentNode) => any} */
  const $ = (s, r = document) => r.querySelector(s);
  // The page's language (<html lang>), not the browser's: one language per page.
  const lang = document.documentElement.lang || undefined;
  const fmt = new Intl.DateTimeFormat(lang, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
  const el = (tag, text) => {
    const e = document.createElement(tag);
    if (text != null) e.textContent = text;
    return e;
  };
  // Server markup made local: times in the reader's zone; day tooltips kept for the script's own tip.
  const prep = (root) => {
    root.querySelectorAll("time[datetime]").forEach((t) => {
      const d = new Date(t.dateTime);
      if (t.dateTime.length > 10 && +d > 0) t.textContent = fmt.format(d);
    });
    root.querySelectorAll(".bar i[title]").forEach((i) => {
      i.dataset.t = i.title;
      i.removeAttribute("title");
    });
  };

  const main = $("main");
  // Each section of <main> that has an id, as the server last sent it.
  const sections = (root) => [...root.children].filter((e) => e.id);
  const shown = new Map(sections(main).map((e) => [e.id, e.outerHTML]));
  let etag = "";
  let last = 0;
  const swap = (html) => {
    const next = $("main", new DOMParser().parseFromString(html, "text/html"));
    if (!next) return;
    const fresh = sections(next);
    if (fresh.map((e) => e.id).join() !== [...shown.keys()].join()) {
      // Sections came or went (a new month on /history): take the whole of <main>.
      shown.clear();
      for (const e of fresh) shown.set(e.id, e.outerHTML);
      main.replaceChildren(...next.childNodes);
      prep(main);
      return;
    }
    for (const e of fresh) {
      const html = e.outerHTML;
      if (shown.get(e.id) === html) continue; // unchanged: keep the DOM (focus, screen reader)
      shown.set(e.id, html);
      const old = document.getElementById(e.id);
      // A group the reader collapsed, a description they opened, stay as they were.
      e.querySelectorAll("li[data-id]>details").forEach((d) => {
        const was = old && $(`li[data-id="${CSS.escape(d.parentNode.dataset.id)}"]>details`, old);
        if (was) d.open = was.open;
      });
      prep(e);
      old?.replaceWith(document.importNode(e, true));
    }
  };
  // The first call reads this very page back from the browser's cache (no bytes over the wire) for its
  // ETag; every later one asks the server, conditionally.
  let cache = /** @type {RequestCache} */ ("force-cache");
  // One at a time: an older answer never lands after a newer one.
  let busy = null;
  let again = 0;
  const refresh = () => {
    again = busy ? 1 : 0;
    if (busy) return busy;
    busy = fetch(location.pathname + location.search, { cache, headers: etag ? { "If-None-Match": etag } : {} })
      .then((r) => {
        cache = "no-store";
        if (r.status === 304) return;
        if (!r.ok) throw r.status;
        etag = r.headers.get("ETag") || "";
        return r
          .text()
          .then(swap)
          .then(() => 1);
      })
      .then(
        (changed) => {
          last = Date.now();
          tick();
          return changed;
        },
        () => {},
      )
      .finally(() => {
        busy = null;
        if (again) refresh();
      });
    return busy;
  };
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  const tick = () => {
    const s = Math.round((Date.now() - last) / 1000);
    const u = $("#updated");
    if (last) u.textContent = u.dataset.updated.replace("{ago}", s < 90 ? rtf.format(-s, "second") : rtf.format(-Math.round(s / 60), "minute"));
  };

  // uptime tooltips, on hover and tap
  const tip = el("div");
  tip.id = "tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.append(tip);
  const show = (cell) => {
    const bar = cell.parentNode;
    const day = new Date(Date.parse(bar.dataset.start) + [...bar.children].indexOf(cell) * 864e5);
    const lines = (cell.dataset.t || `\n${bar.dataset.ok}`).split("\n").slice(1);
    const ids = (cell.dataset.i || "").split(" ").filter(Boolean);
    tip.replaceChildren(el("p", day.toLocaleDateString(lang, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })));
    lines.forEach((line, k) => {
      const id = ids[k - lines.length + ids.length];
      const p = el("p", id ? null : line);
      if (id) {
        const a = el("a", line);
        // Under a page's `/p/<slug>/` prefix, its links keep it (`data-home` on <main>).
        a.href = `${document.querySelector("main")?.dataset.home ?? "/"}incidents/${id}`;
        p.append(a);
      } else if (!k) p.style.fontWeight = 600;
      tip.append(p);
    });
    tip.hidden = false;
    const r = cell.getBoundingClientRect();
    tip.style.top = `${r.bottom + scrollY + 6}px`;
    tip.style.left = `${Math.max(4, Math.min(r.left + scrollX - 40, scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4))}px`;
  };
  /** @type {(type: string, f: (e: any) => void, t?: EventTarget) => void} */
  const on = (type, f, t = document) => t.addEventListener(type, f);
  const cellOf = (e) => e.target.closest?.(".bar i");
  const mouse = (e) => e.pointerType === "mouse";
  on("pointerover", (e) => {
    if (cellOf(e) && mouse(e)) show(cellOf(e));
  });
  on("pointerout", (e) => {
    if (cellOf(e) && mouse(e) && !tip.contains(e.relatedTarget)) tip.hidden = true;
  });
  on(
    "pointerleave",
    (e) => {
      if (mouse(e)) tip.hidden = true;
    },
    tip,
  );
  on("click", (e) => {
    if (cellOf(e)) show(cellOf(e));
    else if (!tip.contains(e.target)) tip.hidden = true;
  });
  on("keydown", (e) => {
    if (e.key === "Escape") tip.hidden = true;
  });
  on("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  on("focus", refresh, window);

  // Push (README "Live updates"), to the hub of the page read (its /p/<slug> prefix kept): else polls; reconnects after a random, doubling wait.
  let ws = null;
  let pong = 0;
  let pings = 0;
  let wait = 5e3;
  let opened = 0;
  const connect = () => {
    const s = new WebSocket(`ws${location.protocol.slice(4)}//${location.host}${location.pathname.match(/^\/p\/[^/]+/)?.[0] || ""}/live${location.search}`);
    s.onopen = () => {
      if (opened++) refresh();
      ws = s;
      pong = 1;
      wait = 5e3;
      s.send("ping");
    };
    s.onmessage = (e) => {
      if (e.data === "pong") {
        pong = last = Date.now();
        tick();
      } else if (!document.hidden) refresh().then((changed) => changed || setTimeout(refresh, 11e3));
    };
    s.onclose = () => {
      if (ws === s) ws = null;
      wait = Math.min(wait * 2, 3e5);
      setTimeout(connect, wait * Math.random());
    };
  };

  prep(document);
  refresh();
  if (window.WebSocket) connect();
  setInterval(() => {
    if (!ws) refresh();
    else if (!pong) ws.close();
    else {
      pong = 0;
      ws.send("ping");
      if (++pings % 10 === 0) refresh();
    }
  }, 30000);
  setInterval(tick, 5000);
})();

// Keeps a built page current without a reload (budget 3 KB gzip): the overview from summary.json, an open
// incident's page from itself; local times, "Updated N s ago", uptime tooltips. Text only via textContent.
(() => {
  const $ = (s, r = document) => r.querySelector(s);
  const cap = (s) => s[0].toUpperCase() + s.slice(1);
  // labels and markup as in src/lib/render.ts
  const status = (s) => s.split("_").map(cap).join(" ");
  const update = (s) => cap(s.replace("_", " "));
  const impact = (s) => (s === "none" ? "No impact" : s === "maintenance" ? "Maintenance" : cap(s) + " impact");
  const fmt = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const time = (iso) => {
    const t = el("time", 0, iso);
    t.dateTime = iso;
    return t;
  };
  const localTimes = (root) => root.querySelectorAll("time[datetime]").forEach((t) => {
    const d = new Date(t.dateTime);
    if (t.dateTime.length > 10 && d > 0) t.textContent = fmt.format(d);
  });

  const article = (i) => {
    const a = el("article", "inc");
    Object.assign(a.dataset, { id: i.id, status: i.status, impact: i.impact });
    const h = el("h3");
    const link = el("a", 0, i.name);
    link.dir = "auto";
    link.href = "/incidents/" + i.id;
    h.append(link);
    const st = el("span", "st", update(i.status));
    st.dataset.status = i.status;
    const meta = el("p", "meta");
    meta.append(st, " · ");
    if (i.scheduled_for !== undefined) {
      meta.append(time(i.scheduled_for));
      if (i.scheduled_until) meta.append(" – ", time(i.scheduled_until));
    } else meta.append(impact(i.impact));
    if (i.components.length) meta.append(" · Affects ", ...i.components.flatMap((c, n) => (n ? [", ", el("bdi", 0, c.name)] : [el("bdi", 0, c.name)])));
    const ol = el("ol", "tl");
    for (const u of i.incident_updates) {
      const li = el("li");
      li.append(el("b", 0, update(u.status)), " ", time(u.display_at || u.created_at), el("p", 0, u.body));
      ol.append(li);
    }
    a.append(h, meta, ol);
    return a;
  };
  const shown = {};
  const section = (id, list) => {
    const box = $("#" + id);
    const key = JSON.stringify(list);
    // unchanged: keep the DOM (focus, screen reader)
    if (shown[id] === key) return;
    shown[id] = key;
    box.replaceChildren($("h2", box), ...list.map(article));
    box.hidden = !list.length;
  };
  const LEVEL = { degraded_performance: "l1", partial_outage: "l2", major_outage: "l3" };

  const render = (s) => {
    const banner = $("#banner");
    banner.dataset.indicator = s.status.indicator;
    if (banner.textContent !== s.status.description) banner.textContent = s.status.description;
    const list = $("#components");
    const today = new Date().toISOString().slice(0, 10);
    for (const c of s.components) {
      const find = (id) => $('li[data-id="' + CSS.escape(id) + '"]', list);
      let li = find(c.id);
      if (!li && !c.group) { // added after the build
        li = el("li", "c");
        const row = el("div", "row");
        row.append(Object.assign(el("span", "name", c.name), { dir: "auto" }), el("span", "status"));
        li.append(row);
        ((c.group_id && $("ul", find(c.group_id) || list)) || list).append(li);
      }
      if (!li) continue;
      const st = $(".status", li);
      li.dataset.id = c.id;
      li.dataset.status = st.dataset.status = c.status;
      if (st.textContent !== status(c.status)) st.textContent = status(c.status);
      // today's cell, if built today: at least as bad as now
      const bar = $(".bar", li);
      const cell = bar && bar.lastElementChild;
      if (cell && LEVEL[c.status] && (cell.className || "l0") < LEVEL[c.status]
        && new Date(Date.parse(bar.dataset.start) + (bar.children.length - 1) * 864e5).toISOString().startsWith(today)) cell.className = LEVEL[c.status];
    }
    section("incidents", s.incidents);
    section("maintenance", s.scheduled_maintenances);
    localTimes(document);
  };

  const live = $("#incident[data-live]");
  const get = (url) => fetch(url, { cache: "no-store" }).then((r) => (r.ok ? r : Promise.reject(r.status)));
  const refresh = () => (live
    ? get(location.pathname).then((r) => r.text()).then((html) => {
      const next = $("#incident", new DOMParser().parseFromString(html, "text/html"));
      live.replaceChildren(...next.childNodes);
      localTimes(live);
    })
    : $("#banner") ? get("/api/v2/summary.json").then((r) => r.json()).then(render) : Promise.reject()
  ).then(() => { last = Date.now(); tick(); }, () => {});
  let last = 0;
  const tick = () => {
    const s = Math.round((Date.now() - last) / 1000);
    if (last) $("#updated").textContent = "Updated " + (s < 90 ? s + " s" : Math.round(s / 60) + " min") + " ago";
  };

  // uptime tooltips, on hover and tap
  const tip = el("div");
  tip.id = "tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.append(tip);
  document.querySelectorAll(".bar i[title]").forEach((i) => { i.dataset.t = i.title; i.removeAttribute("title"); });
  const show = (cell) => {
    const bar = cell.parentNode;
    const day = new Date(Date.parse(bar.dataset.start) + [...bar.children].indexOf(cell) * 864e5);
    const lines = (cell.dataset.t || "\n100 % uptime\nNo incidents").split("\n").slice(1);
    const ids = (cell.dataset.i || "").split(" ").filter(Boolean);
    tip.replaceChildren(el("p", 0, day.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })));
    lines.forEach((line, k) => {
      const id = ids[k - lines.length + ids.length];
      const p = el("p", 0, id ? null : line);
      if (id) {
        const a = el("a", 0, line);
        a.href = "/incidents/" + id;
        p.append(a);
      } else if (!k) p.style.fontWeight = 600;
      tip.append(p);
    });
    tip.hidden = false;
    const r = cell.getBoundingClientRect();
    tip.style.top = r.bottom + scrollY + 6 + "px";
    tip.style.left = Math.max(4, Math.min(r.left + scrollX - 40, scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4)) + "px";
  };
  const on = (type, f, t = document) => t.addEventListener(type, f);
  const cellOf = (e) => e.target.closest && e.target.closest(".bar i");
  const mouse = (e) => e.pointerType === "mouse";
  on("pointerover", (e) => { if (cellOf(e) && mouse(e)) show(cellOf(e)); });
  on("pointerout", (e) => { if (cellOf(e) && mouse(e) && !tip.contains(e.relatedTarget)) tip.hidden = true; });
  on("pointerleave", (e) => { if (mouse(e)) tip.hidden = true; }, tip);
  on("click", (e) => { if (cellOf(e)) show(cellOf(e)); else if (!tip.contains(e.target)) tip.hidden = true; });
  on("keydown", (e) => { if (e.key === "Escape") tip.hidden = true; });
  on("visibilitychange", () => { if (!document.hidden) refresh(); });
  on("focus", refresh, window);

  localTimes(document);
  refresh();
  setInterval(refresh, 30000);
  setInterval(tick, 5000);
})();

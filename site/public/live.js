// Keeps a page built hours ago current, with no reload and no framework:
// - the overview: banner, component statuses, active incidents and maintenance from
//   /api/v2/summary.json, on load, every 30 s and when the reader comes back to the tab;
// - an open incident's page: its timeline, from the page itself (the worker renders open incidents);
// - times in the reader's zone; "Updated N s ago"; the uptime bars' tooltips on hover and on tap.
// Text goes in with textContent only: titles and bodies are never parsed as markup.
(() => {
  const $ = (s, r = document) => r.querySelector(s);
  const STATUS = { operational: "Operational", under_maintenance: "Under Maintenance", degraded_performance: "Degraded Performance", partial_outage: "Partial Outage", major_outage: "Major Outage" };
  const UPDATE = { investigating: "Investigating", identified: "Identified", monitoring: "Monitoring", resolved: "Resolved", postmortem: "Postmortem", scheduled: "Scheduled", in_progress: "In progress", verifying: "Verifying", completed: "Completed" };
  const IMPACT = { none: "No impact", minor: "Minor impact", major: "Major impact", critical: "Critical impact", maintenance: "Maintenance" };
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
    if (t.dateTime.length > 10 && !isNaN(d)) t.textContent = fmt.format(d);
  });

  // The same markup as incidentArticle in src/lib/render.ts.
  const article = (i) => {
    const a = el("article", "inc");
    Object.assign(a.dataset, { id: i.id, status: i.status, impact: i.impact });
    const link = el("a", 0, i.name);
    link.href = "/incidents/" + i.id;
    const h = el("h3");
    h.append(link);
    const st = el("span", "st", UPDATE[i.status] || i.status);
    st.dataset.status = i.status;
    const meta = el("p", "meta");
    meta.append(st, " · ");
    if (i.scheduled_for !== undefined) {
      meta.append(time(i.scheduled_for));
      if (i.scheduled_until) meta.append(" – ", time(i.scheduled_until));
    } else meta.append(IMPACT[i.impact] || i.impact);
    const names = i.components.map((c) => c.name).join(", ");
    if (names) meta.append(" · Affects " + names);
    const ol = el("ol", "tl");
    for (const u of i.incident_updates) {
      const li = el("li");
      li.append(el("b", 0, UPDATE[u.status] || u.status), " ", time(u.display_at || u.created_at), el("p", 0, u.body));
      ol.append(li);
    }
    a.append(h, meta, ol);
    return a;
  };
  const section = (id, list) => {
    const box = $("#" + id);
    box.replaceChildren($("h2", box), ...list.map(article));
    box.hidden = !list.length;
  };
  const setStatus = (li, status) => {
    const s = $(".status", li);
    li.dataset.status = s.dataset.status = status;
    s.textContent = STATUS[status] || status;
  };
  const LEVEL = { degraded_performance: "l1", partial_outage: "l2", major_outage: "l3" };

  const render = (s) => {
    const banner = $("#banner");
    banner.dataset.indicator = s.status.indicator;
    banner.textContent = s.status.description;
    const list = $("#components");
    const today = new Date().toISOString().slice(0, 10);
    for (const c of s.components) {
      let li = $('li[data-id="' + CSS.escape(c.id) + '"]', list);
      if (!li && !c.group) { // a component added after the build
        li = el("li", "c");
        li.dataset.id = c.id;
        const row = el("div", "row");
        row.append(el("span", "name", c.name), el("span", "status"));
        li.append(row);
        ($('li[data-id="' + CSS.escape(c.group_id || "") + '"] ul', list) || list).append(li);
      }
      if (!li) continue;
      setStatus(li, c.status);
      // Today's cell, when the page was built today: at least as bad as the status now.
      const bar = $(".bar", li);
      const cell = bar && bar.lastElementChild;
      const first = bar && Date.parse(bar.dataset.start);
      if (cell && LEVEL[c.status] && new Date(first + (bar.children.length - 1) * 864e5).toISOString().slice(0, 10) === today
        && (cell.className || "l0") < LEVEL[c.status]) cell.className = LEVEL[c.status];
    }
    section("incidents", s.incidents);
    section("maintenance", s.scheduled_maintenances);
    localTimes(document);
  };

  // An open incident's page is rendered by the worker: fetch it again and swap the timeline.
  const live = $("#incident[data-live]");
  const update = () => live
    ? fetch(location.pathname, { cache: "no-store" }).then((r) => r.ok ? r.text() : null).then((html) => {
      const next = html && $("#incident", new DOMParser().parseFromString(html, "text/html"));
      if (!next) return false;
      live.replaceChildren(...next.childNodes);
      localTimes(live);
      return true;
    })
    : fetch("/api/v2/summary.json", { cache: "no-store" }).then((r) => r.ok ? r.json() : null).then((s) => s && (render(s), true));

  let last = 0;
  const updated = $("#updated");
  const tick = () => {
    if (!last) return;
    const secs = Math.round((Date.now() - last) / 1000);
    updated.textContent = "Updated " + (secs < 90 ? secs + " s" : Math.round(secs / 60) + " min") + " ago";
  };
  const refresh = () => {
    if (!$("#banner") && !live) return;
    update().then((ok) => { if (ok) { last = Date.now(); tick(); } }).catch(() => {});
  };

  // Tooltips of the uptime bars: a day's date, uptime and incidents (with links), on hover and on tap.
  const tip = el("div");
  tip.id = "tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.append(tip);
  document.querySelectorAll(".bar i[title]").forEach((i) => { i.dataset.t = i.title; i.removeAttribute("title"); });
  const show = (cell) => {
    const bar = cell.parentNode;
    const n = [...bar.children].indexOf(cell);
    const day = new Date(Date.parse(bar.dataset.start) + n * 864e5);
    const lines = (cell.dataset.t || "\n100 % uptime\nNo incidents").split("\n").slice(1);
    const ids = (cell.dataset.i || "").split(" ").filter(Boolean);
    tip.replaceChildren(el("p", 0, day.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })));
    lines.forEach((line, k) => {
      const id = ids[k - (lines.length - ids.length)];
      const p = el("p", 0, id ? null : line);
      if (id) {
        const a = el("a", 0, line);
        a.href = "/incidents/" + id;
        p.append(a);
      } else if (k === 0) p.style.fontWeight = 600;
      tip.append(p);
    });
    tip.hidden = false;
    const r = cell.getBoundingClientRect();
    tip.style.top = r.bottom + scrollY + 6 + "px";
    tip.style.left = Math.max(4, Math.min(r.left + scrollX - 40, scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4)) + "px";
  };
  const cellOf = (e) => e.target.closest && e.target.closest(".bar i");
  document.addEventListener("pointerover", (e) => { const c = cellOf(e); if (c && e.pointerType === "mouse") show(c); });
  document.addEventListener("pointerout", (e) => { if (cellOf(e) && e.pointerType === "mouse" && !tip.contains(e.relatedTarget)) tip.hidden = true; });
  document.addEventListener("click", (e) => {
    const c = cellOf(e);
    if (c) show(c);
    else if (!tip.contains(e.target)) tip.hidden = true;
  });
  tip.addEventListener("pointerleave", (e) => { if (e.pointerType === "mouse") tip.hidden = true; });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") tip.hidden = true; });

  localTimes(document);
  refresh();
  setInterval(refresh, 30000);
  setInterval(tick, 5000);
  addEventListener("focus", refresh);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
})();

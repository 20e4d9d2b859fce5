// Keeps a page built hours ago current: refresh from summary.json on load and every 30 s.
(function () {
  var LABELS = { operational: "Operational", under_maintenance: "Under Maintenance", degraded_performance: "Degraded Performance", partial_outage: "Partial Outage", major_outage: "Major Outage" };
  var last = 0;
  function el(tag, text) { var e = document.createElement(tag); if (text != null) e.textContent = text; return e; }
  function render(s) {
    var banner = document.getElementById("banner");
    banner.dataset.indicator = s.status.indicator;
    banner.textContent = s.status.description;
    var list = document.getElementById("components");
    list.replaceChildren.apply(list, s.components.map(function (c) {
      var li = el("li"); li.className = c.group ? "component group" : "component"; li.dataset.id = c.id; li.dataset.status = c.status;
      var st = el("span", LABELS[c.status] || c.status); st.className = "status";
      li.append(el("span", c.name), st); return li;
    }));
    var box = document.getElementById("incidents");
    if (!s.incidents.length) { box.replaceChildren(el("p", "No active incidents.")); return; }
    box.replaceChildren.apply(box, s.incidents.map(function (i) {
      var a = el("article"); a.className = "incident"; a.dataset.id = i.id; a.dataset.status = i.status;
      a.append(el("h3", i.name));
      i.incident_updates.forEach(function (u) {
        var p = el("p"); p.append(el("strong", u.status), " — " + u.body + " ");
        var t = el("time", new Date(u.created_at).toLocaleString()); t.dateTime = u.created_at;
        var small = el("small"); small.append(t); p.append(small); a.append(p);
      });
      return a;
    }));
  }
  function tick() {
    var u = document.getElementById("updated");
    if (last) u.textContent = "Updated " + Math.round((Date.now() - last) / 1000) + " s ago";
  }
  function refresh() {
    fetch("/api/v2/summary.json", { cache: "no-store" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) { render(s); last = Date.now(); tick(); } }).catch(function () {});
  }
  refresh();
  setInterval(refresh, 30000);
  // A reader coming back to the tab wants the current state now, not in 30 s.
  window.addEventListener("focus", refresh);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
  setInterval(tick, 5000);
})();

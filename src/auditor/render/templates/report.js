/* auditor report pages: cell popovers, severity/text filters, sortable tables, upload progress.
   No inline handlers (strict Content-Security-Policy); all listeners are attached here. */
(function () {
  "use strict";
  var pop = null;

  function hidePopover() { if (pop) { pop.hidden = true; pop.textContent = ""; } }

  function showFindings(el) {
    pop = pop || document.getElementById("popover");
    if (!pop) { return; }
    var ids = (el.getAttribute("data-findings") || "").split(/\s+/).filter(Boolean);
    pop.textContent = "";
    var close = document.createElement("button");
    close.className = "close"; close.type = "button"; close.textContent = "×";
    close.addEventListener("click", hidePopover);
    pop.appendChild(close);
    ids.forEach(function (id) {
      var f = document.getElementById(id);
      if (f) {
        var copy = f.cloneNode(true);
        copy.removeAttribute("id");
        copy.classList.remove("hidden");
        var d = copy.querySelector("details"); if (d) { d.open = true; }
        pop.appendChild(copy);
      }
    });
    var r = el.getBoundingClientRect();
    pop.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 480)) + "px";
    pop.style.top = (window.scrollY + r.bottom + 6) + "px";
    pop.hidden = false;
  }

  function flash(el) {
    if (!el) { return; }
    el.classList.add("flash");
    window.setTimeout(function () { el.classList.remove("flash"); }, 1600);
  }

  function sortTable(th) {
    var table = th.closest("table");
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var num = th.getAttribute("data-type") === "num";
    var asc = !th.classList.contains("sorted-asc");
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
    th.classList.add(asc ? "sorted-asc" : "sorted-desc");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ca = a.cells[idx], cb = b.cells[idx];
      var va = ca.getAttribute("data-value") || ca.textContent.trim();
      var vb = cb.getAttribute("data-value") || cb.textContent.trim();
      var c = num ? (parseFloat(va) || 0) - (parseFloat(vb) || 0) : va.localeCompare(vb, "zh-CN");
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function applySeverityFilter(scope, boxes) {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    scope.querySelectorAll("li.finding").forEach(function (li) {
      li.classList.toggle("hidden", !on[li.getAttribute("data-severity")]);
    });
  }

  function init() {
    document.addEventListener("click", function (ev) {
      var hit = ev.target.closest("[data-findings]");
      if (hit && !ev.target.closest("#popover")) { showFindings(hit); return; }
      var jump = ev.target.closest("a.jump");
      if (jump) {
        var target = document.getElementById(jump.getAttribute("href").slice(1));
        if (target) {
          var det = target.closest("details"); if (det) { det.open = true; }
          flash(target);
        }
        return;
      }
      if (!ev.target.closest("#popover")) { hidePopover(); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { hidePopover(); }
      if (ev.key === "Enter" && ev.target.hasAttribute && ev.target.hasAttribute("data-findings")) { showFindings(ev.target); }
    });
    document.querySelectorAll("table.sortable th").forEach(function (th) {
      th.addEventListener("click", function () { sortTable(th); });
    });
    document.querySelectorAll(".filters[data-for]").forEach(function (f) {
      var scope = document.getElementById(f.getAttribute("data-for"));
      var boxes = Array.prototype.slice.call(f.querySelectorAll("input.sev-filter"));
      boxes.forEach(function (b) { b.addEventListener("change", function () { applySeverityFilter(scope, boxes); }); });
    });
    var allBoxes = Array.prototype.slice.call(document.querySelectorAll("input.sev-filter-all"));
    allBoxes.forEach(function (b) {
      b.addEventListener("change", function () {
        document.querySelectorAll("input.sev-filter[value='" + b.value + "']").forEach(function (x) {
          x.checked = b.checked; x.dispatchEvent(new Event("change"));
        });
      });
    });
    var search = document.getElementById("report-filter");
    if (search) {
      search.addEventListener("input", function () {
        var q = search.value.trim().toLowerCase();
        document.querySelectorAll("#report-summary tbody tr").forEach(function (tr) {
          var show = !q || (tr.getAttribute("data-search") || "").toLowerCase().indexOf(q) >= 0;
          tr.classList.toggle("hidden", !show);
          var sec = document.getElementById(tr.getAttribute("data-report"));
          if (sec) { sec.classList.toggle("hidden", !show); }
        });
      });
    }
    var form = document.querySelector("form.upload");
    if (form) {
      form.addEventListener("submit", function () {
        var busy = document.getElementById("busy"), secs = document.getElementById("busy-seconds");
        if (busy) { busy.classList.add("on"); }
        var start = Date.now();
        window.setInterval(function () { if (secs) { secs.textContent = String(Math.round((Date.now() - start) / 1000)); } }, 500);
        var btn = form.querySelector("button[type=submit]"); if (btn) { btn.disabled = true; }
      });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());

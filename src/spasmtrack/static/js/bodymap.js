/* Body map: progressive enhancement for [data-bodymap] holding the SVG views from
   spasmtrack.core.bodymap.render_bodymap, a hidden <input name="regions"> (JSON
   {"region_id": intensity}) and <input type="range" name="bodymap_intensity">.
   Tap / Enter / Space toggles a region at the current intensity; no network calls. */
(function () {
  "use strict";
  var KEY = "spasmtrack.lastIntensity";

  function recall() {
    try {
      var v = parseInt(localStorage.getItem(KEY), 10);
      return v >= 0 && v <= 10 ? v : null;
    } catch (e) { return null; } // storage may be blocked (private mode)
  }
  function remember(v) {
    try { localStorage.setItem(KEY, String(v)); } catch (e) { /* not fatal */ }
  }
  function regionOf(el) {
    return el && el.closest ? el.closest(".bm-interactive .bm-r") : null;
  }

  function init(root) {
    var input = root.querySelector('input[name="regions"]');
    var range = root.querySelector('input[name="bodymap_intensity"]');
    var svgs = root.querySelectorAll("svg.bm-interactive");
    if (!input || !svgs.length) return;
    var state = {};
    var all = root.querySelectorAll(".bm-interactive .bm-r");

    if (input.value.trim()) {
      try { state = JSON.parse(input.value) || {}; } catch (e) { state = {}; }
    } else {
      // No value yet: start from what the server drew as selected.
      all.forEach(function (g) {
        var m = /bm-i(\d+)/.exec(g.getAttribute("class"));
        if (m) state[g.getAttribute("data-region")] = parseInt(m[1], 10);
      });
    }
    var last = recall();
    if (range && last !== null) range.value = last;
    if (range) range.addEventListener("change", function () { remember(range.value); });

    var live = root.querySelector("[aria-live]");
    if (!live) {
      live = document.createElement("p");
      live.className = "bm-live";
      live.setAttribute("aria-live", "polite");
      root.appendChild(live);
    }

    function current() {
      var v = range ? parseInt(range.value, 10) : 5;
      return isNaN(v) ? 5 : Math.min(10, Math.max(0, v));
    }
    function paint(g) {
      var v = state[g.getAttribute("data-region")];
      var on = v !== undefined;
      var label = g.getAttribute("data-label");
      var cls = g.getAttribute("class").replace(/\s*\b(bm-i\d+|is-on)\b/g, "");
      g.setAttribute("class", cls + (on ? " bm-i" + v + " is-on" : ""));
      g.setAttribute("aria-pressed", on ? "true" : "false");
      g.setAttribute("aria-label", on ? label + ", intensity " + v : label);
      var t = g.querySelector(".bm-v");
      if (t) t.textContent = on ? String(v) : "";
    }
    function toggle(g) {
      var id = g.getAttribute("data-region");
      var label = g.getAttribute("data-label");
      var v = current();
      var msg;
      if (state[id] === v) {
        delete state[id];
        msg = label + " removed";
      } else {
        msg = label + (id in state ? " changed to intensity " : " selected, intensity ") + v;
        state[id] = v;
      }
      input.value = JSON.stringify(state);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      remember(v);
      // A region drawn on both views has two shapes: keep them in step.
      all.forEach(function (el) { if (el.getAttribute("data-region") === id) paint(el); });
      live.textContent = msg;
    }
    all.forEach(paint);
    input.value = JSON.stringify(state);

    root.addEventListener("click", function (e) {
      var g = regionOf(e.target);
      if (g) toggle(g);
    });
    root.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      var g = regionOf(e.target);
      if (g) { e.preventDefault(); toggle(g); }
    });

    svgs.forEach(function (svg) { addZoom(root, svg); });
    if (svgs.length > 1) addFlip(root);
  }

  // Magnify part of a view so small regions (face, hands, feet) become 44 px targets.
  function addZoom(root, svg) {
    var zooms = JSON.parse(svg.getAttribute("data-zooms") || "[]");
    var pane = document.createElement("div");
    pane.className = "bm-pane bm-" + svg.getAttribute("data-view");
    svg.parentNode.insertBefore(pane, svg);
    if (zooms.length) {
      var bar = document.createElement("label");
      bar.className = "bm-bar";
      bar.textContent = "Magnify ";
      var sel = document.createElement("select");
      sel.add(new Option("Whole body", ""));
      zooms.forEach(function (z, i) { sel.add(new Option(z.label, String(i))); });
      sel.addEventListener("change", function () {
        var z = zooms[sel.value];
        svg.setAttribute("viewBox", z ? z.box.join(" ") : svg.getAttribute("data-viewbox"));
      });
      bar.appendChild(sel);
      pane.appendChild(bar);
      // Keyboard focus on a region outside the magnified part: show the whole body.
      svg.addEventListener("focusin", function (e) {
        var z = zooms[sel.value];
        var g = regionOf(e.target);
        if (!z || !g) return;
        var b = g.getBBox();
        if (b.x < z.box[0] || b.y < z.box[1] || b.x + b.width > z.box[0] + z.box[2] ||
            b.y + b.height > z.box[1] + z.box[3]) {
          sel.value = "";
          svg.setAttribute("viewBox", svg.getAttribute("data-viewbox"));
        }
      });
    }
    pane.appendChild(svg);
  }

  function addFlip(root) {
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "bm-flip";
    function show(view) {
      root.setAttribute("data-showing", view);
      btn.textContent = view === "front" ? "Show back" : "Show front";
    }
    btn.addEventListener("click", function () {
      show(root.getAttribute("data-showing") === "front" ? "back" : "front");
    });
    show("front");
    var bar = document.createElement("div");
    bar.className = "bm-bar";
    bar.appendChild(btn);
    root.insertBefore(bar, root.firstChild);
  }

  function start() { document.querySelectorAll("[data-bodymap]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

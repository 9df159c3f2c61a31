/* Nothing typed is ever lost.
 *
 * Drafts: every log form marked `data-outbox` keeps what is being typed in localStorage
 * (per form: its action path, plus `data-draft` where a page has several) and restores it on
 * the next visit, with a note and a "Start again" button. A draft goes once the entry is
 * saved or safely in the outbox.
 *
 * Outbox: such a form is sent by this script with `X-Outbox: 1` and an `Idempotency-Key` (a
 * client-generated UUID, the entry's id in the outbox). When the server cannot be reached,
 * or answers that nobody is signed in (session expired), the entry goes to IndexedDB
 * ("spasmtrack" / "outbox") and the page says so, with how many are waiting. The outbox is
 * sent on every page load, when the connection comes back and when the page is shown again;
 * the server stores the first answer under the key, so an entry sent twice (an answer lost
 * on the way back, two tabs) is saved once. An entry the form refuses (it shows the form
 * again: an error, or the spasm-or-twitch question) stays listed with the form's words and
 * can be opened back into its form or discarded.
 *
 * The server's answers (spasmtrack.idempotency): 200 {"saved": true, "redirect": URL};
 * 422 with the page's HTML (refused); 401, 403 or a redirect (sign in again). Anything else
 * (no connection, 5xx, 503 busy) means "try again later".
 */
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch || !window.FormData) return; // forms post as before

  var DRAFT = "spasmtrack.draft:";
  var NEEDS_SIGN_IN = "spasmtrack.outbox.signin";
  var signedIn = document.body.hasAttribute("data-signed-in");
  var statusEl = document.getElementById("outbox");
  var sentThisPage = 0;
  var flushing = null;

  // --- ids ----------------------------------------------------------------------------
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // crypto.randomUUID needs a secure context; getRandomValues does not (home network).
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- IndexedDB ----------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("spasmtrack", 1);
        req.onupgradeneeded = function () { req.result.createObjectStore("outbox", { keyPath: "id" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function store(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction("outbox", mode);
        var out = fn(t.objectStore("outbox"));
        t.oncomplete = function () { resolve(out && out.result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function all() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.created - b.created; });
    });
  }
  function put(rec) { return store("readwrite", function (s) { s.put(rec); }); }
  function drop(id) { return store("readwrite", function (s) { s.delete(id); }); }

  // --- forms and drafts ---------------------------------------------------------------
  function pathOf(form) { return new URL(form.getAttribute("action") || location.href, location.href).pathname; }
  function draftKey(form) { return DRAFT + pathOf(form) + (form.dataset.draft ? "#" + form.dataset.draft : ""); }
  function fields(form, submitter) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") pairs.push([name, value]);
    });
    if (submitter && submitter.name) pairs.push([submitter.name, submitter.value]);
    return pairs;
  }
  // "Blank = now" means when Save was pressed, not when the outbox gets to send it: blank
  // times are filled in, in the person's own time zone (data-tz), as the form would read them.
  function nowLocal() {
    var tz = document.body.getAttribute("data-tz") || undefined;
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date())
        .forEach(function (p) { parts[p.type] = p.value; });
    } catch (e) { return ""; }
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }
  function withTimes(form, pairs) {
    var blank = {};
    form.querySelectorAll("input[type=datetime-local]").forEach(function (el) {
      if (el.name && !el.value) blank[el.name] = true;
    });
    var now = nowLocal();
    var out = pairs.map(function (p) { return blank[p[0]] && !p[1] && now ? [p[0], now] : p; });
    // The quick log reads "20 min ago" against this instead of the time it is sent.
    if (form.querySelector("input[name=text]")) out.push(["typed_at", new Date().toISOString()]);
    return out;
  }
  function encode(pairs) {
    return pairs.map(function (p) { return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]); }).join("&");
  }
  function decode(body) { return Array.from(new URLSearchParams(body).entries()); }
  function readDraft(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function writeDraft(key, pairs) {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: pairs })); } catch (e) { /* full or blocked */ }
  }
  function clearDraft(key) { try { localStorage.removeItem(key); } catch (e) { /* blocked */ } }

  function fill(form, pairs) {
    var left = pairs.slice();
    function take(name, value) {
      for (var i = 0; i < left.length; i++) {
        if (left[i][0] === name && (value === undefined || left[i][1] === value)) return left.splice(i, 1)[0];
      }
      return null;
    }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button" || el.type === "file") return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!take(el.name, el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = !!take(el.name, o.value); });
      } else {
        var p = take(el.name);
        if (p) el.value = p[1];
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function noteRestored(form, at) {
    var p = document.createElement("p");
    p.className = "draft-note";
    p.setAttribute("role", "status");
    var when = new Date(at);
    p.textContent = "Restored what you typed on this phone (" +
      when.toLocaleDateString([], { weekday: "long" }) + " " +
      when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + "). ";
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn small";
    b.textContent = "Start again";
    b.addEventListener("click", function () {
      form.dataset.outboxDiscarded = "1"; // not kept again as the page unloads
      clearDraft(draftKey(form));
      location.reload();
    });
    p.appendChild(b);
    form.insertBefore(p, form.firstChild);
  }

  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-outbox]"));
  forms.forEach(function (form) {
    var key = draftKey(form);
    var initial = encode(fields(form));
    var draft = readDraft(key);
    if (draft && draft.fields && encode(draft.fields) !== initial) {
      fill(form, draft.fields);
      noteRestored(form, draft.at);
    }
    function keep() {
      if (form.dataset.outboxDiscarded) return;
      var now = fields(form);
      if (encode(now) === initial) clearDraft(key);
      else writeDraft(key, now);
    }
    var timer = null;
    function soon() { clearTimeout(timer); timer = setTimeout(keep, 0); }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("click", soon); // the body map sets its hidden value on a tap
    form.addEventListener("keyup", soon);
    window.addEventListener("pagehide", keep);
  });

  // --- sending ------------------------------------------------------------------------
  function csrfToken() {
    var m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function refusal(text) {
    try {
      var j = JSON.parse(text);
      if (j && j.detail) return Array.isArray(j.detail) ? j.detail.map(function (d) { return d.msg; }).join("; ") : String(j.detail);
    } catch (e) { /* HTML */ }
    var doc = new DOMParser().parseFromString(text, "text/html");
    var bits = doc.querySelectorAll("main .error, main .errors, .kind-question p, .record .error");
    var words = Array.prototype.map.call(bits, function (el) { return el.textContent.trim(); }).filter(Boolean);
    return words.join(" ") || "The form did not accept it.";
  }
  /** Resolves to {state: "saved"|"refused"|"signin"|"offline", ...}; never rejects. */
  function send(rec) {
    if (navigator.onLine === false) return Promise.resolve({ state: "offline" });
    return fetch(rec.action, {
      method: "POST",
      body: rec.body,
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Idempotency-Key": rec.id,
        "X-Outbox": "1",
        "X-CSRFToken": csrfToken(),
        ...(rec.fragment ? { "HX-Request": "true" } : {})
      }
    }).then(function (res) {
      if (res.type === "opaqueredirect" || res.status === 401 || res.status === 403) return { state: "signin" };
      if (res.status === 200) {
        return res.json().then(function (j) { return { state: "saved", redirect: j.redirect, html: j.html }; },
                               function () { return { state: "saved" }; });
      }
      if (res.status === 422 || res.status === 400 || res.status === 404 || res.status === 405) {
        return res.text().then(function (t) { return { state: "refused", message: refusal(t) }; });
      }
      return { state: "offline" }; // 5xx, 503 busy, 429: later
    }, function () { return { state: "offline" }; });
  }

  function setNeedsSignIn(on) {
    try { if (on) localStorage.setItem(NEEDS_SIGN_IN, "1"); else localStorage.removeItem(NEEDS_SIGN_IN); } catch (e) { /* blocked */ }
  }
  function needsSignIn() {
    if (!signedIn) return true;
    try { return localStorage.getItem(NEEDS_SIGN_IN) === "1"; } catch (e) { return false; }
  }

  function flush() {
    if (!signedIn) return render();
    if (flushing) return flushing;
    flushing = all().then(function (recs) {
      var waiting = recs.filter(function (r) { return r.state !== "refused"; });
      var i = 0;
      function next() {
        if (i >= waiting.length) return null;
        var rec = waiting[i++];
        return send(rec).then(function (r) {
          if (r.state === "saved") { sentThisPage++; setNeedsSignIn(false); return drop(rec.id).then(next); }
          if (r.state === "refused") {
            rec.state = "refused";
            rec.message = r.message;
            return put(rec).then(next);
          }
          setNeedsSignIn(r.state === "signin");
          return null; // offline or signed out: the rest waits too
        });
      }
      return next();
    }).catch(function () { /* storage failed: nothing to send */ })
      .then(function () { flushing = null; return render(); });
    return flushing;
  }

  function queue(rec) {
    rec.state = "waiting";
    return put(rec);
  }

  // A log form's Save. Plain forms: every submit. htmx forms: only the buttons marked
  // data-outbox-submit (the quick log's "Save", a trigger point's record buttons).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-outbox]") || form.dataset.outboxNative) return;
    var submitter = e.submitter;
    if (form.hasAttribute("hx-post") && !(submitter && submitter.hasAttribute("data-outbox-submit"))) return;
    e.preventDefault();
    e.stopPropagation(); // htmx would post it too
    if (form.dataset.outboxBusy) return;
    form.dataset.outboxBusy = "1";
    var key = draftKey(form);
    var rec = {
      id: form.dataset.outboxId || uuid(), // the same id if Save is pressed again
      action: pathOf(form),
      body: encode(withTimes(form, fields(form, submitter))),
      label: form.dataset.outbox || "entry",
      created: Date.now(),
      page: location.pathname + location.search,
      draft: key,
      fragment: form.hasAttribute("data-outbox-fragment")
    };
    form.dataset.outboxId = rec.id;
    send(rec).then(function (r) {
      if (r.state === "saved") {
        clearDraft(key);
        var target = r.html && document.querySelector(form.getAttribute("hx-target"));
        if (target) target.outerHTML = r.html; // the htmx fragment, in place as htmx would
        else location.assign(r.redirect || "/");
        return;
      }
      delete form.dataset.outboxBusy;
      if (r.state === "refused") {
        // Shown by the server as without this script: the form again, with its words.
        delete form.dataset.outboxId;
        form.dataset.outboxNative = "1";
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
        delete form.dataset.outboxNative;
        return;
      }
      setNeedsSignIn(r.state === "signin");
      queue(rec).then(function () {
        clearDraft(key);
        delete form.dataset.outboxId; // the next entry is another one
        // On to Today, as after a save (a copy kept by the service worker when offline; the
        // sign-in page, saying what waits, when signed out). With neither, stay here.
        if (navigator.onLine || (navigator.serviceWorker && navigator.serviceWorker.controller)) {
          location.assign("/");
          return;
        }
        form.reset();
        var note = form.querySelector(".draft-note");
        if (note) note.remove();
        return render(true);
      }).catch(function () {
        // No on-device storage either: keep the draft and say so.
        say("Could not save on this phone either. What you typed is kept here: try again.");
      });
    });
  }, true);

  // The quick log's "Check" needs the server; with none (or signed out) it offers to keep
  // the line on this phone, to be read and saved as typed once it can be sent.
  function quickProblem(e) {
    var form = e.target && e.target.closest && e.target.closest("form[data-outbox]");
    if (!form) return;
    var status = e.detail && e.detail.xhr ? e.detail.xhr.status : 0;
    if (e.type === "htmx:responseError" && status !== 401 && status !== 403) return;
    var keep = form.querySelector("[data-outbox-keep]");
    if (keep) keep.hidden = false;
  }
  document.addEventListener("htmx:sendError", quickProblem);
  document.addEventListener("htmx:responseError", quickProblem);
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-outbox-keep] button");
    if (!btn) return;
    var form = btn.closest("form[data-outbox]");
    var pairs = fields(form).filter(function (p) { return p[0] === "text"; });
    if (!pairs.length || !pairs[0][1].trim()) return;
    pairs.push(["confirm", "1"], ["typed_at", new Date().toISOString()]);
    var rec = { id: uuid(), action: pathOf(form), body: encode(pairs), label: form.dataset.outbox,
                created: Date.now(), page: location.pathname, draft: draftKey(form) };
    queue(rec).then(function () {
      clearDraft(rec.draft);
      form.reset();
      form.querySelector("[data-outbox-keep]").hidden = true;
      var retry = form.querySelector(".retry");
      if (retry) retry.hidden = true;
      return render(true);
    });
  });

  // --- what the page says -------------------------------------------------------------
  function say(text) {
    if (!statusEl) return;
    statusEl.hidden = false;
    statusEl.textContent = text;
  }
  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text) x.textContent = text;
    return x;
  }
  function openRefused(rec) {
    writeDraft(rec.draft, decode(rec.body).filter(function (p) { return p[0] !== "confirm" || rec.action !== "/quick/"; }));
    drop(rec.id).then(function () { location.assign(rec.action === "/quick/" ? "/" : rec.page); });
  }
  function render(justQueued) {
    if (!statusEl) return Promise.resolve();
    return all().then(function (recs) {
      var waiting = recs.filter(function (r) { return r.state !== "refused"; });
      var refused = recs.filter(function (r) { return r.state === "refused"; });
      statusEl.textContent = "";
      if (waiting.length) {
        var p = el("p", "outbox-waiting");
        p.appendChild(el("strong", "", "Saved on this phone — will send when you're back online."));
        p.appendChild(document.createTextNode(" Waiting: "));
        p.appendChild(el("span", "outbox-count", String(waiting.length)));
        p.appendChild(document.createTextNode("."));
        if (location.pathname === "/accounts/login/") {
          p.appendChild(document.createTextNode(" Sign in to send them."));
        } else if (needsSignIn()) {
          p.appendChild(document.createTextNode(" Your sign-in has ended: "));
          var a = el("a", "", "sign in again to send them");
          a.href = "/accounts/login/?next=" + encodeURIComponent(location.pathname);
          p.appendChild(a);
          p.appendChild(document.createTextNode("."));
        }
        statusEl.appendChild(p);
      }
      if (sentThisPage && !waiting.length) {
        var s = el("p", "outbox-sent", "Sent " + sentThisPage + (sentThisPage === 1 ? " entry" : " entries") +
                   " saved on this phone. ");
        var show = el("a", "", "Show them");
        show.href = "/history/";
        s.appendChild(show);
        statusEl.appendChild(s);
      }
      refused.forEach(function (rec) {
        var r = el("div", "outbox-refused");
        r.appendChild(el("p", "", "Not saved: your " + rec.label + " from " +
          new Date(rec.created).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" }) +
          ". " + (rec.message || "")));
        var open = el("button", "btn small", "Open it");
        open.type = "button";
        open.addEventListener("click", function () { openRefused(rec); });
        var discard = el("button", "btn small danger", "Discard");
        discard.type = "button";
        discard.addEventListener("click", function () { drop(rec.id).then(function () { render(); }); });
        r.appendChild(open);
        r.appendChild(document.createTextNode(" "));
        r.appendChild(discard);
        statusEl.appendChild(r);
      });
      statusEl.hidden = !statusEl.firstChild;
      if (justQueued && statusEl.firstChild) statusEl.scrollIntoView({ block: "nearest" });
    }).catch(function () { /* no storage: nothing to show */ });
  }

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  setInterval(function () { if (!document.hidden) flush(); }, 30000);
  flush();
})();

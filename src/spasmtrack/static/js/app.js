// A failed request over a flaky network must never lose what was typed: htmx leaves the form
// as it is, and we show the form's retry note so the person knows to press again.
(function () {
  function retry(evt, show) {
    var form = evt.target.closest && evt.target.closest("form");
    var note = form && form.querySelector(".retry");
    if (note) note.hidden = !show;
  }
  document.addEventListener("htmx:sendError", function (e) { retry(e, true); });
  document.addEventListener("htmx:responseError", function (e) { retry(e, true); });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.successful) retry(e, false);
  });
})();
// Show a slider's number next to it while it moves.
document.addEventListener("input", function (e) {
  var el = e.target;
  if (el.type !== "range" || !el.id) return;
  var out = document.querySelector('output[for="' + el.id + '"]');
  if (out) out.textContent = el.value;
});
// The More menu closes with Escape (focus back on "More") and with a tap anywhere outside it.
(function () {
  var more = document.getElementById("more");
  if (!more) return;
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && more.open) {
      more.open = false;
      more.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (e) {
    if (more.open && !more.contains(e.target)) more.open = false;
  });
})();
// Installable app: the service worker (served from /sw.js so it controls every page). Once
// per sign-in it fetches the log forms for use with no connection (see pwa/sw.js).
(function () {
  if (!("serviceWorker" in navigator)) return; // plain http on a home network: no worker
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (reg) {
    var signedIn = document.body.hasAttribute("data-signed-in");
    var flag = "spasmtrack.warmed";
    try {
      if (!signedIn) { sessionStorage.removeItem(flag); reg.active.postMessage("forget"); return; }
      if (sessionStorage.getItem(flag)) return;
      sessionStorage.setItem(flag, "1");
    } catch (e) { /* storage blocked: warm every time */ }
    reg.active.postMessage("warm");
  }).catch(function () { /* no worker: the site works as before */ });
})();

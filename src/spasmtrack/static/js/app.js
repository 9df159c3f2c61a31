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

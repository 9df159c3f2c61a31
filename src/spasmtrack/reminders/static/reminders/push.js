/* Reminders settings: turn Web Push on or off for this browser. Uses the app's service worker
   (scope "/") when there is one, else registers sw-push.js on its own. */
(function () {
  "use strict";
  var box = document.getElementById("push");
  if (!box) { return; }
  var on = document.getElementById("push-on"), off = document.getElementById("push-off");
  var state = document.getElementById("push-state");
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported || box.dataset.secure !== "1") {
    if (supported === false) { state.textContent += " This browser cannot show notifications."; }
    return;
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function keyBytes(b64) {
    var s = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function registration() {
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg || navigator.serviceWorker.register("/static/reminders/sw-push.js", { scope: "/static/reminders/" });
    }).then(function () { return navigator.serviceWorker.getRegistration("/") ; })
      .then(function (reg) { return reg || navigator.serviceWorker.getRegistration("/static/reminders/"); });
  }
  function show(sub) { on.hidden = !!sub; off.hidden = !sub; }
  function api(method, path, body) {
    return fetch(path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) { if (!r.ok) { throw new Error("server said " + r.status); } return r.status === 204 ? null : r.json(); });
  }
  registration().then(function (reg) {
    return reg.pushManager.getSubscription().then(function (sub) { show(sub); return reg; });
  }).then(function (reg) {
    on.addEventListener("click", function () {
      Notification.requestPermission().then(function (perm) {
        if (perm !== "granted") { state.textContent = "Notifications are blocked for this site in the browser settings."; return; }
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey) })
          .then(function (sub) { return api("POST", "/api/reminders/push-subscriptions", sub.toJSON()).then(function (saved) {
            localStorage.setItem("spasmtrack-push", saved.code); state.textContent = "Notifications are on for this device."; show(sub);
          }); });
      }).catch(function (e) { state.textContent = "Could not turn notifications on: " + e.message; });
    });
    off.addEventListener("click", function () {
      reg.pushManager.getSubscription().then(function (sub) {
        var code = localStorage.getItem("spasmtrack-push");
        var done = code ? api("DELETE", "/api/reminders/push-subscriptions/" + code).catch(function () {}) : Promise.resolve();
        return done.then(function () { return sub ? sub.unsubscribe() : true; });
      }).then(function () { state.textContent = "Notifications are off for this device."; show(null); });
    });
  }).catch(function (e) { state.textContent = "Notifications are unavailable here: " + e.message; });
})();

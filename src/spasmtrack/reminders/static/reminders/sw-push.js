/* Web Push for reminders, for a service worker: the PWA's worker imports it with
   importScripts("/static/reminders/sw-push.js"); alone it is registered by push.js.
   A reminder is {title, body, url, tag}; the tag is the reminder key, so a repeated
   delivery replaces the notification instead of adding a second one. */
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = data.title || "Spasmtrack";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    renotify: false,
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) { url = new URL("/", self.location.origin); }
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].url === url.href && "focus" in list[i]) { return list[i].focus(); }
    }
    return self.clients.openWindow(url.href);
  }));
});

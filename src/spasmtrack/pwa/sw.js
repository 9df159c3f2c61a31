// Spasmtrack's service worker. Plain JavaScript, no build step; the view that serves it
// (spasmtrack.pwa.views.service_worker) puts VERSION, SHELL and WARM_PAGES above this line.
//
// - Styles, scripts and icons (SHELL) are precached and served from the cache: the pages open
//   at once on a slow connection and with none.
// - Pages always come from the network. With no network, the log forms and Today come from a
//   copy fetched for the purpose after sign-in ("warm", asked for by app.js), and any other
//   page is the offline page. Copies are dropped at sign-out and whenever the sign-in page is
//   shown, so a signed-out phone keeps nobody's diary.
// - Form posts and the API are never touched here: what cannot be sent is kept by the page's
//   outbox (static/js/outbox.js) in IndexedDB, which also works where service workers do not.
"use strict";

// Reminders by Web Push (spasmtrack.reminders): its push and notificationclick handlers.
importScripts("/static/reminders/sw-push.js");

const SHELL_CACHE = "shell-" + VERSION;
const PAGE_CACHE = "pages";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n !== SHELL_CACHE && n !== PAGE_CACHE;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function forget() { return caches.delete(PAGE_CACHE); }

function warm() {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return Promise.all(WARM_PAGES.map(function (path) {
      // The header tells the server this is a copy for later: no flash messages or "Undo"
      // are used up by it.
      return fetch(path, { credentials: "same-origin", headers: { "X-SW-Cache": "1" } })
        .then(function (res) {
          if (new URL(res.url).pathname === "/accounts/login/") return forget(); // signed out
          // A redirect elsewhere (today's check-in is done: its edit page) is not kept.
          if (res.ok && !res.redirected) return cache.put(path, res);
          return cache.delete(path);
        }).catch(function () { /* offline: keep the copy we have */ });
    }));
  });
}

self.addEventListener("message", function (event) {
  if (event.data === "warm") event.waitUntil(warm());
  if (event.data === "forget") event.waitUntil(forget());
});

self.addEventListener("fetch", function (event) {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === "POST" && url.pathname === "/accounts/logout/") {
    event.waitUntil(forget());
    return;
  }
  if (req.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req).then(function (res) {
        if (url.pathname === "/accounts/login/" || new URL(res.url).pathname === "/accounts/login/") {
          event.waitUntil(forget());
        }
        return res;
      }).catch(function () {
        return caches.open(PAGE_CACHE)
          .then(function (cache) { return cache.match(url.pathname, { ignoreVary: true }); })
          .then(function (page) {
            return page || caches.match("/offline/", { ignoreVary: true });
          })
          .then(function (page) {
            return page || new Response("You are offline.", {
              status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
            });
          });
      })
    );
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest" ||
      url.pathname === "/favicon.ico") {
    event.respondWith(
      caches.open(SHELL_CACHE).then(function (cache) {
        return cache.match(req, { ignoreVary: true }).then(function (hit) {
          if (hit) return hit;
          return fetch(req).then(function (res) {
            if (res.ok) cache.put(req, res.clone());
            return res;
          });
        });
      })
    );
  }
});

// Quanzi's service worker (served at /sw.js, for the whole site): the pages a member has already seen open when
// the phone is offline, and urgent notifications arrive as pushes. Logging out clears what it kept
// (Clear-Site-Data on /logout).
"use strict";

const CACHE = "quanzi-v1";
const OFFLINE = "/offline";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([OFFLINE, "/static/quanzi.css"]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// Pages and the site's own files: from the network, kept as they come; from what was kept when there is none.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const page = request.mode === "navigate";
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!page && !url.pathname.startsWith("/static/")) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(() => caches.match(request).then((kept) => kept || (page ? caches.match(OFFLINE) : Response.error()))),
  );
});

self.addEventListener("push", (event) => {
  const message = event.data ? event.data.json() : {};
  event.waitUntil(
    self.registration.showNotification(message.title || "", {
      body: message.body || "",
      tag: message.tag,
      icon: "/static/icon-192.png",
      data: { url: message.url || "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url, self.location.origin);
  const url = target.origin === self.location.origin ? target.href : "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((windows) => {
      const open = windows.find((client) => client.url === url);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});

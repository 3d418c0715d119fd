// Service worker for the leader's attendance pages (scope: /f/<förbund>/narvaro/).
// Pages and static files are fetched from the network first and kept in a cache, so the day's
// lists open without a connection. Marks are not sent from here: attendance-offline.js queues
// them in the browser and sends them when the connection returns.
"use strict";

const CACHE = "stegvis-narvaro-v1";
const OFFLINE_TEXT =
  "Sidan är inte sparad för användning utan uppkoppling. Öppna den en gång med uppkoppling.";

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// The page lists what it needs offline (itself, its styles and scripts, the day's lists).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        data.urls.map((url) =>
          fetch(url, { credentials: "same-origin" })
            .then((response) => {
              if (response.ok && !response.redirected) return cache.put(url, response);
              return undefined;
            })
            .catch(() => undefined)
        )
      )
    )
  );
});

function cacheable(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return url.pathname.startsWith("/static/") || request.url.startsWith(self.registration.scope);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (!cacheable(request)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreVary: true }).then(
          (cached) =>
            cached ||
            new Response(OFFLINE_TEXT, {
              status: 503,
              headers: { "Content-Type": "text/plain; charset=utf-8" },
            })
        )
      )
  );
});

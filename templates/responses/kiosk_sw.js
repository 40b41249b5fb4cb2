{% load static %}/* The enrolled kiosk's service worker: keeps the form, its thank-you page and their files so the
   tablet works without network, and sends the queue when the browser reports the network back. */
importScripts("{% static 'js/kiosk-queue.js' %}");
var CACHE = "spak-kiosk-v1";
var SYNC_URL = "{% url 'kiosk_sync' access_point.token %}";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.match(request, {ignoreSearch: true, ignoreVary: true}).then(function (hit) { return hit || Response.error(); });
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "kiosk-queue") { event.waitUntil(self.kioskQueue.flush(SYNC_URL)); }
});

/* An enrolled kiosk tablet's form and thank-you pages: every completed form goes into the tablet's queue
   (kiosk-queue.js) and is sent at once when there is network, else later: on the next page, when the
   browser comes back online, every minute, and by background sync where the browser has it. The
   "n jawaban belum terkirim" line tells staff what is waiting; refused answers are shown with the reason. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="kiosk-offline"]');
  if (!meta || !window.indexedDB || !window.kioskQueue) { return; }
  var queue = window.kioskQueue;
  var syncUrl = meta.getAttribute("data-sync"), formUrl = meta.getAttribute("data-form");
  var thanksUrl = meta.getAttribute("data-thanks"), workerUrl = meta.getAttribute("data-worker");
  var opened = Date.now();
  var status = document.getElementById("kiosk-queue");

  function show() {
    return Promise.all([queue.entries(), queue.refused()]).then(function (lists) {
      var waiting = lists[0].length, refused = lists[1];
      var lines = [];
      if (waiting) { lines.push(status.getAttribute("data-unsent").replace("{n}", waiting)); }
      if (refused.length) {
        lines.push(status.getAttribute("data-refused").replace("{n}", refused.length) + " " +
                   refused[refused.length - 1].message);
      }
      status.textContent = lines.join(" ");
      status.hidden = lines.length === 0;
    });
  }

  function send() { return queue.flush(syncUrl).then(show, show); }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(workerUrl, {scope: formUrl}).then(function () {
      // Keep the pages and their files for the first offline moment, before any navigation refreshed them.
      var assets = [formUrl, thanksUrl];
      document.querySelectorAll('link[rel="stylesheet"], script[src]').forEach(function (e) {
        assets.push(e.href || e.src);
      });
      return caches.open("spak-kiosk-v1").then(function (cache) {
        return Promise.all(assets.map(function (url) {
          return cache.match(url, {ignoreVary: true}).then(function (hit) { return hit || cache.add(url); });
        }));
      });
    }).catch(function () { /* the queue still works while the page stays open */ });
  }

  var form = document.getElementById("survey");
  if (form && !meta.hasAttribute("data-revoked")) {  // a revoked tablet only reports what it still holds
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "bahasa") {
        if (navigator.onLine === false) {
          event.preventDefault();
          status.textContent = status.getAttribute("data-no-language");
          status.hidden = false;
        }
        return;
      }
      event.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (value, name) { if (name !== "token") { fields[name] = value; } });
      var entry = {key: queue.newKey(), opened: opened, completed: Date.now(), fields: fields};
      queue.add(entry).then(function () {
        if (navigator.serviceWorker && navigator.serviceWorker.ready && "SyncManager" in window) {
          navigator.serviceWorker.ready.then(function (r) { return r.sync.register("kiosk-queue"); })
            .catch(function () {});
        }
        return queue.flush(syncUrl).catch(function () {});
      }).then(function () { window.location.assign(thanksUrl); });
    });
  }

  window.addEventListener("online", send);
  window.setInterval(send, 60000);
  send();
}());

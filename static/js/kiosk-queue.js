/* An enrolled kiosk's queue of completed answers (IndexedDB), shared by the page and the service worker.
   Each entry keeps its idempotency key and the time it was completed; sending it twice stores it once.
   Entries the server refuses (revoked tablet, period closed past the grace) move to "refused" with the
   server's message, so staff see them instead of losing them silently. */
(function (scope) {
  "use strict";
  var DB = "spak-kiosk", QUEUE = "queue", REFUSED = "refused";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(QUEUE, {keyPath: "key"});
        request.result.createObjectStore(REFUSED, {keyPath: "key"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = action(tx.objectStore(store));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var b = scope.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var sending = null;

  /* Sends the queue in order; stops at the first network failure (the rest waits for the next try). One
     sender at a time across the tablet's pages and its service worker (Web Locks where the browser has them). */
  function flush(url) {
    if (sending) { return sending; }
    if (scope.navigator && scope.navigator.onLine === false) { return Promise.resolve(false); }
    var locks = scope.navigator && scope.navigator.locks;
    sending = (locks ? locks.request("spak-kiosk-queue", function () { return send(url); }) : send(url))
      .then(function (ok) { sending = null; return ok; }, function (error) { sending = null; throw error; });
    return sending;
  }

  function send(url) {
    return run(QUEUE, "readonly", function (s) { return s.getAll(); }).then(function (entries) {
      return entries.reduce(function (chain, entry) {
        return chain.then(function (ok) {
          if (!ok) { return false; }
          return fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                             body: JSON.stringify(entry)}).then(function (response) {
            if (response.status >= 500) { return false; }
            return response.json().catch(function () { return {}; }).then(function (body) {
              var done = run(QUEUE, "readwrite", function (s) { return s.delete(entry.key); });
              if (response.ok) { return done.then(function () { return true; }); }
              return done.then(function () {
                return run(REFUSED, "readwrite", function (s) {
                  return s.put({key: entry.key, completed: entry.completed, status: body.status || String(response.status),
                                message: body.message || ""});
                });
              }).then(function () { return true; });
            });
          }, function () { return false; });
        });
      }, Promise.resolve(true));
    });
  }

  scope.kioskQueue = {
    newKey: newKey,
    add: function (entry) { return run(QUEUE, "readwrite", function (s) { return s.put(entry); }); },
    entries: function () { return run(QUEUE, "readonly", function (s) { return s.getAll(); }); },
    refused: function () { return run(REFUSED, "readonly", function (s) { return s.getAll(); }); },
    flush: flush
  };
}(self));

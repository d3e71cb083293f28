// Extras for pages that already work without JavaScript.
"use strict";

function offerLocalZone() {
  var button = document.querySelector("[data-local-zone]");
  if (!button || !window.Intl || !Intl.DateTimeFormat) return;
  var local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!local) return;
  button.hidden = false;
  button.textContent = "My local time (" + local + ")";
  button.addEventListener("click", function () {
    var url = new URL(window.location.href);
    url.searchParams.set("tz", local);
    window.location.assign(url.toString());
  });
}

function renderMath() {
  if (typeof window.renderMathInElement !== "function") return;
  document.querySelectorAll(".math").forEach(function (element) {
    window.renderMathInElement(element, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false,
    });
  });
}

// Offline copy (workshop/offline.py, service-worker.js): keep this workshop in the browser while online, and
// say so on a page the worker answered from that copy. The worker cannot mark the page itself: it would have to
// rewrite HTML. It tells the page when asked, and the page's "offline-copy" event lets
// offline-search.js complete a stand-in page (a search or an agenda never opened online).
function askWorker(worker, message) {
  return new Promise(function (resolve) {
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) { resolve(event.data || {}); };
    worker.postMessage(message, [channel.port2]);
  });
}

function keepOfflineCopy() {
  var body = document.body;
  var workerUrl = body.dataset.serviceWorker;
  var listUrl = body.dataset.offlineList;
  if (!workerUrl || !listUrl || !("serviceWorker" in navigator)) return;
  var container = navigator.serviceWorker;
  function store() {
    container.ready.then(function (registration) {
      return askWorker(registration.active, { type: "store", list: listUrl });
    }).then(function (result) {
      document.dispatchEvent(new CustomEvent("offline-stored", { detail: result }));
    });
  }
  if (navigator.onLine) {
    container.register(workerUrl).then(store, function () { /* no copy: the site works as before */ });
  }
  window.addEventListener("online", store); // back online: a version published meanwhile replaces the copy
  if (!container.controller) return;
  askWorker(container.controller, { type: "copy", url: window.location.href.split("#")[0] }).then(function (copy) {
    if (!copy.fromCopy && navigator.onLine) return;
    var banner = document.querySelector("[data-offline-banner]");
    var when = copy.storedAt ? new Date(copy.storedAt) : null;
    if (banner) {
      banner.textContent = "Offline" + (when && !isNaN(when) ? " · programme as of " +
        when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "");
      banner.hidden = false;
    }
    document.dispatchEvent(new CustomEvent("offline-copy", { detail: copy }));
  });
}

document.addEventListener("DOMContentLoaded", function () {
  offerLocalZone();
  renderMath();
  keepOfflineCopy();
});

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

// The reader's clock beside the workshop's, where the page left a slot for it ([data-reader-clock]: the server
// did not know the reader's zone). The workshop's <time datetime> elements carry the instant, and in their
// offset form (2021-07-24T09:00:00-07:00) the workshop's own day and clock to compare with.
function placeName(zoneName) {
  return zoneName.split("/").pop().replace(/_/g, " ");
}

function partsOf(format, instant) {
  var parts = {};
  format.formatToParts(instant).forEach(function (part) { parts[part.type] = part.value; });
  return parts;
}

function fillReaderClocks() {
  var slots = document.querySelectorAll("[data-reader-clock]");
  if (!slots.length || !window.Intl || !Intl.DateTimeFormat) return;
  var local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!local) return;
  var format = new Intl.DateTimeFormat("en-GB", {
    timeZone: local, hourCycle: "h23", hour: "2-digit", minute: "2-digit",
    year: "numeric", month: "2-digit", day: "2-digit",
  });
  var dayName = new Intl.DateTimeFormat("en-GB", { timeZone: local, weekday: "short", day: "numeric", month: "short" });
  function read(iso) {
    var instant = new Date(iso);
    var parts = partsOf(format, instant);
    return { instant: instant, clock: parts.hour + ":" + parts.minute, day: parts.year + "-" + parts.month + "-" + parts.day };
  }
  var filled = false;
  slots.forEach(function (slot) {
    var times = slot.closest("[data-clocks]").querySelectorAll(".clock--workshop time[datetime]");
    if (!times.length) return;
    var startsIso = times[0].getAttribute("datetime");
    var starts = read(startsIso);
    var ends = times.length > 1 ? read(times[1].getAttribute("datetime")) : null;
    var workshopDay = startsIso.slice(0, 10);
    if (starts.clock === startsIso.slice(11, 16) && starts.day === workshopDay) return;  // the same clock
    var named = partsOf(dayName, starts.instant);
    slot.querySelector(".clock__text").textContent = starts.clock + (ends ? "–" + ends.clock : "") +
      (starts.day !== workshopDay ? " " + named.weekday + " " + named.day + " " + named.month : "") +
      " in " + placeName(local);
    slot.hidden = false;
    filled = true;
  });
  var note = document.querySelector("[data-reader-zone]");
  if (note && filled) note.hidden = false;
}

// "Now · 12 min left": the server counts at the minute it rendered; the page may be read (or cached) longer.
function countMinutesLeft() {
  var marks = document.querySelectorAll("[data-minutes-left]");
  if (!marks.length) return;
  function update() {
    var now = Date.now();
    marks.forEach(function (mark) {
      var left = Math.ceil((Date.parse(mark.getAttribute("data-ends")) - now) / 60000);
      mark.textContent = left > 0 ? left + " min left" : "ended";
    });
  }
  update();
  // On the minute, as sessions end on the minute.
  window.setTimeout(function () {
    update();
    window.setInterval(update, 60000);
  }, 60000 - (Date.now() % 60000));
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
  fillReaderClocks();
  countMinutesLeft();
  renderMath();
  keepOfflineCopy();
});

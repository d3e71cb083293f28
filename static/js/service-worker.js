// The workshop without a network: a copy of every page, kept in this browser (workshop/offline.py).
//
// A page asks the worker to keep its workshop ({type: "store", list: "/<workshop>/offline.json"}). The worker
// reads the list and, when its programme version is not the one kept already, fetches every page and file of it
// into a new cache, and only when all have arrived drops the older copy: a copy is always one whole version.
//
// Requests go to the network first, and to the copy when the network fails or takes longer than TIMEOUT_MS:
// conference Wi-Fi that is full hangs rather than fails. Network first rather than stale-while-revalidate,
// because the programme changes during the day (a moved talk) and the copy is only for when there is no
// network: a page shown from the copy while the network answers would show the old time once.
"use strict";

var TIMEOUT_MS = 3000;
var PREFIX = "offline "; // cache names: "offline <list URL> <version>"
var PARALLEL = 4; // fetches at once while filling a copy: a full hall fills its copies from one server
var served = new Map(); // page URL -> how it was last answered from the copy, for the page's banner
var filling = new Map(); // list URL -> the refresh under way

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function copyName(listUrl, version) {
  return PREFIX + listUrl + " " + version;
}

function parseName(name) {
  var parts = name.split(" ");
  return { list: parts[1], version: parts.slice(2).join(" ") };
}

// The complete copies (those holding their list, which is stored last), each with its workshop's address,
// the requested workshop's first.
async function copies(url) {
  var names = (await caches.keys()).filter(function (name) { return name.indexOf(PREFIX) === 0; });
  var found = [];
  for (var name of names) {
    var list = parseName(name).list;
    var cache = await caches.open(name);
    if (!(await cache.match(list))) continue;
    var copy = { cache: cache, home: new URL("./", list).href };
    if (url.indexOf(copy.home) === 0) found.unshift(copy); else found.push(copy);
  }
  return found;
}

async function fetchInto(cache, urls) {
  var queue = urls.slice();
  async function worker() {
    while (queue.length) {
      var url = queue.shift();
      // no-cache: the browser's HTTP cache may hold pages of the version being replaced.
      var response = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
      if (!response.ok) throw new Error(url + " answered " + response.status);
      await cache.put(url, response);
    }
  }
  var workers = [];
  for (var i = 0; i < PARALLEL; i++) workers.push(worker());
  await Promise.all(workers);
}

async function refresh(listUrl) {
  var response = await fetch(listUrl, { cache: "no-cache", credentials: "same-origin" });
  if (!response.ok) throw new Error(listUrl + " answered " + response.status);
  var list = await response.clone().json();
  var name = copyName(listUrl, list.version);
  var cache = await caches.open(name);
  if (!(await cache.match(listUrl))) {
    var urls = list.pages.concat(list.assets).map(function (url) { return new URL(url, listUrl).href; });
    try {
      await fetchInto(cache, urls);
    } catch (error) {
      await caches.delete(name); // the older copy stays whole
      throw error;
    }
    await cache.put(listUrl, response);
  }
  var older = (await caches.keys()).filter(function (other) {
    return other !== name && other.indexOf(PREFIX) === 0 && parseName(other).list === listUrl;
  });
  await Promise.all(older.map(function (other) { return caches.delete(other); }));
  return { stored: true, version: list.version, pages: list.pages.length, assets: list.assets.length };
}

function store(listUrl) {
  listUrl = new URL(listUrl, self.location.href).href;
  if (!filling.has(listUrl)) {
    var done = refresh(listUrl).finally(function () { filling.delete(listUrl); });
    filling.set(listUrl, done);
  }
  return filling.get(listUrl);
}

function reply(event, message) {
  if (event.ports && event.ports[0]) event.ports[0].postMessage(message);
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "store" && typeof data.list === "string") {
    event.waitUntil(store(data.list).then(
      function (result) { reply(event, result); },
      function (error) { reply(event, { stored: false, error: String(error) }); }
    ));
  } else if (data.type === "copy" && typeof data.url === "string") {
    reply(event, served.get(data.url) || { fromCopy: false });
  }
});

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("no answer in time")); }, TIMEOUT_MS);
    promise.then(
      function (value) { clearTimeout(timer); resolve(value); },
      function (error) { clearTimeout(timer); reject(error); }
    );
  });
}

// A page or file fetched afresh replaces its stored copy; a page of a kept workshop not in the list (a search,
// an agenda) joins its copy.
async function keep(url, response) {
  if (!response.ok || response.redirected || response.type !== "basic") return;
  for (var copy of await copies(url)) {
    if (url.indexOf(copy.home) === 0 || (await copy.cache.match(url, { ignoreVary: true }))) {
      await copy.cache.put(url, response);
      return;
    }
  }
}

// The stored page, or for a page never stored (a search, an agenda with other stars) the same page without
// its query, which static/js/offline-search.js completes from the search index.
async function fromCopy(request) {
  var url = request.url;
  var plain = url.split("?")[0];
  var found = await copies(url);
  for (var copy of found) {
    var response = await copy.cache.match(url, { ignoreVary: true });
    if (!response && request.mode === "navigate") response = await copy.cache.match(plain, { ignoreVary: true });
    if (response) {
      if (request.mode === "navigate") {
        served.set(url, { fromCopy: true, storedAt: response.headers.get("Date"), standIn: response.url !== url });
      }
      return response;
    }
  }
  return null;
}

async function networkFirst(event) {
  var request = event.request;
  var network = fetch(request);
  try {
    var response = await withTimeout(network);
    served.delete(request.url);
    event.waitUntil(keep(request.url, response.clone()));
    return response;
  } catch (error) {
    // A late answer still refreshes the copy for next time.
    event.waitUntil(network.then(function (late) { return keep(request.url, late.clone()); }, function () {}));
    var stored = await fromCopy(request);
    if (stored) return stored;
    if (request.mode === "navigate") {
      return new Response("Offline, and this page is not in the copy kept in this browser.", {
        status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    return Response.error();
  }
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/admin/") === 0 || url.pathname === new URL(self.location.href).pathname) return;
  event.respondWith(networkFirst(event));
});

// Search and My agenda without a network. A search or an agenda never opened online is not in the copy the
// service worker keeps; it answers with the same page without its query (an empty search form, an empty agenda),
// and this script fills it in from the workshop's search index (workshop/offline.py), which the copy holds.
// In a static archive (body[data-archive]) there is no server at all, and it answers every search and agenda, also
// from a folder opened from disk.
// Words match as on the server with SQLite (workshop/search/filters.py): every word of the query, stop words
// aside, must appear in the title, the abstract or a person's name, case aside.
"use strict";

(function () {
  var body = document.body;
  if (!body.dataset.searchIndex) return;

  function words(text, index) {
    var found = (text || "").toLowerCase().match(/[\p{L}\p{N}_]+/gu) || [];
    var chosen = [];
    found.forEach(function (word) {
      if (index.stop_words.indexOf(word) === -1 && chosen.indexOf(word) === -1) chosen.push(word);
    });
    return chosen.slice(0, index.max_words);
  }

  function matches(item, terms) {
    var fields = [item.title, item.abstract].concat(item.people).map(function (text) { return text.toLowerCase(); });
    return terms.every(function (term) {
      return fields.some(function (field) { return field.indexOf(term) !== -1; });
    });
  }

  function element(name, text, className) {
    var made = document.createElement(name);
    if (text) made.textContent = text;
    if (className) made.className = className;
    return made;
  }

  function when(item, zone) {
    if (!item.starts_at) return item.spots && item.spots.length ? "Spot " + item.spots.join(", ") : "";
    return new Intl.DateTimeFormat([], {
      timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).format(new Date(item.starts_at));
  }

  function section(title, items, zone) {
    var part = element("section");
    part.appendChild(element("h2", title + " (" + items.length + ")"));
    var list = element("ol", "", "offline-results");
    items.forEach(function (item) {
      var row = element("li");
      var link = element("a", item.title);
      link.href = item.url;
      row.appendChild(link);
      var details = [item.label, when(item, zone), item.room, item.people.join(", ")].filter(Boolean);
      row.appendChild(element("p", details.join(" · ")));
      list.appendChild(row);
    });
    part.appendChild(list);
    return part;
  }

  function show(parts) {
    var head = document.querySelector("main .page-head");
    var after = head ? head.nextSibling : null;
    parts.forEach(function (part) { head.parentNode.insertBefore(part, after); });
  }

  function answerSearch(index, query) {
    var terms = words(query, index);
    var sessions = terms.length ? index.sessions.filter(function (item) { return matches(item, terms); }) : [];
    var posters = terms.length ? index.posters.filter(function (item) { return matches(item, terms); }) : [];
    var field = document.querySelector("main form [name=q]");
    if (field) field.value = query;
    var count = sessions.length + posters.length;
    var parts = [element("p", count + " result" + (count === 1 ? "" : "s") + ": " + sessions.length + " session" +
      (sessions.length === 1 ? "" : "s") + ", " + posters.length + " poster" + (posters.length === 1 ? "" : "s") +
      ". Searched in the copy kept in this browser: words only, without the kind, person and room filters.",
      "result-count")];
    parts[0].setAttribute("role", "status");
    if (sessions.length) parts.push(section("Sessions", sessions, index.timezone));
    if (posters.length) parts.push(section("Posters", posters, index.timezone));
    show(parts);
  }

  function answerAgenda(index, params) {
    function starred(items, name) {
      var keys = (params.get(name) || "").split(".");
      return items.filter(function (item) { return keys.indexOf(item.key) !== -1; });
    }
    var sessions = starred(index.sessions, "s");
    var posters = starred(index.posters, "p");
    if (!sessions.length && !posters.length) return;
    var empty = document.querySelector("[data-agenda-empty]");
    if (empty) empty.hidden = true;
    var parts = [];
    if (sessions.length) parts.push(section("Sessions", sessions, index.timezone));
    if (posters.length) parts.push(section("Posters", posters, index.timezone));
    show(parts);
  }

  // The archive's addresses are relative and its pages files (search/index.html): compare where they lead.
  function isThisPage(url) {
    function page(address) { return new URL(address, window.location.href).pathname.replace(/index\.html$/, ""); }
    return Boolean(url) && page(url) === page(window.location.href);
  }

  // An archive opened from disk (file://): browsers refuse fetch there, but load a script, and the archive writes
  // the index as one beside it (search-index.js, setting window.workshopSearchIndex).
  function loadIndex(indexUrl) {
    if (window.location.protocol !== "file:") {
      return fetch(indexUrl).then(function (response) { return response.json(); });
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = indexUrl.href.replace(/\.json$/, ".js");
      script.onload = function () { resolve(window.workshopSearchIndex); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function answer() {
    var params = new URLSearchParams(window.location.search);
    var onSearch = isThisPage(body.dataset.searchUrl) && params.get("q");
    var onAgenda = isThisPage(body.dataset.agendaUrl) && (params.get("s") || params.get("p"));
    if (!onSearch && !onAgenda) return;
    var indexUrl = new URL(body.dataset.searchIndex, window.location.href);
    loadIndex(indexUrl).then(function (index) {
      // A result's url is read relative to the index: the archive (workshop/archive.py) writes them so.
      index.sessions.concat(index.posters).forEach(function (item) { item.url = new URL(item.url, indexUrl).href; });
      if (onSearch) answerSearch(index, params.get("q"));
      else answerAgenda(index, params);
    });
  }

  // A static archive (export_static) has no server to answer a search or an agenda: every such page is a stand-in.
  if (body.hasAttribute("data-archive")) {
    answer();
    return;
  }

  document.addEventListener("offline-copy", function (event) {
    if (event.detail.standIn) answer();
  });
})();

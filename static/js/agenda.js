// Stars for a personal agenda, kept in this browser's localStorage. Without JavaScript no star appears.
// An item is kept by its key (data-star-id), which the agenda link lists in base 36 (?s=3.1c&p=9): slugs made
// links too long for servers. Visits before that stored slugs; each is swapped for its key once its item is
// on a page, and until then sent the old way (?sessions=slug), which the server still reads.
// The link also carries since (unix seconds): the agenda lists what changed in its items after it. It is when the
// first star was made (rounded down to the minute, so that links share cached pages), then, each time the agenda
// is shown, the server's clock at that moment (data-agenda-shown-at): what was shown has been seen.
"use strict";

(function () {
  var body = document.body;
  var workshop = body.dataset.workshop;
  if (!workshop || !window.localStorage) return;
  var key = "agenda:" + workshop;
  var agendaUrl = body.dataset.agendaUrl;
  var KINDS = { sessions: "s", posters: "p" }; // what is kept, and the compact parameter that lists its keys
  var sinceKey = "agenda-since:" + workshop;

  function loadSince() {
    var since = Number(window.localStorage.getItem(sinceKey));
    return Number.isSafeInteger(since) && since > 0 ? since : null;
  }

  function saveSince(since) {
    window.localStorage.setItem(sinceKey, String(since));
  }

  function isKey(item) {
    return typeof item === "number" && Number.isSafeInteger(item) && item > 0;
  }

  function isSlug(item) {
    return typeof item === "string" && /^[-a-zA-Z0-9_]+$/.test(item);
  }

  function load() {
    var agenda = { sessions: [], posters: [] };
    try {
      var stored = JSON.parse(window.localStorage.getItem(key) || "{}");
      Object.keys(KINDS).forEach(function (kind) {
        // Anything else (edited by hand, another script) would make a link the server refuses.
        if (Array.isArray(stored[kind])) agenda[kind] = stored[kind].filter(function (item) { return isKey(item) || isSlug(item); });
      });
    } catch (error) {
      // Unreadable: start again with nothing starred.
    }
    return agenda;
  }

  function save(agenda) {
    window.localStorage.setItem(key, JSON.stringify(agenda));
  }

  function query(agenda) {
    var params = new URLSearchParams();
    Object.keys(KINDS).forEach(function (kind) {
      var keys = agenda[kind].filter(isKey).sort(function (a, b) { return a - b; });
      if (keys.length) params.set(KINDS[kind], keys.map(function (id) { return id.toString(36); }).join("."));
    });
    Object.keys(KINDS).forEach(function (kind) {
      var slugs = agenda[kind].filter(isSlug);
      if (slugs.length) params.set(kind, slugs.join(","));
    });
    var since = loadSince();
    if (params.toString() && since !== null) params.set("since", String(since));
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function starOf(slot) {
    var id = /^[0-9]+$/.test(slot.dataset.starId || "") ? Number(slot.dataset.starId) : null;
    return { kind: slot.dataset.starKind, id: isKey(id) ? id : null, slug: slot.dataset.starSlug };
  }

  function isStarred(agenda, star) {
    var list = agenda[star.kind];
    return (star.id !== null && list.indexOf(star.id) !== -1) || list.indexOf(star.slug) !== -1;
  }

  function unstar(agenda, star) {
    agenda[star.kind] = agenda[star.kind].filter(function (item) { return item !== star.id && item !== star.slug; });
  }

  function addStar(agenda, star) {
    agenda[star.kind].push(star.id !== null ? star.id : star.slug);
  }

  // A slug kept by an older visit becomes this item's key. Returns whether anything changed.
  function keepByKey(agenda, star) {
    if (star.id === null || agenda[star.kind].indexOf(star.slug) === -1) return false;
    unstar(agenda, star);
    addStar(agenda, star);
    return true;
  }

  function paint(button, starred, title) {
    // The accessible name starts with the visible word (WCAG 2.5.3, label in name): "Star: <title>".
    var word = starred ? "Starred" : "Star";
    var glyph = document.createElement("span");
    glyph.setAttribute("aria-hidden", "true");
    glyph.textContent = starred ? "★ " : "☆ ";
    button.setAttribute("aria-pressed", starred ? "true" : "false");
    button.setAttribute("aria-label", word + ": " + title);
    button.replaceChildren(glyph, word);
  }

  function updateAgendaLinks(agenda) {
    var count = agenda.sessions.length + agenda.posters.length;
    document.querySelectorAll("[data-agenda-link]").forEach(function (item) {
      if (count) item.hidden = false;
      var link = item.querySelector("a");
      if (link) link.href = agendaUrl + query(agenda);
    });
  }

  function onAgendaPage() {
    return window.location.pathname === agendaUrl;
  }

  // The agenda was shown: its changes are seen. The address is rewritten (not reloaded) so that a reload, or a
  // bookmark made now, carries the new since.
  function markSeen() {
    var shown = document.querySelector("[data-agenda-shown-at]");
    var at = shown ? Number(shown.dataset.agendaShownAt) : NaN;
    if (!Number.isSafeInteger(at) || at <= 0) return;
    saveSince(at);
    var params = new URLSearchParams(window.location.search);
    if (!params.toString()) return;
    params.set("since", String(at));
    window.history.replaceState(window.history.state, "", agendaUrl + "?" + params.toString() + window.location.hash);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var agenda = load();
    var slots = Array.prototype.slice.call(document.querySelectorAll(".star-slot"));
    var changed = slots.map(function (slot) { return keepByKey(agenda, starOf(slot)); });
    if (changed.indexOf(true) !== -1) save(agenda);
    slots.forEach(function (slot) {
      var star = starOf(slot);
      var title = slot.dataset.starTitle || star.slug;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "star";
      paint(button, isStarred(agenda, star), title);
      button.addEventListener("click", function () {
        agenda = load();
        if (isStarred(agenda, star)) {
          unstar(agenda, star);
        } else {
          addStar(agenda, star);
          if (loadSince() === null) saveSince(Math.floor(Date.now() / 60000) * 60);
        }
        save(agenda);
        paint(button, isStarred(agenda, star), title);
        updateAgendaLinks(agenda);
        if (onAgendaPage()) window.location.replace(agendaUrl + query(agenda));
      });
      slot.appendChild(button);
    });
    updateAgendaLinks(agenda);
    // Opened from a bookmark or the menu without the list: show what this browser has starred.
    if (onAgendaPage() && !window.location.search && query(agenda)) {
      window.location.replace(agendaUrl + query(agenda));
    } else if (onAgendaPage()) {
      markSeen();
      updateAgendaLinks(agenda);
    }
  });
})();

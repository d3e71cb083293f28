// Stars for a personal agenda, kept in this browser's localStorage. Without JavaScript no star appears.
"use strict";

(function () {
  var body = document.body;
  var workshop = body.dataset.workshop;
  if (!workshop || !window.localStorage) return;
  var key = "agenda:" + workshop;
  var agendaUrl = body.dataset.agendaUrl;

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(key) || "{}");
      return { sessions: stored.sessions || [], posters: stored.posters || [] };
    } catch (error) {
      return { sessions: [], posters: [] };
    }
  }

  function save(agenda) {
    window.localStorage.setItem(key, JSON.stringify(agenda));
  }

  function query(agenda) {
    var params = new URLSearchParams();
    if (agenda.sessions.length) params.set("sessions", agenda.sessions.join(","));
    if (agenda.posters.length) params.set("posters", agenda.posters.join(","));
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function isStarred(agenda, kind, slug) {
    return agenda[kind].indexOf(slug) !== -1;
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

  document.addEventListener("DOMContentLoaded", function () {
    var agenda = load();
    document.querySelectorAll(".star-slot").forEach(function (slot) {
      var kind = slot.dataset.starKind;
      var slug = slot.dataset.starSlug;
      var title = slot.dataset.starTitle || slug;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "star";
      paint(button, isStarred(agenda, kind, slug), title);
      button.addEventListener("click", function () {
        agenda = load();
        if (isStarred(agenda, kind, slug)) {
          agenda[kind] = agenda[kind].filter(function (item) { return item !== slug; });
        } else {
          agenda[kind].push(slug);
        }
        save(agenda);
        paint(button, isStarred(agenda, kind, slug), title);
        updateAgendaLinks(agenda);
        if (onAgendaPage()) window.location.replace(agendaUrl + query(agenda));
      });
      slot.appendChild(button);
    });
    updateAgendaLinks(agenda);
    // Opened from a bookmark or the menu without the list: show what this browser has starred.
    if (onAgendaPage() && !window.location.search && query(agenda)) {
      window.location.replace(agendaUrl + query(agenda));
    }
  });
})();

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

document.addEventListener("DOMContentLoaded", function () {
  offerLocalZone();
  renderMath();
});

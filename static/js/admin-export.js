// The export page's "Select all" box: django-import-export wires it with an inline onchange attribute, which the
// Content-Security-Policy refuses; its handler (export_selectable_fields.js, loaded before this) is reused.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.onSelectToggleChange !== "function") return;
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", window.onSelectToggleChange);
  });
});

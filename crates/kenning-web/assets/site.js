// Behaviour every page may use, kept out of the HTML so the pages can forbid inline
// script (Content-Security-Policy: script-src 'self').
"use strict";

// Read-only fields holding a link to copy (a gift, a podcast feed) select themselves.
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
    field.select();
  }
});

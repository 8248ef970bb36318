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

// The bell shows how many notifications are unread (the page works without it).
const bell = document.querySelector("[data-unread]");
if (bell) {
  fetch("/notifications/unread", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((body) => {
      if (body && body.unread > 0) {
        bell.textContent = body.unread > 99 ? "99+" : String(body.unread);
        bell.hidden = false;
      }
    })
    .catch(() => {});
}

// A form that undoes something asks first (without script it simply submits).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

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

// Lessons in the studio are dragged by their handle within their chapter; dropping one
// sends its ↑ or ↓ form with how many places it moved (without script, the arrows).
for (const list of document.querySelectorAll("ol[data-sortable]")) {
  let dragged = null;
  for (const item of list.children) {
    const handle = item.querySelector("[data-drag-handle]");
    if (!handle) continue;
    handle.hidden = false;
    handle.addEventListener("pointerdown", () => { item.draggable = true; });
    // A press on the handle that did not become a drag leaves the row as it was.
    handle.addEventListener("pointerup", () => { item.draggable = false; });
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("dragging");
      item.draggable = false;
      dragged = null;
    });
    item.addEventListener("dragover", (event) => {
      if (dragged && dragged !== item) event.preventDefault();
    });
    item.addEventListener("drop", (event) => {
      event.preventDefault();
      if (!dragged || dragged === item) return;
      const items = Array.from(list.children);
      const from = items.indexOf(dragged);
      const to = items.indexOf(item);
      const form = dragged.querySelector(`form[data-move="${to < from ? "up" : "down"}"]`);
      if (!form) return;
      const steps = document.createElement("input");
      steps.type = "hidden";
      steps.name = "steps";
      steps.value = String(Math.abs(to - from));
      form.append(steps);
      form.submit();
    });
  }
}

// A form shown again because it was refused: bring its message into view (on a long
// page it may be far below the top).
const refusal = document.querySelector('main [role="alert"][data-test="form-error"]');
if (refusal) {
  refusal.scrollIntoView({ block: "center" });
}

// A button that copies a link (a referral link, a gift link) to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!(field instanceof HTMLInputElement) || !navigator.clipboard) return;
  navigator.clipboard.writeText(field.value).then(() => {
    button.textContent = button.dataset.copied || button.textContent;
  }).catch(() => field.select());
});

// A choice that applies at once (the buyer's country on a product page): with script
// the form sends itself on change and its button is not needed.
for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  const button = form.querySelector("[data-autosubmit-button]");
  if (button) button.hidden = true;
  form.addEventListener("change", () => form.requestSubmit());
}

// Times are shown in the visitor's own zone: the page says which zone it used; when the
// browser is elsewhere it tells the server (kept in a cookie, and with the account of a
// signed-in person). A page that shows times of day (live sessions) is shown again at
// once; others use the zone from the next page on.
(() => {
  const shown = document.documentElement.dataset.zone;
  let here = "";
  try {
    here = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (_) {
    return;
  }
  const utc = ["UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "GMT", "Etc/GMT"];
  if (!here || here === shown || (shown === "UTC" && utc.includes(here))) return;
  const token = document.querySelector('input[name="csrf"]');
  if (!token) return;
  const body = new URLSearchParams({ csrf: token.value, zone: here });
  fetch("/preferences/time-zone", { method: "POST", body, credentials: "same-origin" })
    .then((r) => {
      if (r.ok && document.querySelector("[data-zoned]")) window.location.reload();
    })
    .catch(() => {});
})();

// Links written as a path on a page that is shared by many (a product page) are shown
// whole, with this site's address, so they work pasted anywhere.
for (const field of document.querySelectorAll("input[data-absolute]")) {
  field.value = new URL(field.value, window.location.href).href;
}

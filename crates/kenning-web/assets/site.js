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

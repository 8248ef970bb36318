// The live room: a countdown before the start, and the chat and question queue over
// the room's WebSocket. Every text comes from the page (data-label-*), so the script
// holds no words of its own; messages are inserted as text, never as HTML.
(function () {
  "use strict";

  // The page may include this script more than once (a live session on sale).
  if (window.kenningCountdowns) { return; }
  window.kenningCountdowns = true;

  document.querySelectorAll("[data-countdown]").forEach(function (countdown) {
    var endsAt = Number(countdown.dataset.countdown);
    var out = countdown.querySelector("[data-countdown-text]");
    var days = countdown.dataset.labelDays;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var timer = null;
    var tick = function () {
      var left = Math.max(0, Math.floor((endsAt - Date.now()) / 1000));
      if (left === 0) { clearInterval(timer); window.location.reload(); return; }
      var d = Math.floor(left / 86400);
      var rest = left % 86400;
      out.textContent = (d > 0 ? d + days + " " : "") +
        two(Math.floor(rest / 3600)) + ":" + two(Math.floor((rest % 3600) / 60)) + ":" + two(rest % 60);
    };
    tick();
    timer = setInterval(tick, 1000);
  });

  var room = document.querySelector("[data-room]");
  if (!room) { return; }
  var labels = room.dataset;
  var moderator = labels.moderator === "true";
  var chat = room.querySelector("[data-chat]");
  var questions = room.querySelector("[data-questions]");
  var form = room.querySelector("[data-chat-form]");
  var errorBox = room.querySelector("[data-chat-error]");
  var messages = new Map();
  var socket = null;

  function send(request) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(request));
    }
  }

  function line(m, forQueue) {
    var li = document.createElement("li");
    li.dataset.id = m.id;
    li.dataset.test = forQueue ? "question" : "chat-message";
    if (m.pinned) { li.classList.add("pinned"); }
    if (m.answered) { li.classList.add("answered"); }
    var author = document.createElement("strong");
    author.textContent = m.author;
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = m.body;
    li.append(author, " ", body);
    var badges = [];
    if (m.question && !forQueue) { badges.push(labels.labelQuestion); }
    if (m.pinned) { badges.push(labels.labelPinned); }
    if (m.answered) { badges.push(labels.labelAnswered); }
    badges.forEach(function (b) {
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.textContent = b;
      li.append(" ", chip);
    });
    if (forQueue && moderator) {
      var pin = document.createElement("button");
      pin.type = "button";
      pin.className = "secondary small";
      pin.dataset.test = m.pinned ? "unpin" : "pin";
      pin.textContent = m.pinned ? labels.labelUnpin : labels.labelPin;
      pin.onclick = function () { send({ type: "moderate", id: m.id, action: m.pinned ? "unpin" : "pin" }); };
      li.append(" ", pin);
      if (!m.answered) {
        var done = document.createElement("button");
        done.type = "button";
        done.className = "secondary small";
        done.dataset.test = "mark-answered";
        done.textContent = labels.labelAnswer;
        done.onclick = function () { send({ type: "moderate", id: m.id, action: "answered" }); };
        li.append(" ", done);
      }
    }
    return li;
  }

  function render() {
    var all = Array.from(messages.values());
    all.sort(function (a, b) { return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0; });
    chat.replaceChildren.apply(chat, all.map(function (m) { return line(m, false); }));
    chat.scrollTop = chat.scrollHeight;
    var queue = all.filter(function (m) { return m.question; });
    queue.sort(function (a, b) {
      if (a.pinned !== b.pinned) { return a.pinned ? -1 : 1; }
      if (a.answered !== b.answered) { return a.answered ? 1 : -1; }
      return a.created_at < b.created_at ? -1 : 1;
    });
    questions.replaceChildren.apply(questions, queue.map(function (m) { return line(m, true); }));
  }

  var ended = false;

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/live/" + room.dataset.room + "/socket");
    socket.onopen = function () { errorBox.hidden = true; room.dataset.connected = "true"; };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "history") {
        messages.clear();
        data.messages.forEach(function (m) { messages.set(m.id, m); });
      } else if (data.type === "message" || data.type === "updated") {
        messages.set(data.message.id, data.message);
      } else if (data.type === "error") {
        errorBox.textContent = data.message;
        errorBox.hidden = false;
        // Signed out, or the ticket is gone: the server closes the room for good.
        if (data.code === "unauthenticated" || data.code === "ticket_required") {
          ended = true;
          form.hidden = true;
        }
        return;
      } else if (data.type === "reload") {
        socket.close();
        return;
      }
      render();
    };
    socket.onclose = function () {
      room.dataset.connected = "false";
      if (ended) { return; }
      errorBox.textContent = labels.labelDisconnected;
      errorBox.hidden = false;
      setTimeout(connect, 3000);
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = form.elements.body.value.trim();
    if (!body) { return; }
    send({ type: "say", body: body, question: form.elements.question.checked });
    form.elements.body.value = "";
    form.elements.question.checked = false;
  });
  connect();
})();

// A circle's chat, live: new lines arrive through the chat's stream (server-sent events) and a line is sent
// without leaving the page. Without this script the page works as a form and a reload.
(function () {
  "use strict";
  var list = document.getElementById("chat-lines");
  if (!list || !window.EventSource) return;
  var form = document.getElementById("chat-form");
  var source = new EventSource(list.dataset.stream);
  source.onmessage = function (event) {
    var line = JSON.parse(event.data);
    if (document.getElementById("l" + line.id)) return;
    var empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.className = "chat-line";
    item.id = "l" + line.id;
    var head = document.createElement("div");
    head.className = "post-head";
    var who = document.createElement(line.author ? "a" : "span");
    who.className = "author";
    if (line.author) {
      who.href = "/u/" + line.author.username;
      who.textContent = line.author.display_name;
    }
    var time = document.createElement("time");
    time.className = "muted small";
    time.dateTime = line.created_at;
    time.textContent = new Date(line.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    head.append(who, " ", time);
    item.append(head);
    if (line.reply_to) {
      var quote = document.createElement("blockquote");
      quote.className = "chat-reply small";
      quote.textContent = (line.reply_to.author ? line.reply_to.author.display_name + ": " : "") + line.reply_to.excerpt;
      item.append(quote);
    }
    var body = document.createElement("div");
    body.className = "post-body";
    body.innerHTML = line.html; // rendered and sanitised by the server when it was written
    item.append(body);
    if (form) {
      var actions = document.createElement("div");
      actions.className = "post-actions";
      var answer = document.createElement("a");
      answer.href = form.getAttribute("action") + "?reply=" + line.id + "#f-body";
      answer.textContent = form.dataset.reply;
      actions.append(answer);
      item.append(actions);
    }
    list.append(item);
    item.scrollIntoView({ block: "nearest" });
  };
  source.addEventListener("deleted", function (event) {
    var gone = document.getElementById("l" + JSON.parse(event.data).id);
    if (gone) gone.remove();
  });
  if (!form || !window.fetch) return;
  form.addEventListener("submit", function (event) {
    var picture = form.querySelector("input[type=file]");
    if (picture && picture.files.length) return; // a picture goes as the form does
    event.preventDefault();
    var reply = form.elements.reply_to;
    fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf_token.value },
      body: JSON.stringify({ body: form.elements.body.value, reply_to: reply ? Number(reply.value) : null }),
    }).then(function (response) {
      if (!response.ok) return form.submit(); // the page says what is wrong
      form.elements.body.value = "";
      var replying = document.getElementById("chat-replying");
      if (replying) replying.remove();
      if (reply) reply.remove();
      form.elements.body.focus();
    }, function () { form.submit(); });
  });
})();

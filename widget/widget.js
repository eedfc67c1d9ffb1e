/*
 * Live-chat visitor widget. Plain JavaScript, no build step.
 * Embed on any page:  <script src="https://HOST/widget.js" async></script>
 * Optional: data-color="#0f766e" on that tag changes the brand colour.
 * Speaks the /visitor namespace of docs/protocol.md. All user text goes in with textContent.
 */
(function () {
  "use strict";
  if (window.__chatWidgetLoaded) return;
  window.__chatWidgetLoaded = true;

  var script = document.currentScript || (function () {
    var all = document.getElementsByTagName("script");
    for (var i = all.length - 1; i >= 0; i--) if (/\/widget\.js([?#].*)?$/.test(all[i].src)) return all[i];
    return null;
  })();
  var SRC = new URL(script && script.src ? script.src : "/widget.js", location.href);
  var BASE_PATH = SRC.pathname.replace(/\/widget\.js$/, "");
  var BASE = SRC.origin + BASE_PATH;
  var BRAND = (script && script.getAttribute("data-color")) || "#2563eb";
  var K_TOKEN = "chatWidget.visitorToken", K_OPEN = "chatWidget.open", K_OUTBOX = "chatWidget.outbox";
  var ACK_TIMEOUT = 15000;
  var FINAL = { text_too_long: 1, missing_field: 1, invalid_payload: 1, conversation_closed: 1, not_found: 1 };

  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function save(k, v) {
    try { if (v == null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* private mode */ }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16), s = "";
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    for (var j = 0; j < 16; j++) s += (b[j] < 16 ? "0" : "") + b[j].toString(16);
    return s;
  }
  function loadOutbox() {
    try { var v = JSON.parse(load(K_OUTBOX) || "[]"); return Array.isArray(v) ? v : []; } catch (e) { return []; }
  }

  // ---- state -------------------------------------------------------------------------------------------
  var S = {
    view: "prechat",      // prechat | queued | offline | chatting | closed | thanks
    open: false,
    conv: null,           // {id, agentName}
    byId: {}, bySeq: {}, list: [], lastSeq: 0,
    queue: null,          // {position, estimated_wait_s}
    outbox: loadOutbox(), // [{client_id, conversation_id, text, failed}]
    startText: null,      // first message while chat:start is in flight
    startId: null,        // {text, id}: client_id of a chat:start, reused when the same text is retried
    early: {},            // chat:assigned that raced ahead of the chat:start ack, by conversation id
    score: 0, scale: null, unread: 0, connectedOnce: false, busy: false
  };
  var socket = null, ui = {};

  // ---- DOM helpers -------------------------------------------------------------------------------------
  function h(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null && attrs[k] !== false) n.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    [].concat(kids == null ? [] : kids).forEach(function (c) {
      if (c != null) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return n;
  }
  function icon(d, size) {
    var NS = "http://www.w3.org/2000/svg", s = document.createElementNS(NS, "svg"), p = document.createElementNS(NS, "path");
    s.setAttribute("viewBox", "0 0 24 24"); s.setAttribute("width", size || 24); s.setAttribute("height", size || 24);
    s.setAttribute("aria-hidden", "true"); p.setAttribute("d", d); p.setAttribute("fill", "currentColor");
    s.appendChild(p); return s;
  }
  function show(n, on) { n.hidden = !on; }
  function fmtTime(iso) {
    var d = iso ? new Date(iso) : null;
    return d && !isNaN(d) ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  }
  function waitText(s) {
    if (s == null || isNaN(s)) return "";
    if (s < 60) return "Estimated wait: less than a minute";
    var m = Math.round(s / 60);
    return "Estimated wait: about " + m + (m === 1 ? " minute" : " minutes");
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    ".w{--brand:#2563eb;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827;-webkit-font-smoothing:antialiased}",
    "button,input,textarea{font:inherit;color:inherit}",
    ".launcher{position:fixed;right:20px;bottom:20px;width:58px;height:58px;border-radius:50%;border:0;background:var(--brand);color:#fff;cursor:pointer;box-shadow:0 8px 24px rgba(15,23,42,.25);display:grid;place-items:center;z-index:2147483000;transition:transform .15s}",
    ".launcher:hover{transform:scale(1.06)}.launcher:focus-visible{outline:3px solid #93c5fd;outline-offset:3px}",
    ".launcher .i-close{display:none}.open .launcher .i-chat{display:none}.open .launcher .i-close{display:block}",
    ".badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#ef4444;color:#fff;font-size:12px;font-weight:600;line-height:20px;text-align:center;border:2px solid #fff}",
    ".panel{position:fixed;right:20px;bottom:92px;width:360px;height:520px;max-height:calc(100vh - 112px);background:#fff;border-radius:16px;box-shadow:0 16px 48px rgba(15,23,42,.22),0 2px 6px rgba(15,23,42,.08);display:flex;flex-direction:column;overflow:hidden;z-index:2147483001;opacity:0;visibility:hidden;transform:translateY(12px);transition:opacity .18s,transform .18s,visibility 0s .18s}",
    ".open .panel{opacity:1;visibility:visible;transform:none;transition:opacity .18s,transform .18s}",
    "header{background:var(--brand);color:#fff;padding:14px 12px 14px 18px;display:flex;align-items:center;gap:10px;flex:none}",
    "header .t{flex:1;min-width:0}header strong{display:block;font-size:16px;font-weight:600}",
    "header .sub{display:block;font-size:12.5px;opacity:.85;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".icon-btn{border:0;background:transparent;color:inherit;width:34px;height:34px;border-radius:8px;cursor:pointer;display:grid;place-items:center}",
    ".icon-btn:hover{background:rgba(255,255,255,.16)}",
    ".conn{background:#fef3c7;color:#92400e;font-size:12.5px;padding:6px 14px;flex:none}",
    ".body{flex:1;min-height:0;display:flex;flex-direction:column;background:#fafafa}",
    ".instant .panel{transition:none}",
    ".prechat{padding:18px;display:flex;flex-direction:column;gap:12px;overflow:auto;flex:1}",
    ".hello{font-size:15px;margin:0 0 4px;color:#374151}",
    "label{display:flex;flex-direction:column;gap:4px;font-size:12.5px;font-weight:600;color:#4b5563}",
    "label span.opt{font-weight:400;color:#9ca3af}",
    "input,textarea{border:1px solid #d1d5db;border-radius:10px;padding:9px 11px;background:#fff;outline:none;width:100%;font-weight:400}",
    "input:focus,textarea:focus{border-color:var(--brand);box-shadow:0 0 0 3px rgba(37,99,235,.15)}",
    "textarea{resize:none}",
    ".primary{border:0;background:var(--brand);color:#fff;font-weight:600;border-radius:10px;padding:10px 14px;cursor:pointer}",
    ".primary:disabled{opacity:.55;cursor:default}.primary:hover:not(:disabled){filter:brightness(1.08)}",
    ".link{border:0;background:none;color:#6b7280;font-size:12.5px;cursor:pointer;padding:4px 6px;border-radius:6px}",
    ".link:hover{color:#111827;background:#f3f4f6}",
    ".queue{margin:10px 12px 0;padding:10px 12px;border-radius:12px;background:#eff6ff;color:#1e3a8a;font-size:13px;flex:none}",
    ".queue b{font-weight:600}",
    ".transcript{flex:1;min-height:0;overflow-y:auto;padding:14px 12px;display:flex;flex-direction:column;gap:6px;background:#fafafa}",
    ".row{display:flex;flex-direction:column;max-width:80%}",
    ".row.visitor{align-self:flex-end;align-items:flex-end}.row.agent{align-self:flex-start;align-items:flex-start}",
    ".row.system{align-self:center;max-width:90%;text-align:center}",
    ".name{font-size:11.5px;color:#6b7280;margin:4px 8px 2px}",
    ".bubble{padding:8px 12px;border-radius:16px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}",
    ".visitor .bubble{background:var(--brand);color:#fff;border-bottom-right-radius:5px}",
    ".agent .bubble{background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:5px}",
    ".system .bubble{background:none;color:#6b7280;font-size:12.5px;padding:2px 8px}",
    ".pending .bubble{opacity:.65}",
    ".meta{font-size:11px;color:#9ca3af;margin:2px 6px 0}",
    ".meta.bad{color:#dc2626}.meta button{border:0;background:none;color:#2563eb;cursor:pointer;font-size:11px;padding:0;text-decoration:underline}",
    ".typing{font-size:12px;color:#6b7280;padding:0 16px 6px;background:#fafafa;flex:none}",
    ".footer{border-top:1px solid #eef0f3;padding:10px 12px;flex:none;background:#fff}",
    ".composer{display:flex;gap:8px;align-items:flex-end}",
    ".composer textarea{flex:1;max-height:120px;min-height:40px}",
    ".send{width:40px;height:40px;flex:none;padding:0;display:grid;place-items:center;border-radius:50%}",
    ".actions{display:flex;justify-content:center;margin-top:4px}",
    ".card{text-align:center;display:flex;flex-direction:column;gap:8px;align-items:stretch}",
    ".card h3{margin:2px 0 0;font-size:15px}.card p{margin:0;color:#6b7280;font-size:13px}",
    ".stars{display:flex;justify-content:center;gap:4px}",
    ".star{border:0;background:none;font-size:28px;line-height:1;color:#d1d5db;cursor:pointer;padding:2px 4px;border-radius:6px}",
    ".star.on{color:#f59e0b}.star:hover{transform:scale(1.12)}",
    ".star.choice{filter:grayscale(1);opacity:.55}.star.choice.on{filter:none;opacity:1;background:#f3f4f6}",
    ".error{color:#b91c1c;background:#fef2f2;font-size:12.5px;padding:6px 14px;flex:none}",
    "@media (max-width:480px){.panel{right:0;left:0;bottom:0;top:0;width:100%;height:100%;max-height:none;border-radius:0}",
    ".open .launcher{display:none}}",
    "@media (prefers-reduced-motion:reduce){.panel,.launcher{transition:none}}"
  ].join("\n");

  // ---- UI ----------------------------------------------------------------------------------------------
  function build() {
    var host = document.getElementById("chat-widget-root") || h("div", { id: "chat-widget-root" });
    // Inline !important beats any page rule aimed at the host (display:none, transforms that would trap position:fixed).
    host.setAttribute("style", "all:initial !important;display:block !important");
    if (!host.parentNode) document.body.appendChild(host);
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    ui.w = h("div", { class: "w" });
    ui.w.style.setProperty("--brand", BRAND);

    ui.badge = h("span", { class: "badge", "data-testid": "launcher-badge", hidden: true });
    ui.launcher = h("button", { class: "launcher", type: "button", "data-testid": "launcher", "aria-label": "Open chat",
      "aria-expanded": "false" }, [icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z", 28), ui.badge]);
    ui.launcher.firstChild.setAttribute("class", "i-chat");
    var x = icon("M7 10l5 5 5-5z", 32); x.setAttribute("class", "i-close"); ui.launcher.insertBefore(x, ui.badge);

    ui.sub = h("span", { class: "sub" }, "We usually reply in a few minutes");
    ui.minimise = h("button", { class: "icon-btn", type: "button", "aria-label": "Minimise chat", "data-testid": "minimise" },
      icon("M5 11h14v2H5z", 20));
    ui.conn = h("div", { class: "conn", role: "status", "data-testid": "connection-status", hidden: true });

    ui.pName = h("input", { type: "text", autocomplete: "name", maxlength: "200", "data-testid": "prechat-name" });
    ui.pEmail = h("input", { type: "email", autocomplete: "email", maxlength: "200", "data-testid": "prechat-email" });
    ui.pMsg = h("textarea", { rows: "4", required: true, placeholder: "How can we help?", "data-testid": "prechat-message" });
    ui.pSubmit = h("button", { class: "primary", type: "submit", "data-testid": "prechat-submit" }, "Start chat");
    ui.prechat = h("form", { class: "prechat", novalidate: true }, [
      h("p", { class: "hello" }, "Hi there! Ask us anything and we'll get back to you right here."),
      h("label", null, [h("span", null, ["Name ", h("span", { class: "opt" }, "(optional)")]), ui.pName]),
      h("label", null, [h("span", null, ["Email ", h("span", { class: "opt" }, "(optional)")]), ui.pEmail]),
      h("label", null, ["Message", ui.pMsg]), ui.pSubmit]);

    ui.q1 = h("div"); ui.q2 = h("div");
    ui.queue = h("div", { class: "queue", role: "status", "data-testid": "queue-status" }, [ui.q1, ui.q2]);
    ui.transcript = h("div", { class: "transcript", role: "log", "aria-live": "polite", "data-testid": "transcript" });
    ui.typing = h("div", { class: "typing", "aria-live": "polite", "data-testid": "typing-indicator", hidden: true });

    ui.input = h("textarea", { rows: "1", placeholder: "Type a message…", "aria-label": "Message", "data-testid": "composer-input" });
    ui.send = h("button", { class: "primary send", type: "submit", "aria-label": "Send", "data-testid": "composer-send" },
      icon("M3 20.5 21 12 3 3.5 3 10l12 2-12 2z", 20));
    ui.end = h("button", { class: "link", type: "button", "data-testid": "end-chat" }, "End chat");
    ui.composer = h("div", null, [h("form", { class: "composer" }, [ui.input, ui.send]), h("div", { class: "actions" }, ui.end)]);

    ui.scaleBox = h("div", { class: "stars", role: "group", "aria-label": "Rating" });
    ui.comment = h("textarea", { rows: "2", placeholder: "Anything you'd like to add? (optional)", "aria-label": "Comment",
      "data-testid": "rating-comment" });
    ui.rateBtn = h("button", { class: "primary", type: "button", disabled: true, "data-testid": "rating-submit" }, "Submit");
    buildScale("stars5");
    ui.rating = h("div", { class: "card" }, [h("h3", null, "The chat has ended"), h("p", null, "How did we do?"),
      ui.scaleBox, ui.comment, ui.rateBtn]);
    ui.thanks = h("div", { class: "card", "data-testid": "rating-thanks" }, [h("h3", null, "Thank you for your feedback"),
      h("p", null, "We appreciate you taking the time.")]);
    ui.newChat = h("button", { class: "link", type: "button", "data-testid": "new-chat" }, "Start a new chat");
    ui.footer = h("div", { class: "footer" }, [ui.composer, ui.rating, ui.thanks, h("div", { class: "actions" }, ui.newChat)]);
    ui.chat = h("div", { class: "body" }, [ui.queue, ui.transcript, ui.typing]);
    ui.error = h("div", { class: "error", role: "alert", "data-testid": "widget-error", hidden: true });

    ui.panel = h("section", { class: "panel", role: "dialog", "aria-label": "Chat with us" }, [
      h("header", null, [h("div", { class: "t" }, [h("strong", null, "Chat with us"), ui.sub]), ui.minimise]),
      ui.conn, h("div", { class: "body" }, [ui.prechat, ui.chat]), ui.error, ui.footer]);
    ui.w.appendChild(ui.panel); ui.w.appendChild(ui.launcher);
    var style = h("style", null, CSS);
    root.textContent = ""; root.appendChild(style); root.appendChild(ui.w);
    wire();
    setView("prechat");
  }

  function wire() {
    ui.launcher.addEventListener("click", function () { setOpen(!S.open); });
    ui.minimise.addEventListener("click", function () { setOpen(false); });
    ui.prechat.addEventListener("submit", function (e) { e.preventDefault(); startChat(); });
    ui.pMsg.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); startChat(); }
    });
    ui.composer.firstChild.addEventListener("submit", function (e) { e.preventDefault(); sendFromComposer(); });
    ui.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendFromComposer(); }
    });
    ui.input.addEventListener("input", function () { autosize(); onTypingInput(); });
    ui.end.addEventListener("click", endChat);
    ui.rateBtn.addEventListener("click", rate);
    ui.newChat.addEventListener("click", newChat);
  }

  function autosize() { ui.input.style.height = "auto"; ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 120) + "px"; }

  function setOpen(v, instant) {
    S.open = v; save(K_OPEN, v ? "1" : "0");
    ui.w.classList.toggle("instant", !!instant);
    ui.w.classList.toggle("open", v);
    ui.launcher.setAttribute("aria-expanded", v ? "true" : "false");
    if (v) {
      S.unread = 0; renderBadge();
      setTimeout(function () { (S.view === "prechat" ? ui.pMsg : ui.input).focus(); scrollDown(); }, 50);
    }
  }

  function setView(v) {
    S.view = v;
    var chatty = isChatty(v);
    show(ui.prechat, v === "prechat"); show(ui.chat, v !== "prechat");
    show(ui.footer, v !== "prechat"); show(ui.composer, chatty);
    show(ui.rating, v === "closed"); show(ui.thanks, v === "thanks"); show(ui.newChat.parentNode, v === "closed" || v === "thanks");
    show(ui.queue, v === "queued" || v === "offline");
    if (!chatty) setTyping(false);
    var agent = S.conv && S.conv.agentName;
    ui.sub.textContent = v === "queued" ? "Waiting for the next available agent…"
      : v === "offline" ? "We're away right now"
      : v === "chatting" ? (agent ? "You're chatting with " + agent : "You're chatting with us")
      : v === "prechat" ? "We usually reply in a few minutes" : "This chat has ended";
    renderQueue(); renderStars(); renderTranscript();
  }

  // Open conversation states: queued, assigned, and "offline" (nobody on duty: the visitor leaves a message).
  function viewFor(status) { return status === "queued" ? "queued" : status === "offline" ? "offline" : "chatting"; }
  function isChatty(v) { return v === "queued" || v === "chatting" || v === "offline"; }

  function showError(err) {
    var msg = err && err.error ? err.error.message || err.error.code : err;
    ui.error.textContent = msg || ""; show(ui.error, !!msg);
  }
  function setConn(text) { ui.conn.textContent = text || ""; show(ui.conn, !!text); }
  function renderBadge() { ui.badge.textContent = String(S.unread); show(ui.badge, S.unread > 0 && !S.open); }

  function renderQueue() {
    var q = S.queue;
    if (S.view === "offline") {
      ui.q1.textContent = "Our team is away right now.";
      ui.q2.textContent = "We've got your message and will get back to you as soon as we can.";
      return;
    }
    ui.q1.textContent = q && q.position ? "You are number " + q.position + " in the queue" : "You are in the queue";
    ui.q2.textContent = q ? waitText(q.estimated_wait_s) : "";
  }
  // The survey's scale comes with the `session` event: stars (1-5), three levels or thumbs (protocol.md).
  var SCALES = {
    stars5: [1, 2, 3, 4, 5].map(function (n) { return [n, "\u2605", "Rate " + n + (n === 1 ? " star" : " stars")]; }),
    three: [["bad", "\ud83d\ude1e", "Bad"], ["okay", "\ud83d\ude10", "Okay"], ["good", "\ud83d\ude0a", "Good"]],
    thumbs: [["down", "\ud83d\udc4e", "Thumbs down"], ["up", "\ud83d\udc4d", "Thumbs up"]]
  };
  function buildScale(scale) {
    if (!SCALES[scale] || S.scale === scale) return;
    S.scale = scale; S.score = 0; ui.stars = [];
    SCALES[scale].forEach(function (o, i) {
      var b = h("button", { class: scale === "stars5" ? "star" : "star choice", type: "button", "data-score": i + 1,
        "data-value": o[0], "aria-pressed": "false", "aria-label": o[2], title: o[2], "data-testid": "rating-" + o[0] }, o[1]);
      if (scale === "stars5") b.setAttribute("data-testid", "rating-star-" + o[0]);
      b.addEventListener("click", function () { S.score = i + 1; renderStars(); });
      ui.stars.push(b);
    });
    ui.scaleBox.textContent = "";
    ui.stars.forEach(function (b) { ui.scaleBox.appendChild(b); });
    renderStars();
  }
  function renderStars() {
    var cumulative = S.scale === "stars5";
    ui.stars.forEach(function (b, i) {
      b.classList.toggle("on", cumulative ? i < S.score : i + 1 === S.score);
      b.setAttribute("aria-pressed", String(i + 1 === S.score));
    });
    ui.rateBtn.disabled = !S.score || S.busy;
  }

  function scrollDown() { ui.transcript.scrollTop = ui.transcript.scrollHeight; }

  function row(kind, name, text, meta, extraClass) {
    var r = h("div", { class: "row " + kind + (extraClass ? " " + extraClass : "") });
    if (name) r.appendChild(h("div", { class: "name" }, name));
    r.appendChild(h("div", { class: "bubble", "data-testid": "message", "data-author-kind": kind }, text));
    if (meta) r.appendChild(meta);
    return r;
  }

  function renderTranscript() {
    var t = ui.transcript, atBottom = t.scrollHeight - t.scrollTop - t.clientHeight < 80;
    t.textContent = "";
    var prev = null;
    S.list.forEach(function (m) {
      var kind = (m.author && m.author.kind) || "system";
      var name = kind === "agent" && !(prev && prev.author && prev.author.kind === "agent" && prev.author.name === m.author.name)
        ? m.author.name || "Agent" : null;
      var r = row(kind, name, m.text || "");
      r.title = fmtTime(m.created_at);
      t.appendChild(r); prev = m;
    });
    if (S.startText != null) t.appendChild(row("visitor", null, S.startText, h("div", { class: "meta" }, "Sending…"), "pending"));
    S.outbox.forEach(function (o) {
      if (!S.conv || o.conversation_id !== S.conv.id) return;
      var meta;
      if (o.failed) {
        var retry = h("button", { type: "button" }, "Retry");
        retry.addEventListener("click", function () { o.failed = false; persistOutbox(); sendEntry(o); renderTranscript(); });
        meta = h("div", { class: "meta bad" }, ["Not sent · ", retry]);
      } else meta = h("div", { class: "meta" }, "Sending…");
      t.appendChild(row("visitor", null, o.text, meta, "pending"));
    });
    if (atBottom) scrollDown();
  }

  var typingTimer = null;
  function setTyping(on) {
    clearTimeout(typingTimer);
    if (on) {
      var who = (S.conv && S.conv.agentName) || "The agent";
      ui.typing.textContent = who + " is typing\u2026";
      typingTimer = setTimeout(function () { setTyping(false); }, 8000);
    }
    show(ui.typing, !!on);
  }

  // ---- conversation state ------------------------------------------------------------------------------
  function resetConv(id, agentName) {
    S.conv = id ? { id: id, agentName: agentName || null } : null;
    S.byId = {}; S.bySeq = {}; S.list = []; S.lastSeq = 0; S.queue = null; S.score = 0;
    ui.comment.value = "";
    S.outbox = S.outbox.filter(function (o) { return id && o.conversation_id === id; });
    persistOutbox();
  }

  function addMessages(msgs) {
    var changed = false;
    (msgs || []).forEach(function (m) {
      if (!m || !m.id || !S.conv || m.conversation_id !== S.conv.id) return;
      if (m.client_id) dropOutbox(m.client_id);
      if (m.author && m.author.kind === "visitor") S.startText = null;
      if (S.byId[m.id]) return;
      S.byId[m.id] = m; S.bySeq[m.seq] = m; changed = true;
      if (m.author && m.author.kind === "agent") {
        setTyping(false);
        if (!S.open) { S.unread++; renderBadge(); }
      }
    });
    while (S.bySeq[S.lastSeq + 1]) S.lastSeq++;
    if (changed) S.list = Object.keys(S.byId).map(function (k) { return S.byId[k]; }).sort(function (a, b) { return a.seq - b.seq; });
    renderTranscript();
  }

  function applyConversation(c) {
    if (!S.conv || S.conv.id !== c.id) resetConv(c.id);
    if (c.agent && c.agent.name) S.conv.agentName = c.agent.name;
    addMessages(c.messages);
    if (c.status === "queued") S.queue = c.queue || S.queue;
    if (c.status !== "closed") setView(viewFor(c.status));
    else if (S.view !== "thanks") setView("closed");
  }

  // ---- outbox ------------------------------------------------------------------------------------------
  function persistOutbox() {
    save(K_OUTBOX, S.outbox.length ? JSON.stringify(S.outbox.map(function (o) {
      return { client_id: o.client_id, conversation_id: o.conversation_id, text: o.text, failed: !!o.failed };
    })) : null);
  }
  function dropOutbox(cid) {
    var n = S.outbox.length;
    S.outbox = S.outbox.filter(function (o) { return o.client_id !== cid; });
    if (S.outbox.length !== n) persistOutbox();
  }
  function sendEntry(o) {
    if (!socket || !socket.connected || o.inflight) return;
    o.inflight = true;
    socket.timeout(ACK_TIMEOUT).emit("message:send", { conversation_id: o.conversation_id, text: o.text, client_id: o.client_id },
      function (err, ack) {
        o.inflight = false;
        if (err) {
          if (socket.connected) { o.failed = true; persistOutbox(); showError("The message could not be sent. Please retry."); }
          // disconnected: it stays in the outbox and goes again, with the same client_id, on reconnect
        } else if (ack && ack.ok) {
          dropOutbox(o.client_id); addMessages([ack.message]); showError(null);
        } else {
          var code = ack && ack.error && ack.error.code;
          if (FINAL[code]) { // retrying cannot help: give the text back to the visitor to edit
            dropOutbox(o.client_id);
            if (code !== "conversation_closed" && !ui.input.value) { ui.input.value = o.text; autosize(); }
          } else { o.failed = true; persistOutbox(); }
          showError(ack || "The message could not be sent.");
        }
        renderTranscript();
      });
  }
  function flushOutbox() { S.outbox.forEach(function (o) { if (!o.failed) sendEntry(o); }); }

  // ---- actions -----------------------------------------------------------------------------------------
  function emitAck(ev, payload, cb) {
    if (!socket) return cb({ ok: false, error: { code: "unavailable", message: "Chat is still loading. Please try again." } });
    socket.timeout(ACK_TIMEOUT).emit(ev, payload, function (err, ack) {
      if (err) return cb({ ok: false, error: { code: "timeout", message: "We couldn't reach the chat server. Please try again." } });
      cb(ack && typeof ack === "object" ? ack : { ok: false, error: { code: "bad_reply", message: "Unexpected reply from the server." } });
    });
  }

  function startChat() {
    var text = ui.pMsg.value.trim();
    if (!text) { showError("Please type a message first."); ui.pMsg.focus(); return; }
    if (S.busy) return;
    S.busy = true; ui.pSubmit.disabled = true; showError(null);
    // Same client_id for a retry of the same text, so a start whose ack was lost is not made twice.
    if (!S.startId || S.startId.text !== text) S.startId = { text: text, id: uuid() };
    var payload = { text: text, page_url: location.href, page_title: document.title, client_id: S.startId.id };
    try { payload.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch (e) { /* old browser */ }
    var name = ui.pName.value.trim(), email = ui.pEmail.value.trim();
    if (name) payload.name = name;
    if (email) payload.email = email;
    emitAck("chat:start", payload, function (ack) {
      S.busy = false; ui.pSubmit.disabled = false;
      if (!ack.ok) {
        showError(ack);
        // another tab already started a chat: reconnect so the `session` event hands it to us
        if (ack.error && ack.error.code === "already_active" && socket) { socket.disconnect(); socket.connect(); }
        return;
      }
      resetConv(ack.conversation_id, S.early[ack.conversation_id]);
      S.early = {}; S.startId = null;
      S.startText = text; ui.pMsg.value = "";
      S.queue = ack.queue || null;
      setView(viewFor(ack.status));
      if (ack.message) addMessages([ack.message]); // not in the protocol table, but harmless when present
      resume();
      ui.input.focus();
    });
  }

  function resume() {
    if (!S.conv) return;
    var id = S.conv.id;
    emitAck("chat:resume", { conversation_id: id, after_seq: S.lastSeq }, function (ack) {
      if (!S.conv || S.conv.id !== id) return;
      if (!ack.ok) return showError(ack);
      S.startText = null; addMessages(ack.messages);
      if (ack.status === "closed" && S.view !== "thanks") setView("closed");
      else if (ack.status && isChatty(S.view) && viewFor(ack.status) !== S.view) setView(viewFor(ack.status));
    });
  }

  function sendFromComposer() {
    var text = ui.input.value.trim();
    if (!text || !S.conv || !isChatty(S.view)) return;
    var o = { client_id: uuid(), conversation_id: S.conv.id, text: text, failed: false };
    S.outbox.push(o); persistOutbox();
    ui.input.value = ""; autosize(); stopTyping(); showError(null);
    renderTranscript(); scrollDown();
    sendEntry(o);
  }

  var typingSentAt = 0, typingStopTimer = null;
  function emitTyping(on) {
    if (!socket || !socket.connected || !S.conv) return;
    socket.emit("typing", { conversation_id: S.conv.id, typing: on }, function (ack) {
      if (ack && ack.ok === false && window.console) console.warn("chat widget: typing", ack.error);
    });
  }
  function onTypingInput() {
    if (!S.conv || !isChatty(S.view)) return;
    if (!ui.input.value.trim()) { stopTyping(); return; }
    if (Date.now() - typingSentAt > 2500) { typingSentAt = Date.now(); emitTyping(true); }
    clearTimeout(typingStopTimer); typingStopTimer = setTimeout(stopTyping, 3000);
  }
  function stopTyping() {
    clearTimeout(typingStopTimer);
    if (typingSentAt) { typingSentAt = 0; emitTyping(false); }
  }

  function endChat() {
    if (!S.conv) return;
    var id = S.conv.id;
    stopTyping();
    emitAck("chat:end", { conversation_id: id }, function (ack) {
      if (ack.ok || (ack.error && ack.error.code === "conversation_closed")) { if (S.conv && S.conv.id === id) setView("closed"); }
      else showError(ack);
    });
  }

  function rate() {
    if (!S.conv || !S.score || S.busy) return;
    var answer = SCALES[S.scale][S.score - 1][0];
    var payload = { conversation_id: S.conv.id, score: answer }, comment = ui.comment.value.trim();
    if (comment) payload.comment = comment;
    S.busy = true; renderStars();
    emitAck("chat:rate", payload, function (ack) {
      S.busy = false; renderStars();
      if (ack.ok || (ack.error && ack.error.code === "already_rated")) { showError(null); setView("thanks"); }
      else showError(ack);
    });
  }

  function newChat() {
    resetConv(null); S.startText = null; showError(null); setView("prechat");
    setTimeout(function () { ui.pMsg.focus(); }, 0);
  }

  // ---- socket ------------------------------------------------------------------------------------------
  function connect() {
    if (!window.io) { setConn("Chat is unavailable right now."); return; }
    socket = window.io(SRC.origin + "/visitor", {
      path: BASE_PATH + "/socket.io/",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      // a function, so every reconnect sends the token saved by the latest `session` event
      auth: function (cb) { cb({ visitor_token: load(K_TOKEN) || undefined }); }
    });
    socket.on("connect", function () {
      setConn(null);
      if (S.connectedOnce && S.conv) resume();
      S.connectedOnce = true;
      flushOutbox();
    });
    socket.on("disconnect", function (reason) {
      if (reason !== "io client disconnect") setConn("Connection lost. Reconnecting…");
    });
    socket.on("connect_error", function () { setConn("Can't reach the chat right now. Retrying…"); });
    socket.on("session", function (p) {
      if (!p || typeof p !== "object") return;
      if (p.visitor_token) save(K_TOKEN, p.visitor_token);
      if (p.rating_scale) buildScale(p.rating_scale);
      if (p.conversation) {
        applyConversation(p.conversation);
        if (load(K_OPEN) === "1" && !S.open) setOpen(true, true);
      } else if (S.conv && S.view !== "thanks" && !S.busy) {
        newChat();
      }
      flushOutbox();
    });
    socket.on("queue:update", function (p) {
      if (!p || !S.conv || p.conversation_id !== S.conv.id) return;
      S.queue = { position: p.position, estimated_wait_s: p.estimated_wait_s };
      if (S.view === "chatting" || S.view === "offline") setView("queued"); // (back) in line
      else renderQueue();
    });
    socket.on("chat:assigned", function (p) {
      if (p && p.agent && (!S.conv || p.conversation_id !== S.conv.id)) S.early[p.conversation_id] = p.agent.name;
      if (!p || !S.conv || p.conversation_id !== S.conv.id) return;
      if (p.agent && p.agent.name) S.conv.agentName = p.agent.name; // also after a transfer
      if (isChatty(S.view)) setView("chatting");
    });
    socket.on("message:new", function (p) { if (p && p.message) addMessages([p.message]); });
    socket.on("typing", function (p) {
      if (p && S.conv && p.conversation_id === S.conv.id && S.view === "chatting") setTyping(!!p.typing);
    });
    socket.on("chat:closed", function (p) {
      if (!p || !S.conv || p.conversation_id !== S.conv.id) return;
      if (p.rating_scale) buildScale(p.rating_scale);
      stopTyping();
      S.outbox.forEach(function (o) { o.failed = true; }); persistOutbox();
      if (S.view !== "thanks") setView("closed");
    });
  }

  function boot() {
    build();
    if (window.io) return connect();
    // The bundle is UMD: with an AMD loader (RequireJS) on the page it would call define() instead of
    // setting window.io, so hide define while it runs.
    var amd = typeof window.define === "function" && window.define.amd ? window.define : null;
    if (amd) window.define = undefined;
    var s = document.createElement("script");
    s.src = BASE + "/widget/vendor/socket.io.min.js";
    s.async = true;
    s.onload = function () { if (amd) window.define = amd; connect(); };
    s.onerror = function () { if (amd) window.define = amd; setConn("Chat is unavailable right now."); };
    (document.head || document.documentElement).appendChild(s);
  }

  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot);
})();

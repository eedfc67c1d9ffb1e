// Agent console entry point (ES module). Speaks the /agent namespace of docs/protocol.md.
// `io` comes from /widget/vendor/socket.io.min.js, loaded as a classic script before this module.
import { $, h, show, errorText } from "./dom.js";
import { Outbox, sendItem } from "./outbox.js";
import { renderList, renderTranscript, renderVisitor, renderHeader, renderEmpty, visitorName } from "./render.js";
import { mountPicker } from "./canned-picker.js";
import { mountAssistant } from "./assistant.js";

const ACK_TIMEOUT = 15000;
const FINAL_ERRORS = new Set(["text_too_long", "missing_field", "invalid_payload", "conversation_closed", "not_found"]);

if ($("login-form")) initLogin();
else initApp();

// ---- sign-in --------------------------------------------------------------------------------------------
function initLogin() {
  const form = $("login-form");
  const err = form.querySelector('[data-testid="login-error"]');
  const btn = form.querySelector('[data-testid="login-submit"]');
  const showErr = (text) => { err.textContent = text || ""; show(err, !!text); };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    if (!email || !password) return showErr("Enter your email and password.");
    btn.disabled = true;
    btn.textContent = "Signing in…";
    showErr(null);
    try {
      const res = await fetch("/api/auth/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ email, password }),
      });
      if (res.ok) return location.reload();
      if (res.status === 401) showErr("Wrong email or password");
      else {
        const body = await res.json().catch(() => null);
        showErr(errorText(body, `Sign-in failed (HTTP ${res.status}).`));
      }
    } catch {
      showErr("Can't reach the server. Check your connection and try again.");
    }
    btn.disabled = false;
    btn.textContent = "Sign in";
  });
}

// ---- the console ----------------------------------------------------------------------------------------
function initApp() {
  const body = document.body;
  const state = {
    me: { id: body.dataset.agentId, name: body.dataset.agentName, status: "offline" },
    convs: new Map(), // id -> conversation view model
    selected: null,
    connectedOnce: false,
  };
  const outbox = new Outbox(`chatConsole.outbox.${state.me.id}`);
  const drafts = new Map();
  const input = $("reply-input");
  const statusSelect = $("status-select");

  if (typeof window.io !== "function") {
    setConn("The real-time client failed to load. Reload the page to try again.");
    return;
  }
  const socket = window.io("/agent", { transports: ["websocket", "polling"], tryAllTransports: true });

  // Canned replies ("/" in the reply box) and the positive-language assistant live in their own modules.
  const replyContext = () => {
    const conv = state.convs.get(state.selected);
    return {
      conversationId: conv && !conv.closed ? conv.id : null, language: conv && conv.language,
      visitor: conv && conv.visitor, agent: { name: state.me.name },
    };
  };
  mountPicker({ textarea: input, socket, getContext: replyContext });
  mountAssistant({ textarea: input, socket, getContext: replyContext });

  function emitAck(event, payload, cb) {
    socket.timeout(ACK_TIMEOUT).emit(event, payload, (err, ack) => {
      if (err) return cb({ ok: false, error: { code: "timeout", message: "The server did not answer. Please try again." } });
      cb(ack && typeof ack === "object" ? ack : { ok: false, error: { code: "bad_reply", message: "Unexpected reply from the server." } });
    });
  }

  let toastTimer = null;
  function toast(text) {
    const t = $("toast");
    t.textContent = text;
    show(t, true);
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => show(t, false), 7000);
  }

  function setConn(text, action) {
    const c = $("conn");
    c.textContent = text || "";
    if (action) c.appendChild(h("button", { type: "button", class: "linkish", onclick: action.run }, action.label));
    show(c, !!text);
  }

  // ---- model ----
  function upsertConv(c) {
    let conv = state.convs.get(c.id);
    if (!conv) {
      conv = { id: c.id, byId: new Map(), bySeq: new Map(), list: [], lastSeq: 0, unread: 0, fresh: false, typing: false };
      state.convs.set(c.id, conv);
    }
    Object.assign(conv, {
      status: c.status, visitor: c.visitor || conv.visitor || {}, agent: c.agent || conv.agent,
      created_at: c.created_at || conv.created_at, closed: c.status === "closed", rating: c.rating || conv.rating || null,
      language: c.language || conv.language || null,
    });
    addMessages(conv, c.messages || [], false);
    return conv;
  }

  function addMessages(conv, msgs, countUnread) {
    let added = 0;
    for (const m of msgs || []) {
      if (!m || !m.id || m.conversation_id !== conv.id) continue;
      if (m.client_id) outbox.remove(m.client_id);
      if (conv.byId.has(m.id)) continue;
      conv.byId.set(m.id, m);
      conv.bySeq.set(m.seq, m);
      added++;
      if (m.author?.kind === "visitor") {
        setVisitorTyping(conv, false);
        if (countUnread && (state.selected !== conv.id || document.hidden)) conv.unread++;
      }
    }
    while (conv.bySeq.has(conv.lastSeq + 1)) conv.lastSeq++;
    if (added) conv.list = [...conv.byId.values()].sort((a, b) => a.seq - b.seq);
    return added;
  }

  function markClosed(conv) {
    conv.closed = true;
    conv.status = "closed";
    setVisitorTyping(conv, false);
    for (const item of outbox.forConversation(conv.id)) outbox.setFailed(item, true);
    if (state.selected === conv.id) stopTyping();
  }

  function setVisitorTyping(conv, on) {
    clearTimeout(conv.typingTimer);
    conv.typing = on;
    if (on) conv.typingTimer = setTimeout(() => { conv.typing = false; render(); }, 8000);
  }

  function sortedConvs() {
    const last = (c) => Date.parse(c.list[c.list.length - 1]?.created_at || c.created_at || 0) || 0;
    return [...state.convs.values()].sort((a, b) => (a.closed - b.closed) || last(b) - last(a));
  }

  // ---- rendering ----
  let renderQueued = false;
  function render() {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => { renderQueued = false; renderNow(); });
  }

  function renderNow() {
    const convs = sortedConvs();
    renderList($("chat-list"), convs, state.selected, { onSelect: select, onDismiss: dismiss });
    const open = convs.filter((c) => !c.closed).length;
    $("chat-count").textContent = open ? String(open) : "";
    const unread = convs.reduce((n, c) => n + c.unread, 0);
    document.title = `${unread ? `(${unread}) ` : ""}Live Chat · Console`;

    const conv = state.convs.get(state.selected);
    show($("conversation"), !!conv);
    show($("visitor"), !!conv);
    if (!conv) return renderEmpty(convs.length, state.me.status);
    show($("empty-state"), false);
    renderHeader(conv);
    renderVisitor(conv);
    renderTranscript($("transcript"), conv, state.me, outbox.forConversation(conv.id), { onRetry: retry });
    const typing = $("typing");
    typing.textContent = conv.typing && !conv.closed ? `${visitorName(conv)} is typing…` : "";
    show(typing, conv.typing && !conv.closed);
    show($("reply-form"), !conv.closed);
    show($("closed-note"), conv.closed);
    $("closed-note").textContent = conv.removed
      ? "This chat was moved to someone else. The transcript stays here until you dismiss it."
      : "This chat is closed. The transcript stays here until you dismiss it.";
    show($("close-chat"), !conv.closed);
  }

  function setStatusUI(status) {
    if (!status) return;
    state.me.status = status;
    statusSelect.value = status;
    $("status-switch").dataset.status = status;
    render();
  }

  // ---- actions ----
  function select(id) {
    if (state.selected && state.selected !== id) {
      drafts.set(state.selected, input.value);
      stopTyping();
    }
    state.selected = id;
    const conv = state.convs.get(id);
    if (conv) { conv.unread = 0; conv.fresh = false; }
    input.value = drafts.get(id) || "";
    renderNow();
    if (conv && !conv.closed) input.focus();
  }

  function dismiss(id) {
    state.convs.delete(id);
    drafts.delete(id);
    outbox.dropConversation(id);
    if (state.selected === id) {
      state.selected = null;
      const next = sortedConvs().find((c) => !c.closed);
      if (next) return select(next.id);
    }
    render();
  }

  function deliver(item) {
    sendItem(socket, outbox, item, (res) => {
      if (res.ok) {
        const conv = state.convs.get(item.conversation_id);
        if (conv && res.message) addMessages(conv, [res.message], false);
      } else if (!res.retryLater) {
        const code = res.error?.code;
        if (FINAL_ERRORS.has(code)) { // retrying cannot help: hand the text back for editing
          outbox.remove(item.client_id);
          if (code !== "conversation_closed" && state.selected === item.conversation_id && !input.value) input.value = item.text;
        }
        toast(errorText(res, "The message could not be sent."));
      }
      render();
    }, ACK_TIMEOUT);
  }

  function retry(item) {
    outbox.setFailed(item, false);
    deliver(item);
    render();
  }

  function flushOutbox() {
    for (const item of [...outbox.items]) {
      const conv = state.convs.get(item.conversation_id);
      if (conv && !conv.closed && !item.failed) deliver(item);
    }
  }

  function sendReply() {
    const conv = state.convs.get(state.selected);
    const text = input.value.trim();
    if (!conv || conv.closed || !text) return;
    const item = outbox.add(conv.id, text);
    input.value = "";
    drafts.delete(conv.id);
    stopTyping();
    renderNow();
    $("transcript").scrollTop = $("transcript").scrollHeight;
    deliver(item);
  }

  function resume(conv) {
    emitAck("chat:resume", { conversation_id: conv.id, after_seq: conv.lastSeq }, (ack) => {
      if (ack.ok) {
        if (addMessages(conv, ack.messages, true)) render();
      } else if (ack.error?.code === "not_found" || ack.error?.code === "conversation_closed") {
        markClosed(conv);
        render();
      } else toast(errorText(ack));
    });
  }

  // typing, throttled: true at most every 2.5 s while keys are pressed, false 3 s after the last one
  let typingFor = null, typingSentAt = 0, typingStopTimer = null;
  function emitTyping(convId, on) {
    if (!socket.connected) return;
    socket.emit("typing", { conversation_id: convId, typing: on }, (ack) => {
      if (ack && ack.ok === false) console.warn("typing:", ack.error);
    });
  }
  function onInputTyping() {
    const conv = state.convs.get(state.selected);
    if (!conv || conv.closed) return;
    if (!input.value.trim()) return stopTyping();
    if (typingFor !== conv.id || Date.now() - typingSentAt > 2500) {
      if (typingFor && typingFor !== conv.id) stopTyping();
      typingFor = conv.id;
      typingSentAt = Date.now();
      emitTyping(conv.id, true);
    }
    clearTimeout(typingStopTimer);
    typingStopTimer = setTimeout(stopTyping, 3000);
  }
  function stopTyping() {
    clearTimeout(typingStopTimer);
    if (typingFor) emitTyping(typingFor, false);
    typingFor = null;
    typingSentAt = 0;
  }

  // ---- DOM events ----
  $("reply-form").addEventListener("submit", (e) => { e.preventDefault(); sendReply(); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendReply(); }
  });
  input.addEventListener("input", onInputTyping);

  $("close-chat").addEventListener("click", () => {
    const conv = state.convs.get(state.selected);
    if (!conv || conv.closed) return;
    const btn = $("close-chat");
    btn.disabled = true;
    emitAck("chat:close", { conversation_id: conv.id }, (ack) => {
      btn.disabled = false;
      if (ack.ok || ack.error?.code === "conversation_closed") markClosed(conv);
      else toast(errorText(ack));
      render();
    });
  });

  statusSelect.addEventListener("change", () => {
    const want = statusSelect.value;
    const prev = state.me.status;
    statusSelect.disabled = true;
    emitAck("status:set", { status: want }, (ack) => {
      statusSelect.disabled = false;
      if (ack.ok) setStatusUI(ack.status || want);
      else { setStatusUI(prev); toast(errorText(ack)); }
    });
  });

  async function logout() {
    try {
      await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch { /* reload shows the sign-in form either way, or the console if still signed in */ }
    location.reload();
  }
  $("logout").addEventListener("click", logout);

  document.addEventListener("visibilitychange", () => {
    const conv = state.convs.get(state.selected);
    if (!document.hidden && conv && conv.unread) { conv.unread = 0; render(); }
  });
  setInterval(render, 30000); // refresh "4m" / "Waiting 3m"

  // ---- socket events ----
  socket.on("connect", () => {
    setConn(null);
    if (state.connectedOnce) for (const conv of state.convs.values()) if (!conv.closed) resume(conv);
    state.connectedOnce = true;
    flushOutbox();
  });
  socket.on("disconnect", (reason) => {
    if (reason === "io server disconnect") setConn("Disconnected by the server.", { label: "Reload", run: () => location.reload() });
    else if (reason !== "io client disconnect") setConn("Connection lost. Reconnecting…");
  });
  socket.on("connect_error", (err) => {
    if (err && err.message === "unauthorized") setConn("Your session has expired.", { label: "Sign in again", run: logout });
    else setConn("Can't reach the server. Retrying…");
  });

  socket.on("agent:state", (p) => {
    if (!p || typeof p !== "object") return;
    if (p.agent) {
      Object.assign(state.me, p.agent);
      setStatusUI(p.agent.status);
    }
    const seen = new Set();
    for (const c of p.conversations || []) { upsertConv(c); seen.add(c.id); }
    for (const conv of state.convs.values()) if (!conv.closed && !seen.has(conv.id)) markClosed(conv);
    for (const item of [...outbox.items]) if (!state.convs.has(item.conversation_id)) outbox.remove(item.client_id);
    if (!state.convs.has(state.selected)) {
      state.selected = null;
      const first = sortedConvs().find((c) => !c.closed);
      if (first) select(first.id);
    }
    render();
    flushOutbox();
  });

  socket.on("chat:assigned", (p) => {
    if (!p || !p.conversation) return;
    const conv = upsertConv(p.conversation);
    conv.closed = false;
    conv.removed = false;
    if (p.transferred_from) conv.transferredFrom = p.transferred_from;
    if (!state.selected || !state.convs.has(state.selected)) select(conv.id);
    else if (state.selected !== conv.id) {
      conv.fresh = true;
      conv.unread = conv.list.filter((m) => m.author?.kind === "visitor").length;
    }
    render();
  });

  socket.on("message:new", (p) => {
    const m = p && p.message;
    const conv = m && state.convs.get(m.conversation_id);
    if (conv && addMessages(conv, [m], true)) render();
  });

  socket.on("typing", (p) => {
    const conv = p && state.convs.get(p.conversation_id);
    if (!conv) return;
    setVisitorTyping(conv, !!p.typing);
    render();
  });

  // The chat left this agent (transferred, or requeued after the console was gone too long).
  socket.on("chat:removed", (p) => {
    const conv = p && state.convs.get(p.conversation_id);
    if (!conv) return;
    conv.removed = true;
    markClosed(conv);
    render();
  });

  socket.on("chat:closed", (p) => {
    const conv = p && state.convs.get(p.conversation_id);
    if (!conv) return;
    markClosed(conv);
    render();
  });

  // Not in docs/protocol.md's table, but the server sends it: show the visitor's score on the closed chat.
  socket.on("chat:rated", (p) => {
    const conv = p && state.convs.get(p.conversation_id);
    if (conv && p.rating) { conv.rating = p.rating; render(); }
  });

  socket.on("status", (p) => { if (p && p.status) setStatusUI(p.status); });

  render();
}

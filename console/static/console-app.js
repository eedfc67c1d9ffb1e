// The signed-in console: state, rendering and the agent's actions. Socket events are wired in
// console-events.js; the pieces of the screen render in sidebar.js, transcript.js, visitor-panel.js,
// composer.js, dialogs.js, followups.js and search.js.
import { $, h, show, errorText } from "./dom.js";
import { api } from "./canned-api.js";
import { Outbox, sendItem } from "./outbox.js";
import { Model } from "./model.js";
import { renderList, renderOffers, renderOffline } from "./sidebar.js";
import { renderTranscript } from "./transcript.js";
import { renderEmpty, renderHeader, renderFooter } from "./conversation-view.js";
import { renderVisitor, showVisitor } from "./visitor-panel.js";
import { createComposer } from "./composer.js";
import { createDialogs } from "./dialogs.js";
import { createFollowUps } from "./followups.js";
import { createSearch } from "./search.js";
import { createAlerts } from "./alerts.js";
import { mountPicker } from "./canned-picker.js";
import { mountAssistant } from "./assistant.js";

const ACK_TIMEOUT = 15000;
const FINAL_ERRORS = new Set(["text_too_long", "missing_field", "invalid_payload", "conversation_closed", "not_found"]);
const VIEWS = ["inbox", "followups", "search"];
const fmtDay = (iso) => new Date(`${iso}T12:00:00`).toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" });

export function startConsole(socket) {
  const body = document.body;
  const me = { id: body.dataset.agentId, name: body.dataset.agentName, role: body.dataset.agentRole, status: "offline" };
  const outbox = new Outbox(`chatConsole.outbox.${me.id}`);
  const model = new Model(outbox);
  const state = { selected: null, view: "inbox", back: null, offers: new Map(), offline: [], connectedOnce: false,
    watching: new Set(JSON.parse(sessionStorage.getItem("chatConsole.watching") || "[]")) };
  const input = $("reply-input");
  const app = { me, model, state, socket, outbox };

  app.emitAck = (event, payload, cb) => {
    socket.timeout(ACK_TIMEOUT).emit(event, payload, (err, ack) => {
      if (err) return cb({ ok: false, error: { code: "timeout", message: "The server did not answer. Please try again." } });
      cb(ack && typeof ack === "object" ? ack : { ok: false, error: { code: "bad_reply", message: "Unexpected reply from the server." } });
    });
  };

  let toastTimer = null;
  app.toast = (text, kind = "error") => {
    const t = $("toast");
    t.textContent = text;
    t.dataset.kind = kind;
    show(t, true);
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => show(t, false), 6000);
  };

  app.setConn = (text, action) => {
    const c = $("conn");
    c.textContent = text || "";
    if (action) c.appendChild(h("button", { type: "button", class: "linkish", onclick: action.run }, action.label));
    show(c, !!text);
  };

  // Canned replies ("/" in the reply box) and the positive-language assistant are their own modules.
  const replyContext = () => {
    const conv = model.get(state.selected);
    const replying = conv && conv.role === "mine" && !conv.closed && app.composer.mode() === "reply";
    return { conversationId: replying ? conv.id : null, language: conv && conv.language, visitor: conv && conv.visitor,
      agent: { name: me.name } };
  };
  mountPicker({ textarea: input, socket, getContext: replyContext });
  mountAssistant({ textarea: input, socket, getContext: replyContext });

  // ---- rendering ----
  let renderQueued = false;
  app.render = () => {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => { renderQueued = false; renderNow(); });
  };

  function renderSidebar() {
    const offers = [...state.offers.values()];
    show($("offers"), offers.length > 0);
    renderOffers($("offer-list"), offers, { onAccept: app.acceptOffer, onDecline: app.declineOffer });
    const mine = model.sorted("mine");
    renderList($("chat-list"), mine, state.selected, { onSelect: app.select, onDismiss: app.dismiss });
    show($("chat-empty"), mine.length === 0);
    $("chat-count").textContent = String(mine.filter((c) => !c.closed).length || "");
    const watched = model.sorted("watch");
    show($("watch-section"), watched.length > 0);
    renderList($("watch-list"), watched, state.selected, { onSelect: app.select, onDismiss: app.dismiss });
    show($("offline-section"), state.offline.length > 0);
    $("offline-count").textContent = String(state.offline.length || "");
    renderOffline($("offline-list"), state.offline, state.selected, app.openOffline);
    const unread = mine.reduce((n, c) => n + c.unread, 0) + offers.length;
    document.title = `${unread ? `(${unread}) ` : ""}Live Chat · Console`;
  }

  function renderNow() {
    renderSidebar();
    const view = state.view;
    for (const v of VIEWS) {
      show($(`view-${v}`), v === view);
      $(`nav-${v}`).setAttribute("aria-current", v === view ? "page" : "false");
    }
    const conv = model.get(state.selected);
    show($("conversation"), !!conv);
    showVisitor(!!conv);
    show($("empty-state"), !conv);
    if (!conv) return renderEmpty(model.sorted("mine").length, me.status);
    renderHeader(conv, me, state);
    renderTranscript($("transcript"), conv, me, model.timeline(conv), outbox.forConversation(conv.id), { onRetry: retry });
    renderFooter(conv, app.composer);
    renderVisitor(conv, app.render);
    ensureDetail(conv);
  }

  function ensureDetail(conv) {
    if (conv.detailLoaded || conv.detailLoading || conv.role === "peek" || !socket.connected) return;
    conv.detailLoading = true;
    app.emitAck("chat:detail", { conversation_id: conv.id }, (ack) => {
      conv.detailLoading = false;
      // Only what the detail adds (notes, history, missed messages): the chat's state comes from events,
      // so a detail answered after a transfer cannot reopen a chat that has left this agent.
      if (ack.ok && ack.conversation) model.mergeDetail(conv, ack.conversation);
      conv.detailLoaded = true; // also on errors (e.g. the chat moved on): don't retry in a loop
      app.render();
    });
  }

  app.setStatusUI = (status) => {
    if (!status) return;
    me.status = status;
    $("status-select").value = status;
    $("status-switch").dataset.status = status;
    app.render();
  };

  // ---- selection and views ----
  app.select = (id, { keepView = false } = {}) => {
    state.selected = id;
    if (!keepView) state.view = "inbox";
    const conv = model.get(id);
    if (conv && state.view === "inbox") { conv.unread = 0; conv.fresh = false; }
    for (const c of model.convs.values()) if (c.role === "peek" && c.id !== id) model.drop(c.id);
    state.back = null;
    renderNow();
    if (conv && conv.role === "mine" && !conv.closed && state.view === "inbox") input.focus();
  };

  app.setView = (view) => {
    state.view = view;
    const conv = model.get(state.selected);
    if (view === "inbox" && conv) { conv.unread = 0; conv.fresh = false; }
    if (view === "followups") app.followUps.load();
    renderNow();
    if (view === "search") app.search.focus();
  };

  app.dismiss = (id) => {
    const conv = model.get(id);
    if (conv && conv.role === "watch") app.unwatch(id);
    model.drop(id);
    app.composer.forget(id);
    if (state.selected === id) {
      state.selected = null;
      const next = model.sorted("mine").find((c) => !c.closed);
      if (next) return app.select(next.id);
    }
    app.render();
  };

  // Alt+↓ / Alt+↑: through my chats, then the ones I watch, as listed.
  app.move = (dir) => {
    const order = [...model.sorted("mine"), ...model.sorted("watch")];
    if (!order.length) return;
    const i = order.findIndex((c) => c.id === state.selected);
    const next = order[(i + dir + order.length) % order.length] || order[0];
    app.select(i < 0 ? order[dir > 0 ? 0 : order.length - 1].id : next.id);
  };

  // Open a conversation read-only (search result, follow-up, offline message, history).
  app.openPeek = async (id, back = null) => {
    const known = model.get(id);
    if (!known || known.role === "peek") {
      try {
        const data = await api("GET", `/api/conversations/${encodeURIComponent(id)}`);
        model.upsert(data.conversation, "peek");
      } catch (err) {
        return app.toast(err.message);
      }
    }
    app.select(id);
    state.back = back;
    renderNow();
  };

  app.openOffline = (id) => app.openPeek(id, null);

  // ---- messages ----
  function deliver(item) {
    sendItem(socket, outbox, item, (res) => {
      if (res.ok) {
        const conv = model.get(item.conversation_id);
        if (conv && res.message) model.addMessages(conv, [res.message], false);
      } else if (!res.retryLater) {
        const code = res.error?.code;
        if (FINAL_ERRORS.has(code)) { // retrying cannot help: hand the text back for editing
          outbox.remove(item.client_id);
          if (code !== "conversation_closed" && state.selected === item.conversation_id && !input.value) input.value = item.text;
        }
        app.toast(errorText(res, "The message could not be sent."));
      }
      app.render();
    }, ACK_TIMEOUT);
  }

  function retry(item) {
    outbox.setFailed(item, false);
    deliver(item);
    app.render();
  }

  app.flushOutbox = () => {
    for (const item of [...outbox.items]) {
      const conv = model.get(item.conversation_id);
      if (conv && !conv.closed && !item.failed) deliver(item);
    }
  };

  function sendReply(conv, text) {
    const item = outbox.add(conv.id, text);
    input.value = "";
    app.stopTyping();
    renderNow();
    $("transcript").scrollTop = $("transcript").scrollHeight;
    deliver(item);
  }

  app.composer = createComposer({ input, model, selected: () => state.selected, emitAck: app.emitAck, toast: app.toast,
    render: app.render, sendReply });
  app.alerts = createAlerts({ onOpen: (id) => app.select(id) });
  app.dialogs = createDialogs({ me, emitAck: app.emitAck, toast: app.toast,
    onTransferred: (conv, name) => { conv.movedTo = name; app.toast(`Transferred to ${name}.`, "ok"); app.render(); },
    onClosed: (conv, followUp) => {
      model.markClosed(conv);
      if (followUp) { app.toast(`Follow-up saved for ${fmtDay(followUp.due_date)}.`, "ok"); app.followUps.load(); }
      app.render();
    } });
  app.followUps = createFollowUps({ onOpen: (id) => app.openPeek(id, "followups"), toast: app.toast,
    onCount: (urgent, overdue) => {
      const b = $("fu-count");
      b.textContent = urgent ? String(urgent) : "";
      b.classList.toggle("is-overdue", overdue > 0);
    } });
  app.search = createSearch({ onOpen: (id) => app.openPeek(id, "search") });
  return app;
}

// The signed-in console: state, rendering and the agent's actions. Socket events are wired in
// console-events.js; the pieces of the screen render in sidebar.js, transcript.js, visitor-panel.js,
// composer.js, dialogs.js, followups.js and search.js.
import { $, h, show, errorText } from "./dom.js";
import { api } from "./canned-api.js";
import { Outbox, sendItem } from "./outbox.js";
import { Model } from "./model.js";
import { renderList, renderOffers, renderOffline, avatar } from "./sidebar.js";
import { renderTranscript, visitorName } from "./transcript.js";
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

  function renderEmpty() {
    const total = model.sorted("mine").length;
    const [title, sub] = total ? ["Pick a conversation", "Choose a chat from the list on the left, or press Alt+↓."]
      : me.status === "online" ? ["No chats yet — you're online and ready", "Visitors who start a chat on your site are routed to you here."]
        : ["No chats yet — set yourself online to receive visitors", "New conversations appear on the left as soon as a visitor is assigned to you."];
    $("empty-title").textContent = title;
    $("empty-sub").textContent = sub;
  }

  function renderHeader(conv) {
    const slot = $("conv-avatar-slot");
    slot.textContent = "";
    slot.appendChild(avatar(visitorName(conv), conv.id));
    $("conv-name").textContent = visitorName(conv);
    const parts = [conv.visitor?.email, conv.department, conv.agent && conv.role !== "mine" ? `Agent: ${conv.agent.name}` : null];
    $("conv-sub").textContent = parts.filter(Boolean).join(" · ");
    const tags = $("conv-tags");
    tags.textContent = "";
    if (conv.transferredFrom && conv.role === "mine") tags.appendChild(h("span", { class: "tag tag-transfer", "data-testid": "transferred-from" }, `Transferred from ${conv.transferredFrom}`));
    if (conv.role === "watch") tags.appendChild(h("span", { class: "tag tag-watch" }, "Watching live · read-only"));
    if (conv.role === "peek") tags.appendChild(h("span", { class: "tag", "data-testid": "read-only" }, conv.status === "offline" ? "Left while you were away" : "Read-only"));
    if (conv.closed) tags.appendChild(h("span", { class: "tag tag-closed" }, conv.removed ? (conv.movedTo ? `Moved to ${conv.movedTo}` : "Reassigned") : "Closed"));
    const mineOpen = conv.role === "mine" && !conv.closed;
    show($("transfer-chat"), mineOpen);
    show($("close-chat"), mineOpen);
    show($("back-button"), !!state.back);
    $("back-button").textContent = state.back === "followups" ? "← Follow-ups" : "← Search results";
    show($("watch-live"), conv.role === "peek" && me.role === "manager" && conv.status === "assigned");
    show($("stop-watching"), conv.role === "watch");
  }

  function renderFooter(conv) {
    const typing = $("typing");
    const isTyping = conv.typing && !conv.closed && conv.role !== "peek";
    typing.textContent = isTyping ? `${visitorName(conv)} is typing…` : "";
    show(typing, isTyping);
    app.composer.sync();
    const offline = conv.role === "peek" && conv.status === "offline";
    show($("readonly-bar"), conv.role === "peek");
    $("readonly-text").textContent = offline
      ? `${visitorName(conv)} left this message while nobody was available${conv.visitor?.email ? "; your reply is emailed to them too" : ""}.`
      : "You are reading a past conversation. Nothing you do here reaches the visitor.";
    show($("claim-offline"), offline);
    const closedNote = conv.role !== "peek" && conv.closed;
    show($("closed-note"), closedNote);
    if (closedNote) {
      $("closed-note").textContent = conv.role === "watch" ? "This chat has ended."
        : conv.removed ? `This chat was moved to ${conv.movedTo || "someone else"}. The transcript stays here until you dismiss it.`
          : "This chat is closed. The transcript stays here until you dismiss it.";
    }
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
    if (!conv) return renderEmpty();
    renderHeader(conv);
    renderTranscript($("transcript"), conv, me, model.timeline(conv), outbox.forConversation(conv.id), { onRetry: retry });
    renderFooter(conv);
    renderVisitor(conv, app.render);
    ensureDetail(conv);
  }

  function ensureDetail(conv) {
    if (conv.detailLoaded || conv.detailLoading || conv.role === "peek" || !socket.connected) return;
    conv.detailLoading = true;
    app.emitAck("chat:detail", { conversation_id: conv.id }, (ack) => {
      conv.detailLoading = false;
      if (ack.ok && ack.conversation) {
        model.upsert(ack.conversation);
        conv.detailLoaded = true;
      } else conv.detailLoaded = true; // nothing more to load (e.g. the chat moved on); don't retry in a loop
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
  app.select = (id) => {
    state.selected = id;
    state.view = "inbox";
    const conv = model.get(id);
    if (conv) { conv.unread = 0; conv.fresh = false; }
    for (const c of model.convs.values()) if (c.role === "peek" && c.id !== id) model.drop(c.id);
    state.back = null;
    renderNow();
    if (conv && conv.role === "mine" && !conv.closed) input.focus();
  };

  app.setView = (view) => {
    state.view = view;
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

// What the console does when the agent clicks or types: offers, watching, the offline inbox, typing,
// status, shortcuts and the periodic tickers. Server events are in server-events.js.
import { $, errorText } from "./dom.js";
import { offerSecondsLeft } from "./sidebar.js";
import { renderClock } from "./visitor-panel.js";
import { mountShortcuts } from "./shortcuts.js";
import { wireServerEvents } from "./server-events.js";

export function wireEvents(app) {
  const { socket, model, state, me } = app;
  const input = $("reply-input");
  const saveWatching = () => sessionStorage.setItem("chatConsole.watching", JSON.stringify([...state.watching]));
  const looking = (id) => state.selected === id && state.view === "inbox" && !document.hidden;

  // ---- typing: true at most every 2.5 s while keys are pressed, false 3 s after the last one ----
  let typingFor = null, typingSentAt = 0, typingStopTimer = null;
  function emitTyping(convId, on) {
    if (socket.connected) socket.emit("typing", { conversation_id: convId, typing: on }, () => {});
  }
  app.stopTyping = () => {
    clearTimeout(typingStopTimer);
    if (typingFor) emitTyping(typingFor, false);
    typingFor = null;
    typingSentAt = 0;
  };
  input.addEventListener("input", () => {
    const conv = model.get(state.selected);
    if (!conv || conv.closed || conv.role !== "mine" || app.composer.mode() !== "reply") return app.stopTyping();
    if (!input.value.trim()) return app.stopTyping();
    if (typingFor !== conv.id || Date.now() - typingSentAt > 2500) {
      if (typingFor && typingFor !== conv.id) app.stopTyping();
      typingFor = conv.id;
      typingSentAt = Date.now();
      emitTyping(conv.id, true);
    }
    clearTimeout(typingStopTimer);
    typingStopTimer = setTimeout(app.stopTyping, 3000);
  });

  // ---- offers ----
  app.acceptOffer = (id) => {
    const offer = id ? state.offers.get(id) : state.offers.values().next().value;
    if (!offer) return;
    const convId = offer.conversation.id;
    offer.busy = true;
    app.render();
    app.emitAck("chat:accept", { conversation_id: convId }, (ack) => {
      state.offers.delete(convId);
      if (ack.ok) {
        state.pendingSelect = convId; // chat:assigned follows; open it
        const conv = model.get(convId);
        if (conv && conv.role === "mine") app.select(convId);
      } else app.toast(errorText(ack, "The chat could not be accepted."));
      app.render();
    });
  };
  app.declineOffer = (id) => {
    const offer = id ? state.offers.get(id) : state.offers.values().next().value;
    if (!offer) return;
    const convId = offer.conversation.id;
    state.offers.delete(convId);
    app.render();
    if (!offer.broadcast) app.emitAck("chat:decline", { conversation_id: convId }, () => {});
  };

  socket.on("chat:offer", (p) => {
    const c = p && p.conversation;
    if (!c || !c.id || model.get(c.id)?.role === "mine") return;
    const seconds = typeof p.expires_in_s === "number" ? p.expires_in_s : null;
    state.offers.set(c.id, { conversation: c, broadcast: !!p.broadcast, total: seconds,
      expiresAt: seconds ? Date.now() + seconds * 1000 : null });
    const first = (c.messages || []).find((m) => m.author?.kind === "visitor");
    app.alerts.alert("offer", p.broadcast ? `Overdue chat: ${c.visitor?.name || "Visitor"}` : `Incoming chat: ${c.visitor?.name || "Visitor"}`,
      first ? first.text : "", { tag: `offer-${c.id}` });
    app.render();
  });
  // Rang out for this agent, or an overdue chat rung for everyone was taken by someone.
  for (const name of ["chat:offer_expired", "chat:offer_withdrawn"]) {
    socket.on(name, (p) => {
      if (p && state.offers.delete(p.conversation_id)) app.render();
    });
  }

  // ---- watching (managers) ----
  app.watch = (id) => {
    app.emitAck("chat:watch", { conversation_id: id }, (ack) => {
      if (!ack.ok) { state.watching.delete(id); saveWatching(); return app.toast(errorText(ack, "Could not watch this chat.")); }
      const conv = model.upsert(ack.conversation, model.get(id)?.role === "mine" ? "mine" : "watch");
      if (conv.role === "peek") conv.role = "watch";
      state.watching.add(id);
      saveWatching();
      if (state.pendingWatch === id) app.select(id);
      else if (!state.selected || state.selected === id) app.select(id, { keepView: true });
      state.pendingWatch = null;
      app.render();
    });
  };
  app.unwatch = (id) => {
    state.watching.delete(id);
    saveWatching();
    if (socket.connected) socket.emit("chat:unwatch", { conversation_id: id }, () => {});
  };

  // ---- the offline inbox ----
  app.claimOffline = () => {
    const conv = model.get(state.selected);
    if (!conv || conv.status !== "offline") return;
    $("claim-offline").disabled = true;
    app.emitAck("offline:claim", { conversation_id: conv.id }, (ack) => {
      $("claim-offline").disabled = false;
      state.offline = state.offline.filter((c) => c.id !== conv.id);
      if (!ack.ok) { app.toast(errorText(ack, "Could not take this message.")); return app.render(); }
      const mine = model.upsert(ack.conversation, "mine");
      mine.detailLoaded = false;
      app.select(mine.id);
    });
  };

  // ---- buttons and menus ----
  $("close-chat").addEventListener("click", () => app.dialogs.openClose(model.get(state.selected)));
  $("transfer-chat").addEventListener("click", () => app.dialogs.openTransfer(model.get(state.selected)));
  $("claim-offline").addEventListener("click", app.claimOffline);
  $("watch-live").addEventListener("click", () => { state.pendingWatch = state.selected; app.watch(state.selected); });
  $("stop-watching").addEventListener("click", () => app.dismiss(state.selected));
  $("back-button").addEventListener("click", () => app.setView(state.back || "inbox"));
  for (const v of ["inbox", "followups", "search"]) $(`nav-${v}`).addEventListener("click", () => app.setView(v));
  $("offline-toggle").addEventListener("click", () => {
    const open = $("offline-toggle").getAttribute("aria-expanded") !== "true";
    $("offline-toggle").setAttribute("aria-expanded", String(open));
    $("offline-list").hidden = !open;
  });

  const statusSelect = $("status-select");
  statusSelect.addEventListener("change", () => {
    const want = statusSelect.value;
    const prev = me.status;
    statusSelect.disabled = true;
    app.emitAck("status:set", { status: want }, (ack) => {
      statusSelect.disabled = false;
      if (ack.ok) app.setStatusUI(ack.status || want);
      else { app.setStatusUI(prev); app.toast(errorText(ack)); }
    });
  });

  async function logout() {
    try {
      await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch { /* reload shows the sign-in form either way */ }
    location.reload();
  }
  $("logout").addEventListener("click", logout);

  document.addEventListener("visibilitychange", () => {
    const conv = model.get(state.selected);
    if (!document.hidden && state.view === "inbox" && conv && (conv.unread || conv.fresh)) {
      conv.unread = 0;
      conv.fresh = false;
      app.render();
    }
  });

  mountShortcuts({
    move: app.move, view: app.setView, acceptOffer: () => app.acceptOffer(), declineOffer: () => app.declineOffer(),
    focusReply: () => { app.setView("inbox"); app.composer.setMode("reply"); },
    focusNote: () => { app.setView("inbox"); app.composer.setMode("note"); },
    openClose: () => app.dialogs.openClose(model.get(state.selected)),
    openTransfer: () => app.dialogs.openTransfer(model.get(state.selected)),
    dialogOpen: app.dialogs.anyOpen,
  });

  // ---- tickers: offer countdowns and the visitor's clock every second, "4m ago" every 30 s ----
  setInterval(() => {
    const now = Date.now();
    for (const [id, offer] of state.offers) {
      if (offer.broadcast) continue;
      const left = offerSecondsLeft(offer, now);
      if (left <= 0 && now - offer.expiresAt > 3000) { state.offers.delete(id); app.render(); continue; }
      const timer = document.querySelector(`[data-offer-timer="${CSS.escape(id)}"]`);
      if (timer) timer.textContent = left > 0 ? `Rings for ${left}s` : "Ringing out…";
      const bar = document.querySelector(`[data-offer-bar="${CSS.escape(id)}"]`);
      if (bar && offer.total) bar.style.setProperty("--left", String(left / offer.total));
    }
    renderClock();
  }, 1000);
  setInterval(app.render, 30000);

  wireServerEvents(app, looking);
}

// The /agent events of docs/protocol.md: what the console does when the server speaks.
import { $ } from "./dom.js";
import { visitorName } from "./transcript.js";

export function wireServerEvents(app, looking) {
  const { socket, model, state, me } = app;

  socket.on("connect", () => {
    app.setConn(null);
    if (state.connectedOnce) {
      for (const conv of model.convs.values()) {
        if (conv.closed || conv.role === "peek") continue;
        conv.detailLoaded = false; // notes may have been added while we were away
        if (conv.role === "mine") resume(conv);
      }
    }
    for (const id of state.watching) app.watch(id);
    state.connectedOnce = true;
    app.flushOutbox();
  });
  socket.on("disconnect", (reason) => {
    if (reason === "io server disconnect") app.setConn("Disconnected by the server.", { label: "Reload", run: () => location.reload() });
    else if (reason !== "io client disconnect") app.setConn("Connection lost. Reconnecting…");
  });
  socket.on("connect_error", (err) => {
    if (err && err.message === "unauthorized") app.setConn("Your session has expired.", { label: "Sign in again", run: () => location.reload() });
    else app.setConn("Can't reach the server. Retrying…");
  });

  function resume(conv) {
    app.emitAck("chat:resume", { conversation_id: conv.id, after_seq: conv.lastSeq }, (ack) => {
      if (ack.ok) { if (model.addMessages(conv, ack.messages, true, looking(conv.id))) app.render(); }
      else if (ack.error?.code === "not_found" || ack.error?.code === "conversation_closed") { model.markClosed(conv); app.render(); }
    });
  }

  socket.on("agent:state", (p) => {
    if (!p || typeof p !== "object") return;
    if (p.agent) { Object.assign(me, p.agent); app.setStatusUI(p.agent.status); }
    $("status-select").disabled = false; // enabled once the server has said what the status is
    const seen = new Set();
    for (const c of p.conversations || []) { model.upsert(c, "mine"); seen.add(c.id); }
    for (const conv of model.convs.values()) if (conv.role === "mine" && !conv.closed && !seen.has(conv.id)) model.markClosed(conv);
    for (const item of [...app.outbox.items]) if (!model.get(item.conversation_id)) app.outbox.remove(item.client_id);
    state.offline = Array.isArray(p.offline) ? p.offline : [];
    if (!model.get(state.selected)) {
      state.selected = null;
      const first = model.sorted("mine").find((c) => !c.closed);
      if (first) app.select(first.id, { keepView: true });
    }
    app.render();
    app.flushOutbox();
  });

  // A message was left while the team was away, or a colleague claimed one: fetch the inbox again
  // (the server decides which of them this agent may read).
  socket.on("offline:changed", () => {
    app.emitAck("offline:list", {}, (ack) => {
      if (!ack.ok || !Array.isArray(ack.offline)) return;
      const known = new Set(state.offline.map((c) => c.id));
      const fresh = ack.offline.filter((c) => !known.has(c.id));
      state.offline = ack.offline;
      for (const c of fresh) {
        const first = (c.messages || []).find((m) => m.author?.kind === "visitor");
        app.alerts.alert("message", `${visitorName(c)} left a message`, first?.text || "", { tag: `offline-${c.id}` });
      }
      app.render();
    });
  });

  socket.on("chat:assigned", (p) => {
    if (!p || !p.conversation) return;
    const c = p.conversation;
    state.offers.delete(c.id);
    state.offline = state.offline.filter((x) => x.id !== c.id);
    const known = model.get(c.id);
    const isNew = !known || known.role !== "mine" || known.closed;
    const conv = model.upsert(c, "mine");
    conv.closed = false;
    conv.removed = false;
    if (p.transferred_from) conv.transferredFrom = p.transferred_from;
    // Open it when the agent asked for it (accepted, claimed) or has nothing open; never pull them
    // out of Follow-ups or Search.
    const asked = state.pendingSelect === c.id || state.selected === c.id;
    const take = asked || !model.get(state.selected);
    if (take) { state.pendingSelect = null; app.select(conv.id, { keepView: !asked }); }
    if (isNew && !looking(conv.id)) {
      conv.fresh = true;
      conv.unread = conv.list.filter((m) => m.author?.kind === "visitor").length;
    }
    if (isNew) {
      const who = visitorName(conv);
      app.alerts.alert("chat", p.transferred_from ? `${p.transferred_from} transferred ${who} to you` : `New chat: ${who}`,
        (conv.list.find((m) => m.author?.kind === "visitor") || {}).text || "", { tag: conv.id, conversationId: conv.id });
    }
    app.render();
  });

  socket.on("message:new", (p) => {
    const m = p && p.message;
    const conv = m && model.get(m.conversation_id);
    if (!conv || !model.addMessages(conv, [m], conv.role === "mine", looking(conv.id))) return;
    if (conv.role === "mine" && m.author?.kind === "visitor") {
      app.alerts.alert("message", `${visitorName(conv)} wrote`, m.text, { tag: conv.id, conversationId: conv.id });
    }
    app.render();
  });

  socket.on("note:new", (p) => {
    const conv = p && p.note && model.get(p.conversation_id);
    if (!conv || !model.addNotes(conv, [p.note])) return;
    if (p.note.kind === "whisper" && conv.role === "mine" && p.note.author?.id !== me.id) {
      if (!looking(conv.id)) conv.unread++;
      app.alerts.alert("message", `Whisper from ${p.note.author?.name || "a manager"}`, p.note.text, { tag: `w-${conv.id}`, conversationId: conv.id });
    }
    app.render();
  });

  socket.on("typing", (p) => {
    const conv = p && model.get(p.conversation_id);
    if (!conv) return;
    model.setTyping(conv, !!p.typing, app.render);
    app.render();
  });

  // The chat left this agent (transferred, or requeued after the console was gone too long).
  socket.on("chat:removed", (p) => {
    const conv = p && model.get(p.conversation_id);
    if (!conv || conv.role !== "mine") return;
    conv.removed = true;
    model.markClosed(conv);
    if (state.selected === conv.id) app.stopTyping();
    app.render();
  });

  socket.on("chat:closed", (p) => {
    const conv = p && model.get(p.conversation_id);
    state.offers.delete(p && p.conversation_id);
    if (!conv) return app.render();
    model.markClosed(conv);
    if (state.selected === conv.id) app.stopTyping();
    app.render();
  });

  socket.on("chat:rated", (p) => {
    const conv = p && model.get(p.conversation_id);
    if (conv && p.rating) { conv.rating = p.rating; app.render(); }
  });

  // Managers: a broadcast chat somebody took stops ringing for everyone else.
  socket.on("queue:changed", (p) => {
    if (p && p.status !== "queued" && state.offers.delete(p.conversation_id)) app.render();
  });

  socket.on("status", (p) => { if (p && p.status) app.setStatusUI(p.status); });
}

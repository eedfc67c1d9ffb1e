// The console's view model: conversations as the agent sees them, kept in step with socket events.
// A conversation has a role: "mine" (assigned to me: I can write), "watch" (a manager following it
// live, read-only but may whisper) or "peek" (opened read-only from search, follow-ups or the
// offline inbox).

export class Model {
  constructor(outbox) {
    this.outbox = outbox;
    this.convs = new Map();
  }

  get(id) {
    return id ? this.convs.get(id) : undefined;
  }

  upsert(c, role) {
    let conv = this.convs.get(c.id);
    if (!conv) {
      conv = { id: c.id, role, byId: new Map(), bySeq: new Map(), list: [], lastSeq: 0, unread: 0, fresh: false,
        typing: false, notes: new Map(), history: null, detailLoaded: false };
      this.convs.set(c.id, conv);
    }
    if (role && (role === "mine" || conv.role === "peek")) conv.role = role;
    Object.assign(conv, {
      status: c.status, visitor: c.visitor || conv.visitor || {}, agent: c.agent !== undefined ? c.agent : conv.agent,
      created_at: c.created_at || conv.created_at, closed: c.status === "closed", rating: c.rating || conv.rating || null,
      language: c.language || conv.language || null, department: c.department || conv.department || null,
      outcome: c.outcome || conv.outcome || null, closed_at: c.closed_at || conv.closed_at || null,
    });
    this.addMessages(conv, c.messages || [], false);
    if (c.notes) this.addNotes(conv, c.notes);
    if (c.history) conv.history = c.history;
    if (c.notes && c.history) conv.detailLoaded = true;
    return conv;
  }

  // The extra a chat:detail answer brings; never the status (events own that).
  mergeDetail(conv, c) {
    this.addMessages(conv, c.messages || [], false);
    this.addNotes(conv, c.notes || []);
    conv.history = c.history || conv.history || [];
    if (c.visitor) conv.visitor = { ...conv.visitor, ...c.visitor };
    conv.detailLoaded = true;
  }

  // Returns how many messages were new; counts the visitor's as unread when the agent is elsewhere.
  addMessages(conv, msgs, countUnread, isLooking = false) {
    let added = 0, fromVisitor = 0;
    for (const m of msgs || []) {
      if (!m || !m.id || m.conversation_id !== conv.id) continue;
      if (m.client_id) this.outbox.remove(m.client_id);
      if (conv.byId.has(m.id)) continue;
      conv.byId.set(m.id, m);
      conv.bySeq.set(m.seq, m);
      added++;
      if (m.author?.kind === "visitor") {
        fromVisitor++;
        this.setTyping(conv, false);
        if (countUnread && !isLooking) conv.unread++;
      }
    }
    while (conv.bySeq.has(conv.lastSeq + 1)) conv.lastSeq++;
    if (added) conv.list = [...conv.byId.values()].sort((a, b) => a.seq - b.seq);
    conv.lastAddedFromVisitor = fromVisitor;
    return added;
  }

  addNotes(conv, notes) {
    let added = 0;
    for (const n of notes || []) {
      if (!n || !n.id || conv.notes.has(n.id)) continue;
      conv.notes.set(n.id, n);
      added++;
    }
    return added;
  }

  markClosed(conv) {
    conv.closed = true;
    conv.status = "closed";
    this.setTyping(conv, false);
    for (const item of this.outbox.forConversation(conv.id)) this.outbox.setFailed(item, true);
  }

  setTyping(conv, on, onExpire) {
    clearTimeout(conv.typingTimer);
    conv.typing = on;
    if (on && onExpire) conv.typingTimer = setTimeout(() => { conv.typing = false; onExpire(); }, 8000);
  }

  drop(id) {
    this.convs.delete(id);
    this.outbox.dropConversation(id);
  }

  // Open chats first, then the most recently active.
  sorted(role = "mine") {
    const last = (c) => Date.parse(c.list[c.list.length - 1]?.created_at || c.created_at || 0) || 0;
    return [...this.convs.values()].filter((c) => c.role === role)
      .sort((a, b) => (a.closed - b.closed) || last(b) - last(a));
  }

  // Messages and notes in one time line (notes have no seq; they sort by time).
  timeline(conv) {
    const items = conv.list.map((m) => ({ kind: "message", at: Date.parse(m.created_at) || 0, seq: m.seq, item: m }));
    for (const n of conv.notes.values()) items.push({ kind: "note", at: Date.parse(n.created_at) || 0, seq: Infinity, item: n });
    return items.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}

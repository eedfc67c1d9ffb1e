// Outgoing messages that have no server ack yet. Persisted in localStorage so a reload or a dropped
// connection does not lose them; each is resent with the SAME client_id, which the server de-duplicates.
import { uuid } from "./dom.js";

export class Outbox {
  constructor(key) {
    this.key = key;
    this.items = [];
    try {
      const v = JSON.parse(localStorage.getItem(key) || "[]");
      if (Array.isArray(v)) this.items = v.filter((o) => o && o.client_id && o.conversation_id && typeof o.text === "string");
    } catch {
      this.items = [];
    }
  }

  persist() {
    const plain = this.items.map(({ client_id, conversation_id, text, failed }) => ({ client_id, conversation_id, text, failed: !!failed }));
    try {
      if (plain.length) localStorage.setItem(this.key, JSON.stringify(plain));
      else localStorage.removeItem(this.key);
    } catch {
      /* storage full or disabled: the outbox still works for this page's lifetime */
    }
  }

  add(conversationId, text) {
    const item = { client_id: uuid(), conversation_id: conversationId, text, failed: false, inflight: false };
    this.items.push(item);
    this.persist();
    return item;
  }

  remove(clientId) {
    const n = this.items.length;
    this.items = this.items.filter((o) => o.client_id !== clientId);
    if (this.items.length !== n) this.persist();
    return this.items.length !== n;
  }

  dropConversation(conversationId) {
    this.items = this.items.filter((o) => o.conversation_id !== conversationId);
    this.persist();
  }

  forConversation(conversationId) {
    return this.items.filter((o) => o.conversation_id === conversationId);
  }

  setFailed(item, failed) {
    item.failed = failed;
    this.persist();
  }
}

// Sends one outbox item. `socket` is a socket.io client socket; `done(result)` is called with
// {ok:true, message} | {ok:false, error} | {retryLater:true} (disconnected: resend on reconnect).
export function sendItem(socket, outbox, item, done, timeoutMs = 15000) {
  if (!socket || !socket.connected || item.inflight) return;
  item.inflight = true;
  const payload = { conversation_id: item.conversation_id, text: item.text, client_id: item.client_id };
  socket.timeout(timeoutMs).emit("message:send", payload, (err, ack) => {
    item.inflight = false;
    if (err) {
      if (!socket.connected) return done({ retryLater: true });
      outbox.setFailed(item, true);
      return done({ ok: false, error: { code: "timeout", message: "The message could not be sent. Please retry." } });
    }
    if (ack && ack.ok) {
      outbox.remove(item.client_id);
      return done(ack);
    }
    outbox.setFailed(item, true);
    done(ack && typeof ack === "object" ? ack : { ok: false, error: { code: "bad_reply", message: "Unexpected reply from the server." } });
  });
}

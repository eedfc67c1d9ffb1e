// The left column: ringing offers, my chats (with unread badges), chats a manager watches, and the
// messages visitors left while nobody was on duty.
import { h, fmtAgo, initial, hue } from "./dom.js";
import { visitorName } from "./transcript.js";

function lastChatMessage(conv) {
  for (let i = conv.list.length - 1; i >= 0; i--) if (conv.list[i].author?.kind !== "system") return conv.list[i];
  return null;
}

// The visitor is waiting when the last non-system message is theirs and the chat is open.
export function waitingSince(conv) {
  if (conv.closed || conv.role !== "mine") return null;
  const m = lastChatMessage(conv);
  return m && m.author.kind === "visitor" ? m.created_at : null;
}

export function avatar(name, seed, extra = "") {
  const a = h("span", { class: `avatar ${extra}`, "aria-hidden": "true" }, initial(name));
  a.style.setProperty("--h", hue(seed));
  return a;
}

function preview(conv) {
  if (conv.typing && !conv.closed) return { text: "typing…", cls: "is-typing" };
  const m = lastChatMessage(conv) || conv.list[conv.list.length - 1];
  if (!m) return { text: "No messages yet", cls: "" };
  const who = m.author?.kind === "agent" ? (conv.role === "mine" ? "You: " : `${m.author.name || "Agent"}: `) : "";
  return { text: who + (m.text || "").replace(/\s+/g, " "), cls: m.author?.kind === "system" ? "is-system" : "" };
}

function statusPill(conv) {
  if (conv.role === "watch") return conv.closed ? h("span", { class: "pill pill-closed" }, "Ended") : null;
  if (!conv.closed) return null;
  const label = conv.removed ? (conv.movedTo ? `Moved to ${conv.movedTo}` : "Reassigned") : "Closed";
  return h("span", { class: "pill pill-closed" }, label);
}

function chatItem(conv, selectedId, handlers, now) {
  const p = preview(conv);
  const last = conv.list[conv.list.length - 1];
  const waiting = waitingSince(conv);
  const bottom = h("div", { class: "ci-bottom" }, h("span", { class: `ci-preview ${p.cls}` }, p.text));
  if (waiting) {
    const ago = fmtAgo(waiting, now);
    bottom.appendChild(h("span", { class: "pill pill-waiting", "data-testid": "waiting-indicator", title: "Waiting for your reply" },
      ago === "now" ? "Waiting" : `Waiting ${ago}`));
  }
  if (conv.unread > 0) {
    bottom.appendChild(h("span", { class: "badge", "data-testid": "unread-badge", "aria-label": `${conv.unread} unread` },
      conv.unread > 99 ? "99+" : conv.unread));
  }
  if (conv.closed && conv.rating) bottom.appendChild(h("span", { class: "pill pill-rating", title: "Visitor rating" }, `★ ${conv.rating.score}`));
  const pill = statusPill(conv);
  if (pill) bottom.appendChild(pill);
  const top = h("div", { class: "ci-top" }, h("span", { class: "ci-name" }, visitorName(conv)));
  if (conv.role === "watch" && conv.agent) top.appendChild(h("span", { class: "ci-agent" }, conv.agent.name));
  if (conv.transferredFrom && !conv.closed) top.appendChild(h("span", { class: "pill pill-transfer", title: `Transferred from ${conv.transferredFrom}` }, "⇄"));
  top.appendChild(h("span", { class: "ci-time" }, fmtAgo(last?.created_at || conv.created_at, now)));

  const main = h("button", { type: "button", class: "ci-main", onclick: () => handlers.onSelect(conv.id) },
    avatar(visitorName(conv), conv.id), h("div", { class: "ci-body" }, top, bottom));
  const li = h("li", {
    class: ["chat-item", conv.id === selectedId && "is-selected", conv.closed && "is-closed", conv.fresh && "is-fresh",
      conv.unread > 0 && "is-unread"].filter(Boolean).join(" "),
    "data-testid": conv.role === "watch" ? "watch-item" : "chat-item", "data-conversation-id": conv.id,
    "aria-current": conv.id === selectedId ? "true" : null,
  }, main);
  if (conv.closed || conv.role === "watch") {
    const label = conv.role === "watch" ? "Stop watching" : "Dismiss closed chat";
    li.appendChild(h("button", { type: "button", class: "ci-dismiss", "data-testid": "dismiss-chat", "aria-label": label,
      title: label, onclick: (e) => { e.stopPropagation(); handlers.onDismiss(conv.id); } }, "×"));
  }
  return li;
}

export function renderList(listEl, convs, selectedId, handlers, now = Date.now()) {
  listEl.textContent = "";
  for (const conv of convs) listEl.appendChild(chatItem(conv, selectedId, handlers, now));
}

// ---- offers ----
export function offerSecondsLeft(offer, now = Date.now()) {
  return offer.expiresAt ? Math.max(0, Math.ceil((offer.expiresAt - now) / 1000)) : null;
}

function firstVisitorText(c) {
  const m = (c.messages || []).find((x) => x.author?.kind === "visitor");
  return m ? m.text : "";
}

export function renderOffers(listEl, offers, handlers, now = Date.now()) {
  listEl.textContent = "";
  for (const offer of offers) {
    const c = offer.conversation;
    const name = c.visitor?.name || "Visitor";
    const left = offerSecondsLeft(offer, now);
    const meta = [c.department, c.language && c.language.toUpperCase()].filter(Boolean).join(" · ");
    const timer = offer.broadcast
      ? h("span", { class: "offer-overdue", "data-testid": "offer-overdue" }, `Overdue — anyone can take it · waiting ${fmtAgo(c.created_at, now)}`)
      : h("span", { class: "offer-countdown", "data-testid": "offer-countdown", "data-offer-timer": c.id }, `Rings for ${left}s`);
    const bar = h("div", { class: "offer-bar" }, h("div", { class: "offer-bar-fill", "data-offer-bar": c.id }));
    if (!offer.broadcast && offer.total) bar.firstChild.style.setProperty("--left", String(left / offer.total));
    const actions = h("div", { class: "offer-actions" },
      h("button", { type: "button", class: "btn btn-accept", "data-testid": "offer-accept", disabled: offer.busy,
        onclick: () => handlers.onAccept(c.id) }, offer.broadcast ? "Take it" : "Accept"),
      h("button", { type: "button", class: "btn btn-ghost btn-sm", "data-testid": "offer-decline", disabled: offer.busy,
        onclick: () => handlers.onDecline(c.id) }, offer.broadcast ? "Dismiss" : "Decline"));
    const fresh = !offer.shown;
    offer.shown = true;
    listEl.appendChild(h("li", { class: `offer-card${offer.broadcast ? " is-overdue" : ""}${fresh ? " is-new" : ""}`, "data-testid": "offer-card",
      "data-conversation-id": c.id, role: "group", "aria-label": `Incoming chat from ${name}` },
    h("div", { class: "offer-top" }, avatar(name, c.id, "avatar-ring"),
      h("div", { class: "offer-who" }, h("span", { class: "offer-name" }, name), meta ? h("span", { class: "offer-meta" }, meta) : null),
      timer),
    h("p", { class: "offer-text" }, firstVisitorText(c)),
    offer.broadcast ? null : bar,
    actions));
  }
}

// ---- offline inbox ----
export function renderOffline(listEl, items, selectedId, onOpen, now = Date.now()) {
  listEl.textContent = "";
  for (const c of items) {
    const name = c.visitor?.name || "Visitor";
    const text = firstVisitorText(c).replace(/\s+/g, " ");
    listEl.appendChild(h("li", { class: `chat-item offline-item${c.id === selectedId ? " is-selected" : ""}`,
      "data-testid": "offline-item", "data-conversation-id": c.id },
    h("button", { type: "button", class: "ci-main", onclick: () => onOpen(c.id) },
      avatar(name, c.id),
      h("div", { class: "ci-body" },
        h("div", { class: "ci-top" }, h("span", { class: "ci-name" }, name), h("span", { class: "ci-time" }, fmtAgo(c.created_at, now))),
        h("div", { class: "ci-bottom" }, h("span", { class: "ci-preview" }, text || "No message"),
          c.visitor?.email ? h("span", { class: "pill pill-email", title: c.visitor.email }, "✉") : null)))));
  }
}

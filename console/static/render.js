// Pure-ish rendering of the console's pieces. Every piece of user text goes through h() / textContent.
import { $, h, show, fmtAgo, fmtClock, fmtDateTime, initial, hue } from "./dom.js";

export const visitorName = (conv) => (conv.visitor && conv.visitor.name) || "Visitor";

function lastChatMessage(conv) {
  for (let i = conv.list.length - 1; i >= 0; i--) if (conv.list[i].author?.kind !== "system") return conv.list[i];
  return null;
}

// The visitor is waiting when the last non-system message is theirs and the chat is open.
export function waitingSince(conv) {
  if (conv.closed) return null;
  const m = lastChatMessage(conv);
  return m && m.author.kind === "visitor" ? m.created_at : null;
}

function avatar(conv, extra = "") {
  const a = h("span", { class: `avatar ${extra}`, "aria-hidden": "true" }, initial(visitorName(conv)));
  a.style.setProperty("--h", hue(conv.id));
  return a;
}

function preview(conv) {
  if (conv.typing && !conv.closed) return { text: "typing…", cls: "is-typing" };
  const m = lastChatMessage(conv) || conv.list[conv.list.length - 1];
  if (!m) return { text: "No messages yet", cls: "" };
  const who = m.author?.kind === "agent" ? "You: " : "";
  return { text: who + (m.text || "").replace(/\s+/g, " "), cls: m.author?.kind === "system" ? "is-system" : "" };
}

export function renderList(listEl, convs, selectedId, handlers, now = Date.now()) {
  const scroll = listEl.scrollTop;
  listEl.textContent = "";
  for (const conv of convs) {
    const p = preview(conv);
    const last = conv.list[conv.list.length - 1];
    const waiting = waitingSince(conv);
    const bottom = h("div", { class: "ci-bottom" }, h("span", { class: `ci-preview ${p.cls}` }, p.text));
    if (waiting) bottom.appendChild(h("span", { class: "pill pill-waiting", "data-testid": "waiting-indicator", title: "Waiting for a reply" },
      `Waiting ${fmtAgo(waiting, now) === "now" ? "" : fmtAgo(waiting, now)}`.trim()));
    if (conv.unread > 0) bottom.appendChild(h("span", { class: "badge", "data-testid": "unread-badge",
      "aria-label": `${conv.unread} unread` }, conv.unread > 99 ? "99+" : conv.unread));
    if (conv.closed && conv.rating) bottom.appendChild(h("span", { class: "pill pill-rating", title: "Visitor rating" }, `★ ${conv.rating.score}`));
    if (conv.closed) bottom.appendChild(h("span", { class: "pill pill-closed" }, conv.removed ? "Reassigned" : "Closed"));

    const main = h("button", { type: "button", class: "ci-main", onclick: () => handlers.onSelect(conv.id) },
      avatar(conv),
      h("div", { class: "ci-body" },
        h("div", { class: "ci-top" }, h("span", { class: "ci-name" }, visitorName(conv)),
          h("span", { class: "ci-time" }, fmtAgo(last?.created_at || conv.created_at, now))),
        bottom));
    const li = h("li", {
      class: ["chat-item", conv.id === selectedId && "is-selected", conv.closed && "is-closed", conv.fresh && "is-fresh",
        conv.unread > 0 && "is-unread"].filter(Boolean).join(" "),
      "data-testid": "chat-item", "data-conversation-id": conv.id,
      "aria-current": conv.id === selectedId ? "true" : null,
    }, main);
    if (conv.closed) {
      li.appendChild(h("button", { type: "button", class: "ci-dismiss", "data-testid": "dismiss-chat", "aria-label": "Dismiss closed chat",
        title: "Dismiss", onclick: (e) => { e.stopPropagation(); handlers.onDismiss(conv.id); } }, "×"));
    }
    listEl.appendChild(li);
  }
  listEl.scrollTop = scroll;
}

function row(kind, metaText, text, extra) {
  const r = h("div", { class: `row row-${kind}` });
  if (metaText) r.appendChild(h("div", { class: "row-meta" }, metaText));
  r.appendChild(h("div", { class: "bubble", "data-testid": "message", "data-author-kind": kind }, text));
  if (extra) r.appendChild(extra);
  return r;
}

export function renderTranscript(el, conv, me, pending, handlers) {
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  const switched = el.dataset.conversationId !== conv.id;
  el.dataset.conversationId = conv.id;
  el.textContent = "";
  let prev = null;
  for (const m of conv.list) {
    const kind = m.author?.kind || "system";
    if (kind === "system") {
      el.appendChild(row("system", null, m.text || ""));
      prev = null;
      continue;
    }
    const name = kind === "agent" ? (m.author.name && m.author.name !== me.name ? m.author.name : "You") : visitorName(conv);
    const gap = prev && Date.parse(m.created_at) - Date.parse(prev.created_at) > 5 * 60 * 1000;
    const sameGroup = prev && prev.author.kind === kind && prev.author.name === m.author.name && !gap;
    const r = row(kind, sameGroup ? null : `${name} · ${fmtClock(m.created_at)}`, m.text || "");
    r.title = fmtDateTime(m.created_at);
    el.appendChild(r);
    prev = m;
  }
  for (const item of pending) {
    let meta;
    if (item.failed) {
      meta = h("div", { class: "row-status is-failed" }, "Not sent · ",
        h("button", { type: "button", class: "linkish", onclick: () => handlers.onRetry(item) }, "Retry"));
    } else {
      meta = h("div", { class: "row-status" }, "Sending…");
    }
    const r = row("agent", null, item.text, meta);
    r.classList.add("is-pending");
    el.appendChild(r);
  }
  if (atBottom || switched) el.scrollTop = el.scrollHeight;
}

export function renderVisitor(conv) {
  const v = conv.visitor || {};
  $("visitor-name").textContent = v.name || "Visitor";
  $("visitor-email").textContent = v.email || "—";
  $("visitor-page").textContent = v.page_url || "—";
  $("visitor-started").textContent = fmtDateTime(conv.created_at);
  $("visitor-conv").textContent = conv.id;
}

export function renderHeader(conv) {
  const a = $("conv-avatar");
  a.textContent = initial(visitorName(conv));
  a.style.setProperty("--h", hue(conv.id));
  $("conv-name").textContent = visitorName(conv);
  const parts = [];
  if (conv.visitor?.email) parts.push(conv.visitor.email);
  if (conv.transferredFrom) parts.push(`Transferred from ${conv.transferredFrom}`);
  parts.push(conv.removed ? "Reassigned" : conv.closed ? "Closed" : "Open");
  $("conv-sub").textContent = parts.join(" · ");
}

export function renderEmpty(totalConvs, status) {
  const el = $("empty-state");
  show(el, true);
  if (totalConvs === 0 && status !== "online") {
    $("empty-title").textContent = "No chats yet — set yourself online to receive visitors";
    $("empty-sub").textContent = "New conversations appear on the left as soon as a visitor is assigned to you.";
  } else if (totalConvs === 0) {
    $("empty-title").textContent = "No chats yet — you're online and ready";
    $("empty-sub").textContent = "Visitors who start a chat on your site will be routed to you here.";
  } else {
    $("empty-title").textContent = "Pick a conversation";
    $("empty-sub").textContent = "Choose a chat from the list on the left to read and reply.";
  }
}

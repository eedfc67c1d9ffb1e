// The conversation pane's header (who, tags, actions a role may take) and footer (typing, read-only
// bar, closed note), and the empty state. Text goes in through textContent.
import { $, h, show } from "./dom.js";
import { avatar } from "./sidebar.js";
import { visitorName } from "./transcript.js";

export function renderEmpty(total, status) {
  const [title, sub] = total ? ["Pick a conversation", "Choose a chat from the list on the left, or press Alt+↓."]
    : status === "online" ? ["No chats yet — you're online and ready", "Visitors who start a chat on your site are routed to you here."]
      : ["No chats yet — set yourself online to receive visitors", "New conversations appear on the left as soon as a visitor is assigned to you."];
  $("empty-title").textContent = title;
  $("empty-sub").textContent = sub;
}

export function renderHeader(conv, me, state) {
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

export function renderFooter(conv, composer) {
  const typing = $("typing");
  const isTyping = conv.typing && !conv.closed && conv.role !== "peek";
  typing.textContent = isTyping ? `${visitorName(conv)} is typing…` : "";
  show(typing, isTyping);
  composer.sync();
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

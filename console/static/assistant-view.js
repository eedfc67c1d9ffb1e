// DOM of the positive-language assistant: a transparent overlay that mirrors the textarea's text and
// underlines the phrases, and a small card with the suggested reframe. Text only via text nodes.
import { h } from "./dom.js";

const MIRRORED = [
  "fontFamily", "fontSize", "fontWeight", "fontStyle", "lineHeight", "letterSpacing", "wordSpacing",
  "textTransform", "textIndent", "tabSize", "paddingTop", "paddingLeft", "paddingBottom",
  "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "boxSizing",
];

export function buildOverlay() {
  return h("div", { class: "cr-overlay", "aria-hidden": "true", "data-testid": "assistant-overlay" });
}

// Style changes go through the CSSOM, which the page's CSP (style-src 'self') permits.
export function syncOverlay(overlay, textarea) {
  const cs = getComputedStyle(textarea);
  for (const prop of MIRRORED) overlay.style[prop] = cs[prop];
  const borders = parseFloat(cs.borderLeftWidth) + parseFloat(cs.borderRightWidth);
  const scrollbar = Math.max(0, textarea.offsetWidth - textarea.clientWidth - borders);
  overlay.style.paddingRight = `${parseFloat(cs.paddingRight) + scrollbar}px`;
  overlay.style.top = `${textarea.offsetTop}px`;
  overlay.style.left = `${textarea.offsetLeft}px`;
  overlay.style.width = `${textarea.offsetWidth}px`;
  overlay.style.height = `${textarea.offsetHeight}px`;
  overlay.scrollTop = textarea.scrollTop;
}

export function renderMarks(overlay, text, suggestions, currentKey) {
  const parts = [];
  let at = 0;
  for (const s of suggestions) {
    if (s.start > at) parts.push(document.createTextNode(text.slice(at, s.start)));
    parts.push(h("mark", { class: `cr-mark${s.key === currentKey ? " is-current" : ""}`, "data-testid": "assistant-mark" }, text.slice(s.start, s.end)));
    at = s.end;
  }
  parts.push(document.createTextNode(text.slice(at) + "\u200b")); // keeps a trailing newline's line
  overlay.replaceChildren(...parts);
}

export function buildCard({ onAccept, onDismiss }) {
  const phrase = h("span", { class: "cr-assist-phrase", "data-testid": "assistant-phrase" });
  const reframe = h("span", { class: "cr-assist-reframe", "data-testid": "assistant-reframe" });
  const note = h("div", { class: "cr-assist-note" });
  const count = h("span", { class: "cr-assist-count" });
  const keep = (e) => e.preventDefault(); // buttons must not take focus from the textarea
  const accept = h("button", { type: "button", class: "cr-assist-btn cr-assist-accept", "data-testid": "assistant-accept" }, h("kbd", {}, "Tab"), " Use this");
  const dismiss = h("button", { type: "button", class: "cr-assist-btn", "data-testid": "assistant-dismiss" }, h("kbd", {}, "Esc"), " Keep mine");
  for (const b of [accept, dismiss]) b.addEventListener("mousedown", keep);
  accept.addEventListener("click", onAccept);
  dismiss.addEventListener("click", onDismiss);
  const root = h("div", { class: "cr-assist", role: "status", "aria-live": "polite", "data-testid": "assistant-card", hidden: true },
    h("div", { class: "cr-assist-head" }, h("span", { class: "cr-assist-label" }, "Positive language"), count),
    h("div", { class: "cr-assist-body" }, phrase, h("span", { class: "cr-assist-arrow", "aria-hidden": "true" }, "→"), reframe),
    note,
    h("div", { class: "cr-assist-actions" }, accept, dismiss));
  return { root, phrase, reframe, note, count };
}

export function renderCard(card, suggestion, total) {
  card.root.hidden = !suggestion;
  if (!suggestion) return;
  card.phrase.textContent = `“${suggestion.phrase}”`;
  card.reframe.textContent = `“${suggestion.reframe}”`;
  card.note.textContent = suggestion.rule.note || "";
  card.note.hidden = !suggestion.rule.note;
  card.count.textContent = total > 1 ? `1 of ${total}` : "";
}

// The transcript: the visitor's and agents' messages, system lines, and internal notes (yellow,
// never shown to the visitor) in one time line. All text goes in through textContent (h()).
import { h, fmtClock, fmtDateTime } from "./dom.js";
import { dayLabel } from "./visitor-facts.js";

export const visitorName = (conv) => (conv.visitor && conv.visitor.name) || "Visitor";

function row(kind, metaText, text, extra) {
  const r = h("div", { class: `row row-${kind}` });
  if (metaText) r.appendChild(h("div", { class: "row-meta" }, metaText));
  r.appendChild(h("div", { class: "bubble", "data-testid": "message", "data-author-kind": kind }, text));
  if (extra) r.appendChild(extra);
  return r;
}

const NOTE_LABELS = {
  note: "Internal note — the visitor can't see this",
  whisper: "Whisper from a manager — the visitor can't see this",
  handover: "Handover note — the visitor can't see this",
};

export function noteCard(note) {
  const kind = note.kind || "note";
  const who = note.author?.name || "Someone";
  const head = h("div", { class: "note-head" },
    h("span", { class: "note-icon", "aria-hidden": "true" }, kind === "whisper" ? "◆" : kind === "handover" ? "⇄" : "✎"),
    h("span", { class: "note-label" }, NOTE_LABELS[kind] || NOTE_LABELS.note));
  const byline = kind === "handover" ? `Transferred from ${who}` : kind === "whisper" ? `${who} (manager)` : who;
  return h("div", { class: `note note-${kind}`, "data-testid": "note", "data-note-kind": kind, title: fmtDateTime(note.created_at) },
    head,
    h("div", { class: "note-text", "data-testid": "note-text" }, note.text || ""),
    h("div", { class: "note-by" }, `${byline} · ${fmtClock(note.created_at)}`));
}

function dayDivider(iso) {
  return h("div", { class: "day-divider", role: "separator" }, h("span", {}, dayLabel(iso)));
}

export function renderTranscript(el, conv, me, timeline, pending, handlers) {
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  const switched = el.dataset.conversationId !== conv.id;
  el.dataset.conversationId = conv.id;
  el.textContent = "";
  let prev = null, prevDay = "";
  for (const entry of timeline) {
    const iso = entry.item.created_at;
    const day = dayLabel(iso);
    if (day && day !== prevDay) { el.appendChild(dayDivider(iso)); prevDay = day; prev = null; }
    if (entry.kind === "note") {
      el.appendChild(noteCard(entry.item));
      prev = null;
      continue;
    }
    const m = entry.item;
    const kind = m.author?.kind || "system";
    if (kind === "system") {
      el.appendChild(row("system", null, m.text || ""));
      prev = null;
      continue;
    }
    const mine = kind === "agent" && m.author.name === me.name;
    const name = kind === "agent" ? (mine ? "You" : m.author.name || "Agent") : visitorName(conv);
    const gap = prev && Date.parse(m.created_at) - Date.parse(prev.created_at) > 5 * 60 * 1000;
    const sameGroup = prev && prev.author.kind === kind && prev.author.name === m.author.name && !gap;
    const r = row(kind, sameGroup ? null : `${name} · ${fmtClock(m.created_at)}`, m.text || "");
    if (kind === "agent" && !mine) r.classList.add("row-colleague");
    r.title = fmtDateTime(m.created_at);
    el.appendChild(r);
    prev = m;
  }
  for (const item of pending) {
    const meta = item.failed
      ? h("div", { class: "row-status is-failed" }, "Not sent · ",
        h("button", { type: "button", class: "linkish", onclick: () => handlers.onRetry(item) }, "Retry"))
      : h("div", { class: "row-status" }, "Sending…");
    const r = row("agent", null, item.text, meta);
    r.classList.add("is-pending");
    el.appendChild(r);
  }
  if (atBottom || switched) el.scrollTop = el.scrollHeight;
}

// A short read-only transcript (earlier conversations in the visitor panel).
export function miniTranscript(conv) {
  const box = h("div", { class: "mini-transcript", "data-testid": "history-transcript" });
  for (const m of conv.messages || []) {
    const kind = m.author?.kind || "system";
    const who = kind === "visitor" ? (conv.visitor?.name || "Visitor") : kind === "agent" ? (m.author.name || "Agent") : "";
    box.appendChild(h("div", { class: `mini-msg mini-${kind}` },
      who ? h("span", { class: "mini-who" }, `${who} · ${fmtClock(m.created_at)}`) : null,
      h("span", { class: "mini-text" }, m.text || "")));
  }
  if (!box.childNodes.length) box.appendChild(h("p", { class: "muted" }, "No messages."));
  return box;
}

// The box at the bottom of a conversation: a reply to the visitor, or an internal note that only
// staff see (a manager's note on someone else's chat is a whisper). One textarea, two modes; each
// mode keeps its own draft per conversation. Typing is reported to the visitor only for replies.
import { $, show, errorText } from "./dom.js";

const PLACEHOLDER = {
  reply: (name) => `Reply to ${name}…   Type / for canned replies`,
  note: () => "Internal note — only your team sees this…",
  whisper: (name, agent) => `Whisper to ${agent || "the agent"} — ${name} can't see this…`,
};

export function createComposer({ input, model, selected, emitAck, toast, render, sendReply }) {
  const modes = new Map(); // conversation id -> "reply" | "note"
  const drafts = new Map(); // `${id}|${mode}` -> text
  let shownFor = null; // `${id}|${mode}` whose draft is in the textarea

  const canReply = (conv) => conv && conv.role === "mine" && !conv.closed;
  const canNote = (conv) => conv && !conv.closed && (conv.role === "mine" || conv.role === "watch");

  function mode(conv) {
    if (!conv) return "reply";
    if (!canReply(conv)) return "note";
    return modes.get(conv.id) || "reply";
  }

  // Keep the textarea's content in step with the conversation and mode on screen.
  function swapDraft(conv) {
    const key = conv ? `${conv.id}|${mode(conv)}` : null;
    if (key === shownFor) return;
    if (shownFor) drafts.set(shownFor, input.value);
    input.value = (key && drafts.get(key)) || "";
    shownFor = key;
  }

  function sync() {
    const conv = model.get(selected());
    const visible = canReply(conv) || canNote(conv);
    show($("reply-form"), visible);
    if (!visible) return swapDraft(null);
    swapDraft(conv);
    const m = mode(conv);
    const whisper = conv.role === "watch";
    $("reply-form").dataset.mode = m;
    show($("mode-reply"), canReply(conv));
    $("mode-reply").setAttribute("aria-selected", String(m === "reply"));
    $("mode-note").setAttribute("aria-selected", String(m === "note"));
    $("mode-note").textContent = whisper ? "Whisper" : "Internal note";
    $("composer-hint").textContent = m === "reply" ? "Enter to send · Shift+Enter for a new line" : "Only your team sees this";
    const name = (conv.visitor && conv.visitor.name) || "the visitor";
    input.placeholder = PLACEHOLDER[m === "reply" ? "reply" : whisper ? "whisper" : "note"](name, conv.agent && conv.agent.name);
    $("reply-send").textContent = m === "reply" ? "Send" : whisper ? "Whisper" : "Add note";
  }

  function setMode(m, focus = true) {
    const conv = model.get(selected());
    if (!conv) return;
    if (m === "reply" && !canReply(conv)) return;
    if (m === "note" && !canNote(conv)) return;
    modes.set(conv.id, m);
    sync();
    if (focus) input.focus();
  }

  function addNote(conv, text) {
    input.value = "";
    drafts.delete(shownFor);
    emitAck("note:add", { conversation_id: conv.id, text }, (ack) => {
      if (ack.ok && ack.note) model.addNotes(conv, [ack.note]);
      else {
        if (!input.value && selected() === conv.id) input.value = text;
        toast(errorText(ack, "The note could not be saved."));
      }
      render();
    });
  }

  function send() {
    const conv = model.get(selected());
    const text = input.value.trim();
    if (!conv || !text) return;
    if (mode(conv) === "note") {
      if (canNote(conv)) addNote(conv, text);
      return;
    }
    if (!canReply(conv)) return;
    drafts.delete(shownFor);
    sendReply(conv, text);
  }

  $("mode-reply").addEventListener("click", () => setMode("reply"));
  $("mode-note").addEventListener("click", () => setMode("note"));
  $("reply-form").addEventListener("submit", (e) => { e.preventDefault(); send(); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey) { e.preventDefault(); send(); }
  });

  return { sync, setMode, send, mode: () => mode(model.get(selected())), forget: (id) => {
    for (const k of [...drafts.keys()]) if (k.startsWith(`${id}|`)) drafts.delete(k);
    modes.delete(id);
    if (shownFor && shownFor.startsWith(`${id}|`)) shownFor = null;
  } };
}

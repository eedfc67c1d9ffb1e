// Keyboard shortcuts: the whole console works without the mouse. Alt+letter combinations use
// `event.code` so they work on every layout (on a Mac, Option+R types "®" as the key).
// "/" is the canned-reply picker's, so nothing here uses it; "?" opens the list of shortcuts.
import { $, h } from "./dom.js";

export const SHORTCUTS = [
  ["Alt+↓  /  Ctrl+]", "Next chat"],
  ["Alt+↑  /  Ctrl+[", "Previous chat"],
  ["Alt+R", "Focus the reply box"],
  ["Alt+N", "Write an internal note"],
  ["Enter", "Send (Shift+Enter: new line)"],
  ["/", "Insert a canned reply (in the reply box)"],
  ["Alt+C", "Close the chat…"],
  ["Alt+T", "Transfer the chat…"],
  ["Alt+A", "Accept the ringing chat"],
  ["Alt+D", "Decline the ringing chat"],
  ["Alt+1 / 2 / 3", "Inbox / Follow-ups / Search"],
  ["Esc", "Close a dialog, leave the reply box"],
  ["?", "Show these shortcuts"],
];

function isTyping(target) {
  return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function renderHelp() {
  const list = $("help-list");
  list.textContent = "";
  for (const [keys, what] of SHORTCUTS) {
    const k = h("dt", {});
    keys.split(/(\s+\/\s+|\+)/).forEach((part) => {
      if (part === "+") k.append("+");
      else if (/^\s+\/\s+$/.test(part)) k.append(" or ");
      else if (part.trim()) k.appendChild(h("kbd", {}, part.trim()));
    });
    list.append(k, h("dd", {}, what));
  }
}

export function mountShortcuts(actions) {
  const help = $("help-dialog");
  renderHelp();
  const openHelp = () => { if (!help.open) help.showModal(); };
  $("help-open").addEventListener("click", openHelp);
  help.querySelectorAll("[data-dismiss]").forEach((b) => b.addEventListener("click", () => help.close()));

  const alt = {
    ArrowDown: () => actions.move(1), ArrowUp: () => actions.move(-1),
    KeyR: actions.focusReply, KeyN: actions.focusNote, KeyC: actions.openClose, KeyT: actions.openTransfer,
    KeyA: actions.acceptOffer, KeyD: actions.declineOffer,
    Digit1: () => actions.view("inbox"), Digit2: () => actions.view("followups"), Digit3: () => actions.view("search"),
  };

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.isComposing) return;
    if (actions.dialogOpen() && e.key !== "Escape") return; // dialogs handle their own keys
    let run = null;
    if (e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) run = alt[e.code];
    else if (e.ctrlKey && !e.altKey && !e.metaKey && (e.code === "BracketRight" || e.code === "BracketLeft")) {
      run = () => actions.move(e.code === "BracketRight" ? 1 : -1);
    } else if (e.key === "?" && !e.altKey && !e.ctrlKey && !e.metaKey && !isTyping(e.target)) run = openHelp;
    else if (e.key === "Escape" && !actions.dialogOpen() && isTyping(e.target) && e.target.id === "reply-input") {
      // Leave the reply box (the picker, if open, takes Esc first in its capture handler).
      run = () => e.target.blur();
    }
    if (!run) return;
    e.preventDefault();
    run();
  });
}

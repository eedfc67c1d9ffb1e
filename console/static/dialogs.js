// The transfer and close dialogs (native <dialog>: focus stays inside, Esc cancels).
// Transfer: pick an online colleague and write a handover note, so the visitor never repeats
// themselves. Close: resolved, or a follow-up with a due date and what was promised.
import { $, h, show, errorText } from "./dom.js";
import { api } from "./canned-api.js";
import { visitorName } from "./transcript.js";

function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function addDays(days, from = new Date()) {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  return isoDate(d);
}

function setError(el, text) {
  el.textContent = text || "";
  show(el, !!text);
}

export function createDialogs({ me, emitAck, toast, onTransferred, onClosed }) {
  const transfer = $("transfer-dialog");
  const close = $("close-dialog");
  let target = null; // the conversation a dialog acts on

  // ---- transfer ----
  function agentOption(a) {
    const full = a.load >= a.capacity;
    const state = !a.online ? "Offline" : full ? `Full · ${a.load}/${a.capacity}` : `${a.load}/${a.capacity} chats`;
    const input = h("input", { type: "radio", name: "to_agent_id", value: a.id, disabled: !a.online, "data-testid": "transfer-option" });
    return h("li", {}, h("label", { class: `agent-option${a.online ? "" : " is-offline"}${full ? " is-full" : ""}`, "data-agent-name": a.name },
      input,
      h("span", { class: `presence-dot ${a.online ? (full ? "is-full" : "is-online") : ""}`, "aria-hidden": "true" }),
      h("span", { class: "agent-option-name" }, a.name),
      a.role === "manager" ? h("span", { class: "pill pill-role" }, "Manager") : null,
      h("span", { class: "agent-option-state" }, state)));
  }

  async function loadAgents() {
    const list = $("transfer-agents");
    list.textContent = "";
    list.appendChild(h("li", { class: "muted small" }, "Loading colleagues…"));
    try {
      const data = await api("GET", "/api/agents");
      const others = (data.items || []).filter((a) => a.id !== me.id)
        .sort((a, b) => (b.online - a.online) || (a.load / a.capacity - b.load / b.capacity) || a.name.localeCompare(b.name));
      list.textContent = "";
      if (!others.some((a) => a.online)) list.appendChild(h("li", { class: "transfer-none" }, "Nobody else is online right now."));
      for (const a of others) list.appendChild(agentOption(a));
      const first = list.querySelector("input:not([disabled])");
      if (first) { first.checked = true; first.focus(); }
    } catch (err) {
      list.textContent = "";
      setError($("transfer-error"), err.message);
    }
  }

  function openTransfer(conv) {
    if (!conv || conv.role !== "mine" || conv.closed) return;
    target = conv;
    $("transfer-title").textContent = `Transfer ${visitorName(conv)}`;
    $("transfer-note").value = "";
    setError($("transfer-error"), null);
    $("transfer-submit").disabled = false;
    transfer.showModal();
    loadAgents();
  }

  $("transfer-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const conv = target;
    const picked = $("transfer-form").querySelector('input[name="to_agent_id"]:checked');
    if (!picked) return setError($("transfer-error"), "Pick a colleague who is online.");
    const name = picked.closest("label").dataset.agentName;
    const note = $("transfer-note").value.trim();
    $("transfer-submit").disabled = true;
    setError($("transfer-error"), null);
    emitAck("chat:transfer", { conversation_id: conv.id, to_agent_id: picked.value, ...(note ? { note } : {}) }, (ack) => {
      $("transfer-submit").disabled = false;
      if (!ack.ok) {
        setError($("transfer-error"), errorText(ack, "The chat could not be transferred."));
        if (ack.error?.code === "conflict") loadAgents();
        return;
      }
      transfer.close();
      onTransferred(conv, ack.agent?.name || name);
    });
  });
  $("transfer-note").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("transfer-form").requestSubmit(); }
  });

  // ---- close ----
  function syncOutcome() {
    const followUp = $("close-form").elements.outcome.value === "follow_up";
    show($("follow-up-fields"), followUp);
    $("close-due").required = followUp;
    $("close-submit").textContent = followUp ? "Close and schedule follow-up" : "Close chat";
  }

  function openClose(conv) {
    if (!conv || conv.role !== "mine" || conv.closed) return;
    target = conv;
    const form = $("close-form");
    form.reset();
    form.elements.outcome.value = "resolved";
    $("close-title").textContent = `Close the chat with ${visitorName(conv)}`;
    $("close-due").min = addDays(0);
    $("close-due").value = addDays(1);
    setError($("close-error"), null);
    $("close-submit").disabled = false;
    syncOutcome();
    close.showModal();
    form.querySelector('input[value="resolved"]').focus();
  }

  $("close-form").addEventListener("change", syncOutcome);
  $("close-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const conv = target;
    const form = $("close-form");
    const outcome = form.elements.outcome.value;
    const payload = { conversation_id: conv.id, outcome };
    if (outcome === "follow_up") {
      if (!$("close-due").value) return setError($("close-error"), "Pick the date you promised to get back by.");
      payload.due_date = $("close-due").value;
      const note = $("close-note").value.trim();
      if (note) payload.note = note;
    }
    $("close-submit").disabled = true;
    emitAck("chat:close", payload, (ack) => {
      $("close-submit").disabled = false;
      if (!ack.ok && ack.error?.code !== "conversation_closed") {
        return setError($("close-error"), errorText(ack, "The chat could not be closed."));
      }
      close.close();
      onClosed(conv, ack.follow_up || null);
    });
  });
  $("close-note").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("close-form").requestSubmit(); }
  });

  for (const d of [transfer, close]) {
    d.querySelectorAll("[data-dismiss]").forEach((b) => b.addEventListener("click", () => d.close()));
  }
  const anyOpen = () => transfer.open || close.open || $("help-dialog").open;
  return { openTransfer, openClose, anyOpen, toast };
}

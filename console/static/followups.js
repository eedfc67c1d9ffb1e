// The Follow-ups view: promises made when closing a chat ("I'll check with the warehouse and get
// back to you by Thursday"), by due date, overdue ones first and highlighted, until marked done.
import { $, h, show, fmtDateTime } from "./dom.js";
import { api } from "./canned-api.js";
import { addDays } from "./dialogs.js";

function dueLabel(due, today) {
  if (due < today) {
    const days = Math.round((Date.parse(today) - Date.parse(due)) / 86400000);
    return days === 1 ? "Overdue by 1 day" : `Overdue by ${days} days`;
  }
  if (due === today) return "Due today";
  if (due === addDays(1)) return "Due tomorrow";
  const d = new Date(`${due}T12:00:00`);
  return `Due ${d.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" })}`;
}

export function createFollowUps({ onOpen, onCount, toast }) {
  const st = { items: [], loaded: false, showDone: false, busy: new Set() };

  async function load() {
    try {
      const data = await api("GET", "/api/follow-ups?include_done=1");
      st.items = data.items || [];
      st.loaded = true;
    } catch (err) {
      toast(err.message);
    }
    render();
  }

  async function markDone(id) {
    st.busy.add(id);
    render();
    try {
      const data = await api("POST", `/api/follow-ups/${encodeURIComponent(id)}/done`);
      st.items = st.items.map((f) => (f.id === id ? data.follow_up : f));
    } catch (err) {
      toast(err.message);
      if (err.status === 409) await load();
    }
    st.busy.delete(id);
    render();
  }

  function card(f, today) {
    const done = !!f.done_at;
    const tone = done ? "is-done" : f.due_date < today ? "is-overdue" : f.due_date === today ? "is-today" : "";
    return h("li", { class: `fu-card ${tone}`, "data-testid": "follow-up", "data-follow-up-id": f.id, "data-due": f.due_date },
      h("div", { class: "fu-due", "data-testid": "follow-up-due" }, done ? "Done" : dueLabel(f.due_date, today)),
      h("div", { class: "fu-body" },
        h("div", { class: "fu-who" }, f.visitor_name || "Visitor"),
        h("p", { class: "fu-note", "data-testid": "follow-up-note" }, f.note || "No note."),
        h("div", { class: "fu-meta" }, `Promised ${fmtDateTime(f.created_at)}${done ? ` · done ${fmtDateTime(f.done_at)}` : ""}`)),
      h("div", { class: "fu-actions" },
        h("button", { type: "button", class: "btn btn-ghost btn-sm", "data-testid": "follow-up-open", onclick: () => onOpen(f.conversation_id) }, "Open conversation"),
        done ? null : h("button", { type: "button", class: "btn btn-primary btn-sm", "data-testid": "follow-up-done",
          disabled: st.busy.has(f.id), onclick: () => markDone(f.id) }, "Mark done")));
  }

  function group(title, items, today, testid) {
    if (!items.length) return null;
    return h("section", { class: "fu-group", "data-testid": testid },
      h("h3", {}, title, h("span", { class: "count" }, String(items.length))),
      h("ul", { class: "fu-list" }, items.map((f) => card(f, today))));
  }

  function render() {
    const today = addDays(0);
    const open = st.items.filter((f) => !f.done_at).sort((a, b) => a.due_date.localeCompare(b.due_date));
    const done = st.items.filter((f) => f.done_at).sort((a, b) => b.done_at.localeCompare(a.done_at));
    const urgent = open.filter((f) => f.due_date <= today).length;
    onCount(urgent, open.filter((f) => f.due_date < today).length);
    const root = $("fu-groups");
    root.textContent = "";
    if (!st.loaded) return root.appendChild(h("p", { class: "muted" }, "Loading…"));
    root.append(...[
      group("Overdue", open.filter((f) => f.due_date < today), today, "follow-ups-overdue"),
      group("Due today", open.filter((f) => f.due_date === today), today, "follow-ups-today"),
      group("Upcoming", open.filter((f) => f.due_date > today), today, "follow-ups-upcoming"),
      st.showDone ? group("Completed", done, today, "follow-ups-done") : null,
    ].filter(Boolean));
    if (!open.length) {
      root.prepend(h("div", { class: "view-empty", "data-testid": "follow-ups-empty" },
        h("p", { class: "empty-title" }, "No open follow-ups"),
        h("p", { class: "empty-sub" }, "When you close a chat with “Follow-up needed”, the promise and its due date show up here.")));
    }
  }

  $("fu-show-done").addEventListener("change", (e) => { st.showDone = e.target.checked; render(); });
  $("fu-refresh").addEventListener("click", load);
  show($("fu-groups"), true);
  return { load, render };
}

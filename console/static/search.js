// The Search view: past conversations by words in the transcript, visitor name or email, and date
// range (GET /api/conversations). A result opens read-only in the conversation pane.
import { $, h, show, fmtDateTime } from "./dom.js";
import { api, query } from "./canned-api.js";
import { ratingLabel } from "./visitor-facts.js";
import { avatar } from "./sidebar.js";

const STATUS = { queued: "Waiting", assigned: "Open", offline: "Left a message" };

function statusText(c) {
  if (c.status !== "closed") return STATUS[c.status] || c.status;
  return { follow_up: "Follow-up", abandoned: "Abandoned", resolved: "Resolved" }[c.outcome] || "Closed";
}

export function createSearch({ onOpen }) {
  const st = { items: [], searched: false, loading: false, error: null, selected: null };

  async function run() {
    const form = $("search-form");
    const params = {
      q: form.elements.q.value.trim(), visitor_email: form.elements.visitor_email.value.trim(),
      from: form.elements.from.value, to: form.elements.to.value,
    };
    st.loading = true;
    st.error = null;
    render();
    try {
      const data = await api("GET", `/api/conversations${query(params)}`);
      st.items = data.items || [];
    } catch (err) {
      st.items = [];
      st.error = err.message;
    }
    st.loading = false;
    st.searched = true;
    render();
  }

  function resultRow(c) {
    const name = c.visitor?.name || "Visitor";
    const sub = [c.visitor?.email, c.agent?.name && `with ${c.agent.name}`].filter(Boolean).join(" · ");
    return h("li", {}, h("button", { type: "button", class: `sr-row${st.selected === c.id ? " is-selected" : ""}`,
      "data-testid": "search-result", "data-conversation-id": c.id, onclick: () => { st.selected = c.id; render(); onOpen(c.id); } },
    avatar(name, c.id),
    h("span", { class: "sr-main" }, h("span", { class: "sr-name" }, name), h("span", { class: "sr-sub" }, sub || "No email")),
    h("span", { class: "sr-when" }, fmtDateTime(c.created_at)),
    h("span", { class: `pill sr-status sr-${c.outcome || c.status}` }, statusText(c)),
    h("span", { class: "sr-rating" }, c.rating ? ratingLabel(c.rating) : "")));
  }

  function render() {
    const status = $("search-status");
    const list = $("search-results");
    list.textContent = "";
    if (st.loading) status.textContent = "Searching…";
    else if (st.error) status.textContent = st.error;
    else if (!st.searched) status.textContent = "Search by words from the chat, the visitor's name or email, or a date range.";
    else status.textContent = st.items.length ? `${st.items.length === 50 ? "50+" : st.items.length} conversation${st.items.length === 1 ? "" : "s"}` : "Nothing found. Try fewer words or a wider date range.";
    status.classList.toggle("is-error", !!st.error);
    for (const c of st.items) list.appendChild(resultRow(c));
    show(list, st.items.length > 0);
  }

  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); run(); });
  render();
  return { run, focus: () => $("search-q").focus() };
}

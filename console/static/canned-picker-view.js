// DOM of the canned-reply picker. Reply text is only ever set with textContent.
import { h } from "./dom.js";

const CATEGORY_LABELS = {
  greeting: "Greeting", clarifying: "Clarifying", empathy: "Empathy", waiting: "Waiting & timelines",
  escalation: "Escalation & transfer", summarising: "Summarising", closing: "Closing", apology: "Apology", other: "Other",
};

export const categoryLabel = (c) => CATEGORY_LABELS[c] || c;

export function buildPicker({ onPick, onHover, onLanguage }) {
  const select = h("select", { class: "cr-lang-select", "aria-label": "Reply language", "data-testid": "canned-language" });
  select.addEventListener("change", () => onLanguage(select.value));
  const list = h("ul", { class: "cr-list", role: "listbox", id: "cr-list", "aria-label": "Canned replies", "data-testid": "canned-list" });
  // mousedown, not click: the textarea keeps focus, so the picker does not close before the pick.
  list.addEventListener("mousedown", (e) => {
    const li = e.target.closest("li[data-index]");
    if (!li) return;
    e.preventDefault();
    onPick(Number(li.dataset.index));
  });
  list.addEventListener("mousemove", (e) => {
    const li = e.target.closest("li[data-index]");
    if (li && !li.classList.contains("is-active")) onHover(Number(li.dataset.index));
  });
  const previewTitle = h("div", { class: "cr-preview-title" });
  const previewMeta = h("div", { class: "cr-preview-meta" });
  const previewText = h("div", { class: "cr-preview-text", "data-testid": "canned-preview" });
  const status = h("div", { class: "cr-status", role: "status" });
  const queryLabel = h("span", { class: "cr-query", "data-testid": "canned-query" });
  const root = h("div", { class: "cr-picker", role: "dialog", "aria-label": "Canned replies", "data-testid": "canned-picker", hidden: true },
    h("div", { class: "cr-picker-head" },
      h("span", { class: "cr-picker-title" }, "Canned replies"), queryLabel,
      h("label", { class: "cr-lang" }, h("span", { class: "visually-hidden" }, "Language"), select)),
    h("div", { class: "cr-picker-body" },
      h("div", { class: "cr-list-col" }, list, status),
      h("div", { class: "cr-preview", "aria-live": "polite" }, previewTitle, previewMeta, previewText)),
    h("div", { class: "cr-picker-foot" },
      h("span", {}, h("kbd", {}, "↑"), h("kbd", {}, "↓"), " choose"),
      h("span", {}, h("kbd", {}, "Enter"), " insert"),
      h("span", {}, h("kbd", {}, "Esc"), " close"),
      h("a", { class: "cr-manage-link", href: "/manage/canned", target: "_blank", rel: "noopener", hidden: true, "data-manage": "" }, "Manage replies")));
  root.addEventListener("mousedown", (e) => { if (e.target !== select && !e.target.closest("a")) e.preventDefault(); });
  return { root, select, list, status, queryLabel, previewTitle, previewMeta, previewText };
}

function syncLanguages(view, languages, current) {
  const wanted = [...new Set([...(languages || []), current])];
  const have = [...view.select.options].map((o) => o.value);
  if (wanted.join() !== have.join()) {
    view.select.replaceChildren(...wanted.map((l) => h("option", { value: l }, l.toUpperCase())));
  }
  view.select.value = current;
}

function itemRow(item, index, active, defaultLanguage, language) {
  const fallback = item.language !== language;
  return h("li", {
    class: `cr-item${active ? " is-active" : ""}`, role: "option", id: `cr-opt-${index}`, "aria-selected": active ? "true" : "false",
    "data-index": index, "data-testid": "canned-item", "data-shortcut": item.shortcut,
  },
  h("span", { class: "cr-item-short" }, `/${item.shortcut}`),
  h("span", { class: "cr-item-title" }, item.title),
  h("span", { class: "cr-item-tags" },
    item.scope !== "global" ? h("span", { class: `cr-tag cr-tag-${item.scope}` }, item.scope === "personal" ? "Mine" : "Team") : null,
    fallback ? h("span", { class: "cr-tag", title: `No ${language.toUpperCase()} version; showing ${String(defaultLanguage || "").toUpperCase()}` }, item.language.toUpperCase()) : null));
}

export function renderResults(view, st) {
  syncLanguages(view, st.languages, st.language);
  view.queryLabel.textContent = `/${st.query}`;
  const manage = view.root.querySelector("[data-manage]");
  if (manage) manage.hidden = document.body.dataset.agentRole !== "manager";
  const rows = st.results.map((item, i) => itemRow(item, i, i === st.active, st.defaultLanguage, st.language));
  view.list.replaceChildren(...rows);
  const textarea = view.root.parentElement && view.root.parentElement.querySelector("textarea");
  if (textarea) textarea.setAttribute("aria-activedescendant", rows.length ? `cr-opt-${st.active}` : "");
  view.status.textContent = st.error ? st.error
    : st.loading && !rows.length ? "Loading replies…"
    : !rows.length ? (st.query ? `No replies match “${st.query}”.` : "No replies in this language yet.") : "";
  view.status.hidden = !view.status.textContent;
  const item = st.results[st.active];
  view.previewTitle.textContent = item ? item.title : "";
  view.previewMeta.textContent = item ? `/${item.shortcut} · ${categoryLabel(item.category)} · ${item.language.toUpperCase()}` : "";
  view.previewText.textContent = item ? st.preview(item) : "";
  const activeRow = rows[st.active];
  if (activeRow) activeRow.scrollIntoView({ block: "nearest" });
}

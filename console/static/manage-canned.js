// Manager page /manage/canned: the canned-reply library (filters, editor, history, import/export) and
// the assistant's rule sets. All text goes into the DOM through textContent.
import { $, h, fmtDateTime } from "./dom.js";
import { api, getMeta, query } from "./canned-api.js";
import { categoryLabel } from "./canned-picker-view.js";
import { createEditor } from "./manage-editor.js";
import { mountImport } from "./manage-io.js";
import { mountRules } from "./manage-rules.js";

const state = { meta: null, items: [], selected: null };

let noticeTimer = null;
export function notice(text, kind = "info", details = null) {
  const n = $("notice");
  n.className = `m-notice m-notice-${kind}`;
  n.replaceChildren(h("span", {}, text));
  if (details && details.length) n.appendChild(h("ul", {}, details.map((d) => h("li", {}, d))));
  n.appendChild(h("button", { type: "button", class: "m-notice-close", "aria-label": "Dismiss", onclick: () => { n.hidden = true; } }, "×"));
  n.hidden = false;
  clearTimeout(noticeTimer);
  if (kind !== "error") noticeTimer = setTimeout(() => { n.hidden = true; }, 6000);
}

function filters() {
  return {
    all: true, fallback: "0",
    q: $("f-q").value.trim(), language: $("f-language").value, category: $("f-category").value,
    scope: $("f-scope").value, unused: $("f-unused").checked,
  };
}

async function loadList() {
  try {
    const data = await api("GET", `/api/canned-responses${query(filters())}`);
    state.items = data.items || [];
    renderList();
  } catch (err) {
    notice(err.message, "error");
  }
}

function rating(item) {
  return item.average_rating == null ? "—" : `${item.average_rating.toFixed(1)} ★`;
}

function scopeLabel(item) {
  if (item.scope === "personal") return `Personal · ${item.owner ? item.owner.name : "?"}`;
  if (item.scope === "department") return `Dept · ${item.department || ""}`;
  return "Global";
}

function renderList() {
  const rows = state.items.map((item) => h("tr", {
    class: `${item.id === state.selected ? "is-selected" : ""}${item.usage_count ? "" : " is-unused"}`,
    tabindex: "0", "data-testid": "reply-row", "data-id": item.id, "data-shortcut": item.shortcut, "data-language": item.language,
    onclick: () => select(item), onkeydown: (e) => { if (e.key === "Enter") select(item); },
  },
  h("td", { class: "mono" }, `/${item.shortcut}`),
  h("td", { class: "m-title-cell" }, item.title),
  h("td", {}, h("span", { class: "m-lang" }, item.language.toUpperCase())),
  h("td", {}, categoryLabel(item.category)),
  h("td", {}, scopeLabel(item)),
  h("td", { class: "num" }, item.usage_count ? String(item.usage_count) : h("span", { class: "m-unused" }, "unused")),
  h("td", {}, item.last_used_at ? fmtDateTime(item.last_used_at) : "—"),
  h("td", { class: "num" }, rating(item))));
  $("reply-rows").replaceChildren(...rows);
  $("reply-empty").hidden = rows.length > 0;
  const unused = state.items.filter((i) => !i.usage_count).length;
  $("reply-count").textContent = `${state.items.length} repl${state.items.length === 1 ? "y" : "ies"}${unused ? ` · ${unused} never used` : ""}`;
}

let editor = null;
function select(item) {
  state.selected = item.id;
  renderList();
  editor.open(item);
}

function fillSelect(select, values, label = (v) => v) {
  for (const v of values) select.appendChild(h("option", { value: v }, label(v)));
}

function setupTabs() {
  const tabs = [["tab-replies", "replies-view"], ["tab-rules", "rules-view"]];
  for (const [tabId, viewId] of tabs) {
    $(tabId).addEventListener("click", () => {
      for (const [t, v] of tabs) {
        $(t).setAttribute("aria-selected", String(t === tabId));
        $(v).hidden = v !== viewId;
      }
    });
  }
}

async function init() {
  setupTabs();
  try {
    state.meta = await getMeta();
  } catch (err) {
    notice(err.message, "error");
    return;
  }
  const meta = state.meta;
  fillSelect($("f-language"), meta.languages, (l) => l.toUpperCase());
  fillSelect($("f-category"), meta.categories, categoryLabel);
  for (const l of meta.languages) $("language-list").appendChild(h("option", { value: l }));
  let searchTimer = null;
  $("f-q").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(loadList, 200); });
  for (const id of ["f-language", "f-category", "f-scope", "f-unused"]) $(id).addEventListener("change", loadList);

  editor = createEditor({
    meta, me: { id: document.body.dataset.agentId, name: document.body.dataset.agentName }, notice,
    defaultLanguage: () => $("f-language").value || meta.default_language,
    onChange: (item) => { state.selected = item ? item.id : null; loadList(); },
  });
  $("new-reply").addEventListener("click", () => { state.selected = null; renderList(); editor.openNew(); });
  mountImport({ notice, onImported: () => { editor.close(); loadList(); } });
  mountRules({ meta, notice });
  await loadList();
}

init();

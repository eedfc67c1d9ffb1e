// The canned-reply picker: type "/" in the reply box (at the start or after a space), keep typing to
// fuzzy-search shortcut, title and text, ↑/↓ to choose, Enter or Tab to insert the reply with its
// placeholders filled (the agent can still edit it before sending), Esc to close.
// The list is fetched once per language and searched in the browser; a manager's change
// (`canned:changed` on the socket) refreshes it live.
import { api, getMeta, query, useStylesheet } from "./canned-api.js";
import { onLanguageChange, resolveLanguage, setLanguage } from "./canned-lang.js";
import { prepare, rank } from "./fuzzy.js";
import { contextValues, fill } from "./placeholders.js";
import { ensureWrap, replaceRange } from "./reply-box.js";
import { buildPicker, renderResults } from "./canned-picker-view.js";

const TRIGGER = /(^|\s)\/([^\s/]{0,40})$/;
const GAP = "…"; // marks a spot the agent completes; selected after insertion

export function mountPicker({ textarea, socket, getContext = () => ({}) }) {
  useStylesheet("/console/static/canned.css");
  const wrap = ensureWrap(textarea);
  const st = { meta: null, lists: new Map(), open: false, anchor: -1, query: "", results: [], active: 0, loading: null, error: null };
  const view = buildPicker({ onPick: (i) => insert(i), onHover: (i) => { st.active = i; render(); }, onLanguage: changeLanguage });
  wrap.appendChild(view.root);

  const ctx = () => getContext() || {};
  const language = () => resolveLanguage(ctx(), st.meta ? st.meta.default_language : "en");

  async function meta() {
    if (!st.meta) st.meta = await getMeta();
    return st.meta;
  }

  async function list(lang) {
    if (st.lists.has(lang)) return st.lists.get(lang);
    const data = await api("GET", `/api/canned-responses${query({ language: lang })}`);
    const items = prepare(data.items || []);
    st.lists.set(lang, items);
    return items;
  }

  async function load() {
    const ticket = {};
    st.loading = ticket;
    render();
    try {
      await meta();
      const items = await list(language());
      if (st.loading !== ticket) return;
      st.loading = null;
      st.results = rank(items, st.query);
      st.active = Math.min(st.active, Math.max(0, st.results.length - 1));
      st.error = null;
    } catch (err) {
      if (st.loading !== ticket) return;
      st.loading = null;
      st.error = err.message;
    }
    render();
  }

  function render() {
    const lang = language();
    renderResults(view, {
      ...st, language: lang, defaultLanguage: st.meta && st.meta.default_language,
      languages: st.meta ? st.meta.languages : [lang],
      preview: (item) => fill(item.text, contextValues(ctx()), st.meta ? st.meta.placeholders : [], item.language),
    });
  }

  function open(anchor, q) {
    const changed = !st.open || q !== st.query;
    st.anchor = anchor;
    st.query = q;
    if (!st.open) {
      st.open = true;
      st.active = 0;
      textarea.dataset.cannedPicker = "open";
      textarea.setAttribute("aria-expanded", "true");
      view.root.hidden = false;
    }
    if (changed) { st.active = 0; load(); }
  }

  function close() {
    if (!st.open) return;
    st.open = false;
    delete textarea.dataset.cannedPicker;
    textarea.setAttribute("aria-expanded", "false");
    view.root.hidden = true;
  }

  function onInput() {
    const caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return close();
    const m = TRIGGER.exec(textarea.value.slice(0, caret));
    if (!m) return close();
    open(caret - m[2].length - 1, m[2]);
  }

  function insert(index) {
    const item = st.results[index];
    if (!item) return;
    const c = ctx();
    const text = fill(item.text, contextValues(c), st.meta.placeholders, item.language);
    const end = Math.max(textarea.selectionStart, st.anchor + 1 + st.query.length);
    close();
    replaceRange(textarea, st.anchor, end, text, text.includes(GAP) ? GAP : null);
    const used = { canned_response_id: item.id };
    if (c.conversationId) used.conversation_id = c.conversationId;
    socket.emit("canned:used", used, (ack) => { if (ack && ack.ok === false) console.warn("canned:used", ack.error); });
  }

  function onKeyDown(e) {
    if (!st.open || e.isComposing) return;
    const n = st.results.length;
    let handled = true;
    if (e.key === "ArrowDown") st.active = n ? (st.active + 1) % n : 0;
    else if (e.key === "ArrowUp") st.active = n ? (st.active - 1 + n) % n : 0;
    else if ((e.key === "Enter" && !e.shiftKey) || (e.key === "Tab" && !e.shiftKey)) {
      if (n) insert(st.active);
      else if (st.loading && e.key === "Enter") { /* wait for the list rather than send "/greet" */ }
      else {
        handled = false; // nothing matches: Enter sends what was typed, Tab moves focus
        close();
      }
    } else if (e.key === "Escape") close();
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopImmediatePropagation(); // neither the console (send) nor the assistant (Tab) sees this key
      render();
    }
  }

  function changeLanguage(lang) {
    setLanguage(lang, ctx());
    textarea.focus();
  }

  function refresh() {
    st.lists.clear();
    if (st.open) load();
  }

  wrap.addEventListener("keydown", onKeyDown, true); // capture: runs before the console's Enter-to-send
  textarea.addEventListener("input", onInput);
  textarea.addEventListener("click", onInput);
  textarea.addEventListener("blur", () => setTimeout(() => { if (document.activeElement !== textarea && !view.root.contains(document.activeElement)) close(); }, 150));
  textarea.setAttribute("aria-haspopup", "listbox");
  textarea.setAttribute("aria-expanded", "false");
  onLanguageChange(() => { if (st.open) { st.active = 0; load(); } });

  let refreshTimer = null;
  socket.on("canned:changed", () => { clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 150); });
  socket.on("connect", () => refresh()); // events may have been missed while disconnected

  // Open from a button: types the "/" for the agent, so Esc leaves exactly what was there plus "/".
  function openFromButton() {
    const at = textarea.selectionStart;
    const before = textarea.value.slice(0, at);
    replaceRange(textarea, at, textarea.selectionEnd, before && !/\s$/.test(before) ? " /" : "/");
    onInput();
  }

  return { open: openFromButton, close, refresh, isOpen: () => st.open };
}

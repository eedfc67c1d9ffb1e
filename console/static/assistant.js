// The positive-language assistant. While the agent types, phrases from the language's rule set are
// underlined and the first one is offered with a reframe: Tab uses it, Esc keeps the agent's wording.
// It never blocks sending. Shown / accepted / ignored counts go to the server in batches
// (`assistant:feedback`) for the reports; a suggestion still there when the message is sent counts as ignored.
import { api, getMeta, query, useStylesheet } from "./canned-api.js";
import { onLanguageChange, resolveLanguage } from "./canned-lang.js";
import { findSuggestions } from "./phrase-match.js";
import { ensureWrap, replaceRange, watchValue } from "./reply-box.js";
import { buildCard, buildOverlay, renderCard, renderMarks, syncOverlay } from "./assistant-view.js";

const FLUSH_MS = 10000;
const SETTLE_MS = 700;

// language: a code, or a function returning one; otherwise getContext() decides, as in the picker.
export function mountAssistant({ textarea, socket, language = null, getContext = () => ({}) }) {
  useStylesheet("/console/static/canned.css");
  const wrap = ensureWrap(textarea);
  const overlay = buildOverlay();
  const card = buildCard({ onAccept: () => accept(), onDismiss: () => dismiss() });
  textarea.after(overlay);
  wrap.append(card.root);

  const st = {
    rules: new Map(), loading: new Map(), defaultLanguage: "en", settleTimer: null,
    suggestions: [], seen: new Set(), dismissed: new Set(),
    counts: { shown: 0, accepted: 0, ignored: 0 },
  };
  const lang = () => (typeof language === "function" ? language() : language)
    || resolveLanguage(getContext() || {}, st.defaultLanguage);

  function rulesFor(l) {
    if (st.rules.has(l)) return st.rules.get(l);
    if (!st.loading.has(l)) {
      st.loading.set(l, api("GET", `/api/assistant/rules${query({ language: l })}`)
        .then((data) => { st.rules.set(l, data.rules || []); scan(); })
        .catch(() => { /* the assistant is optional; try again on the next change */ })
        .finally(() => st.loading.delete(l)));
    }
    return [];
  }

  function scan() {
    const text = textarea.value;
    const found = findSuggestions(text, rulesFor(lang()));
    const nth = new Map();
    for (const s of found) {
      const n = nth.get(s.rule.id) || 0;
      nth.set(s.rule.id, n + 1);
      s.key = `${s.rule.id}#${n}`;
    }
    const keys = new Set(found.map((s) => s.key));
    for (const k of [...st.dismissed]) if (!keys.has(k)) st.dismissed.delete(k);
    st.suggestions = found.filter((s) => !st.dismissed.has(s.key));
    if (!text) st.seen.clear();
    clearTimeout(st.settleTimer);
    st.settleTimer = setTimeout(settle, SETTLE_MS);
    render();
  }

  // Count a suggestion as shown once it has stood for a moment: while a phrase is being typed,
  // shorter rules match on the way ("I can't" before "I can't help you") and are not really seen.
  function settle() {
    clearTimeout(st.settleTimer);
    for (const s of st.suggestions) {
      if (!st.seen.has(s.key)) { st.seen.add(s.key); st.counts.shown++; }
    }
  }

  function render() {
    const current = st.suggestions[0];
    const hidden = textarea.dataset.cannedPicker === "open" || !current;
    syncOverlay(overlay, textarea);
    renderMarks(overlay, textarea.value, st.suggestions, current && current.key);
    renderCard(card, hidden ? null : current, st.suggestions.length);
    if (hidden) delete textarea.dataset.assistant;
    else textarea.dataset.assistant = "suggesting";
  }

  function accept() {
    const s = st.suggestions[0];
    if (!s) return;
    settle();
    st.counts.accepted++;
    st.seen.delete(s.key);
    replaceRange(textarea, s.start, s.end, s.reframe);
    scan();
  }

  function dismiss() {
    const s = st.suggestions[0];
    if (!s) return;
    settle();
    st.counts.ignored++;
    st.dismissed.add(s.key);
    scan();
    textarea.focus();
  }

  // The message goes out: what is still suggested was seen and not taken.
  function sent() {
    settle();
    st.counts.ignored += st.suggestions.length;
    st.seen.clear();
    st.dismissed.clear();
    st.suggestions = [];
  }

  function onKeyDown(e) {
    if (e.isComposing || textarea.dataset.cannedPicker === "open") return;
    const plain = !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey;
    if (e.key === "Enter" && !e.shiftKey) return sent();
    if (!st.suggestions.length || card.root.hidden) return;
    if (e.key === "Tab" && plain) { e.preventDefault(); e.stopPropagation(); accept(); }
    else if (e.key === "Escape" && plain) { e.preventDefault(); e.stopPropagation(); dismiss(); }
  }

  function flush() {
    const c = st.counts;
    if (!c.shown && !c.accepted && !c.ignored) return;
    const batch = { ...c };
    st.counts = { shown: 0, accepted: 0, ignored: 0 };
    const giveBack = () => { for (const k of Object.keys(batch)) st.counts[k] += batch[k]; };
    if (!socket.connected) return giveBack();
    socket.timeout(10000).emit("assistant:feedback", batch, (err, ack) => { if (err || !ack || !ack.ok) giveBack(); });
  }

  wrap.addEventListener("keydown", onKeyDown, true);
  if (textarea.form) textarea.form.addEventListener("submit", sent, true);
  watchValue(textarea, scan);
  textarea.addEventListener("scroll", () => { overlay.scrollTop = textarea.scrollTop; });
  new ResizeObserver(() => syncOverlay(overlay, textarea)).observe(textarea);
  onLanguageChange(() => { st.dismissed.clear(); scan(); });
  socket.on("assistant:changed", (p) => { st.rules.delete(p && p.language); scan(); });
  socket.on("connect", () => { st.rules.clear(); scan(); });
  setInterval(flush, FLUSH_MS);
  document.addEventListener("visibilitychange", () => { if (document.hidden) flush(); });
  getMeta().then((m) => { st.defaultLanguage = m.default_language || "en"; scan(); }).catch(() => {});
  scan();

  return { rescan: scan, flush, suggestions: () => st.suggestions.slice(), counts: () => ({ ...st.counts }) };
}

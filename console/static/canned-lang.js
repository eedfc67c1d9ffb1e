// The language of canned replies and assistant rules in the console. A conversation's own language
// (detected by the widget) comes first; the agent can switch it in the picker for that conversation;
// without either, the agent's last choice, then the server's default_language.

const KEY = "chatConsole.cannedLanguage";
const EVENT = "canned:language";
const overrides = new Map(); // conversation id -> language picked in the picker

function stored() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

// ctx: what the console's getContext() returns ({conversationId, language}).
export function resolveLanguage(ctx, fallback = "en") {
  const c = ctx || {};
  return (c.conversationId && overrides.get(c.conversationId)) || c.language || stored() || fallback;
}

export function setLanguage(lang, ctx) {
  const c = ctx || {};
  if (c.conversationId) overrides.set(c.conversationId, lang);
  try { localStorage.setItem(KEY, lang); } catch { /* private mode: keep it for this page only */ }
  document.dispatchEvent(new CustomEvent(EVENT, { detail: { language: lang } }));
}

export function onLanguageChange(fn) {
  const handler = (e) => fn(e.detail.language);
  document.addEventListener(EVENT, handler);
  return () => document.removeEventListener(EVENT, handler);
}

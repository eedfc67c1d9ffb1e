// The language the agent works in for canned replies and the assistant. Conversations have no language
// yet, so the agent picks one in the picker; it is remembered per browser. When conversations get a
// language, the console passes it through getContext().language and this becomes the fallback.

const KEY = "chatConsole.cannedLanguage";
const EVENT = "canned:language";

export function currentLanguage(fallback = "en") {
  try {
    return localStorage.getItem(KEY) || fallback;
  } catch {
    return fallback;
  }
}

export function setLanguage(lang) {
  try { localStorage.setItem(KEY, lang); } catch { /* private mode: keep it for this page only */ }
  document.dispatchEvent(new CustomEvent(EVENT, { detail: { language: lang } }));
}

export function onLanguageChange(fn) {
  const handler = (e) => fn(e.detail.language);
  document.addEventListener(EVENT, handler);
  return () => document.removeEventListener(EVENT, handler);
}

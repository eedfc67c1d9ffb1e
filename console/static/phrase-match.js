// The assistant's matcher, the same rules as chat_server/services/assistant.py: case-insensitive, whole
// words, any run of spaces matches any other, ' and ’ are the same; overlapping matches keep the longest.
// A reframe that opens a sentence is capitalised.

const SENTENCE_END = ".!?…\n\"«(“";
const cache = new Map();

function escapeChar(ch) {
  if (ch === "'" || ch === "\u2019") return "['\u2019]";
  return ch.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
}

export function phraseRegex(phrase) {
  let re = cache.get(phrase);
  if (!re) {
    const words = phrase.split(/\s+/).filter(Boolean).map((w) => Array.from(w, escapeChar).join(""));
    re = new RegExp(`(?<![\\p{L}\\p{N}_])${words.join("\\s+")}(?![\\p{L}\\p{N}_])`, "giu");
    cache.set(phrase, re);
  }
  re.lastIndex = 0;
  return re;
}

export function reframeFor(text, start, reframe) {
  const before = text.slice(0, start).replace(/[ \t]+$/, "");
  const first = reframe.charAt(0);
  if ((!before || SENTENCE_END.includes(before.slice(-1))) && first !== first.toLocaleUpperCase()) {
    return first.toLocaleUpperCase() + reframe.slice(1);
  }
  return reframe;
}

export function findSuggestions(text, rules) {
  const found = [];
  for (const rule of rules || []) {
    const re = phraseRegex(rule.phrase);
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === "") { re.lastIndex++; continue; }
      found.push({ start: m.index, end: m.index + m[0].length, phrase: m[0], reframe: reframeFor(text, m.index, rule.reframe), rule });
    }
  }
  found.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  const kept = [];
  for (const s of found) if (kept.every((k) => s.end <= k.start || s.start >= k.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}

// Instant fuzzy search for the picker: every query word must match the shortcut or title as a
// subsequence, or the text as a substring (a subsequence over long text would match almost anything).
// Higher is better; -1 means no match. Shortcut hits outrank title hits, which outrank text hits.

function subsequence(q, s) {
  let score = 0, at = -1, run = 0;
  for (const ch of q) {
    const i = s.indexOf(ch, at + 1);
    if (i < 0) return -1;
    run = i === at + 1 ? run + 1 : 0;
    const wordStart = i === 0 || /[\s\-_.]/.test(s[i - 1]);
    score += 1 + run * 2 + (wordStart ? 3 : 0) - Math.min(i - at - 1, 5) * 0.2;
    at = i;
  }
  return score + (s.startsWith(q) ? 10 : 0) + (s === q ? 10 : 0);
}

function wordScore(word, item) {
  const shortcut = subsequence(word, item._shortcut);
  const title = subsequence(word, item._title);
  const i = item._text.indexOf(word);
  const text = i < 0 ? -1 : 2 + word.length;
  const best = Math.max(shortcut < 0 ? -1 : shortcut * 3, title < 0 ? -1 : title * 2, text);
  return best;
}

export function prepare(items) {
  return items.map((it) => Object.assign(it, {
    _shortcut: String(it.shortcut || "").toLocaleLowerCase(),
    _title: String(it.title || "").toLocaleLowerCase(),
    _text: String(it.text || "").toLocaleLowerCase(),
  }));
}

export function rank(items, queryText, limit = 50) {
  const words = String(queryText || "").toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return items.slice(0, limit);
  const scored = [];
  items.forEach((item, index) => {
    let total = 0;
    for (const w of words) {
      const s = wordScore(w, item);
      if (s < 0) return;
      total += s;
    }
    scored.push({ item, total, index });
  });
  scored.sort((a, b) => b.total - a.total || a.index - b.index);
  return scored.slice(0, limit).map((s) => s.item);
}

// Fill {placeholders} in a canned reply. The registry (names, fallbacks) comes from
// GET /api/canned-responses/meta, so server-side validation and filling agree on the names.
// A value the console lacks comes from the entry's server-side `default` ({company}, {wait_minutes}).
// A missing value degrades gracefully: after a comma the placeholder goes together with the comma
// ("Welcome back, {visitor.name}!" -> "Welcome back!"); elsewhere the language's fallback is used
// ("Hi {visitor.name}!" -> "Hi there!"), or the placeholder is dropped and spacing tidied.

const PLACEHOLDER = /(\s*,\s*)?\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}(\s*,)?/g;

function fallbackFor(entry, language) {
  if (!entry || !entry.fallback) return "";
  const fb = entry.fallback;
  if (language in fb) return fb[language];
  return fb["*"] != null ? fb["*"] : "";
}

export function fill(text, values, registry, language) {
  const known = new Map((registry || []).map((p) => [p.name, p]));
  let capitalizeFirst = false, dropped = false;
  let out = String(text).replace(PLACEHOLDER, (match, commaBefore, name, commaAfter, offset) => {
    if (!known.has(name)) return match;
    const entry = known.get(name);
    const value = values && values[name] != null && String(values[name]).trim() ? values[name] : entry.default;
    const given = value != null ? String(value).trim() : "";
    if (given) return (commaBefore || "") + given + (commaAfter || "");
    const fb = fallbackFor(entry, language);
    const opens = offset === 0 && commaAfter;
    if (fb && !commaBefore && !opens) return fb + (commaAfter || "");
    dropped = true;
    if (commaBefore) return commaAfter ? ", " : "";
    if (opens) { capitalizeFirst = true; return ""; }
    return commaAfter ? "," : "";
  });
  if (dropped) {
    out = out.replace(/[ \t]{2,}/g, " ").replace(/[ \t]+([,.!?;:])/g, "$1").replace(/^[ \t]+/gm, "");
    if (capitalizeFirst) out = out.charAt(0).toLocaleUpperCase() + out.slice(1);
  }
  return out;
}

// The values the console knows for a conversation; what is missing falls back as described above.
export function contextValues(ctx) {
  const c = ctx || {};
  return {
    "visitor.name": c.visitor && c.visitor.name,
    "visitor.email": c.visitor && c.visitor.email,
    "agent.name": c.agent && c.agent.name,
    wait_minutes: c.waitMinutes,
  };
}

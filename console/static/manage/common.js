// Shared helpers for the managers' pages. All user text goes in through textContent.

export async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options,
    headers: { "Accept": "application/json", ...(options.body ? { "Content-Type": "application/json" } : {}) } });
  if (response.status === 401) { window.location.href = "/console"; throw new Error("Sign in first."); }
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `Request failed (${response.status}).`;
    throw new Error(message);
  }
  return body;
}

/** el("td", {className: "num", text: "3"}, child...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export const NONE = "—";

export function seconds(value) {
  if (value === null || value === undefined) return NONE;
  const s = Math.round(value);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function number(value, digits = 0) {
  if (value === null || value === undefined) return NONE;
  return Number(value).toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function percent(rate) {
  return rate === null || rate === undefined ? NONE : `${Math.round(rate * 100)}%`;
}

export function ratingBadge(score, value) {
  const kind = score >= 4 ? "pos" : score <= 2 ? "neg" : "mid";
  const label = typeof value === "number" ? `${value}★` : String(value);
  return el("span", { className: `badge ${kind}`, text: label });
}

export function dateTime(iso) {
  return new Date(iso).toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export function clear(node) { node.replaceChildren(); return node; }

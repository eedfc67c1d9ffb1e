// Small DOM and formatting helpers. Text is only ever set with textContent / text nodes.

export const $ = (id) => document.getElementById(id);

export function h(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of kids.flat()) {
    if (c == null || c === false) continue;
    n.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return n;
}

export function show(node, on) {
  node.hidden = !on;
}

export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) crypto.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function toDate(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
}

export function fmtClock(iso) {
  const d = toDate(iso);
  return d ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
}

export function fmtDateTime(iso) {
  const d = toDate(iso);
  return d ? d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—";
}

// "now", "4m", "2h", "3d"
export function fmtAgo(iso, now = Date.now()) {
  const d = toDate(iso);
  if (!d) return "";
  const s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return "now";
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function initial(name) {
  const t = (name || "").trim();
  return t ? t[0].toUpperCase() : "V";
}

// A stable pleasant hue per conversation, for avatars.
export function hue(seed) {
  let x = 0;
  for (const ch of String(seed || "")) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  return x % 360;
}

export function errorText(ack, fallback = "Something went wrong.") {
  if (!ack) return fallback;
  if (typeof ack === "string") return ack;
  const e = ack.error;
  return (e && (e.message || e.code)) || fallback;
}

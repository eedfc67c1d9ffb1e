// The right column: who the agent is talking to. Name, email, local time (a live clock in the
// visitor's zone), the page they are on, their browser, and their earlier conversations with
// transcripts and ratings, so nobody asks them to repeat themselves.
import { $, h, show, fmtDateTime } from "./dom.js";
import { dayLabel, localTime, ratingLabel, safeHref, shortUrl, summariseUserAgent } from "./visitor-facts.js";
import { miniTranscript, visitorName } from "./transcript.js";
import { avatar } from "./sidebar.js";

const expanded = new Set(); // earlier conversations the agent opened, by id

function fact(label, value, testid, extraClass = "") {
  return [h("dt", {}, label), h("dd", { class: extraClass, "data-testid": testid }, value)];
}

function pageValue(v) {
  if (!v.page_url && !v.page_title) return "—";
  const href = safeHref(v.page_url);
  const title = v.page_title ? h("span", { class: "vp-page-title" }, v.page_title) : null;
  const url = href
    ? h("a", { href, target: "_blank", rel: "noopener noreferrer", class: "vp-link", title: v.page_url }, shortUrl(v.page_url))
    : (v.page_url ? h("span", { class: "vp-link" }, v.page_url) : null);
  return h("span", { class: "vp-page" }, title, url);
}

export function renderClock() {
  const el = $("visitor-time");
  if (!el || !el.dataset.tz) return;
  const t = localTime(el.dataset.tz);
  el.textContent = "";
  if (!t) { el.textContent = el.dataset.tz; return; }
  el.append(h("span", { class: "vp-clock" }, t.time), h("span", { class: "vp-tz" }, ` ${[t.day, t.offset].filter(Boolean).join(" ")}`));
  if (t.place) el.append(h("span", { class: "vp-place" }, t.place));
  el.title = el.dataset.tz;
}

function historyItem(c, onToggle) {
  const open = expanded.has(c.id);
  const agent = c.agent ? c.agent.name : "No agent";
  const first = (c.messages || []).find((m) => m.author?.kind === "visitor");
  const status = c.status === "closed" ? (c.outcome === "follow_up" ? "Follow-up" : c.outcome === "abandoned" ? "Abandoned" : "Closed")
    : c.status === "offline" ? "Left a message" : "Open";
  const head = h("button", { type: "button", class: "vh-head", "aria-expanded": String(open), "data-testid": "history-toggle",
    onclick: () => { if (open) expanded.delete(c.id); else expanded.add(c.id); onToggle(); } },
  h("span", { class: "vh-line" }, h("span", { class: "vh-date" }, `${dayLabel(c.created_at)} · ${agent}`),
    c.rating ? h("span", { class: "vh-rating", title: c.rating.comment || "Visitor rating" }, ratingLabel(c.rating)) : null),
  h("span", { class: "vh-preview" }, first ? first.text : "—"),
  h("span", { class: "vh-status" }, status));
  const li = h("li", { class: `vh-item${open ? " is-open" : ""}`, "data-testid": "history-item", "data-conversation-id": c.id }, head);
  if (open) {
    li.appendChild(miniTranscript(c));
    if (c.rating?.comment) li.appendChild(h("p", { class: "vh-comment" }, `“${c.rating.comment}”`));
  }
  return li;
}

export function renderVisitor(conv, onChange) {
  const v = conv.visitor || {};
  const root = $("visitor-body");
  root.textContent = "";
  const head = h("div", { class: "vp-head" }, avatar(visitorName(conv), conv.id, "avatar-lg"),
    h("div", { class: "vp-id" }, h("div", { class: "vp-name", "data-testid": "visitor-name" }, v.name || "Visitor"),
      v.email ? h("a", { class: "vp-email", href: `mailto:${v.email}`, "data-testid": "visitor-email" }, v.email)
        : h("span", { class: "vp-email muted", "data-testid": "visitor-email" }, "No email given")));
  const time = h("span", { id: "visitor-time", "data-testid": "visitor-local-time", "data-tz": v.timezone || "" }, v.timezone ? "" : "Unknown");
  const facts = h("dl", { class: "vp-facts" },
    ...fact("Local time", time, "visitor-local-time-row"),
    ...fact("Page", pageValue(v), "visitor-page", "break"),
    ...fact("Browser", summariseUserAgent(v.user_agent) || "—", "visitor-browser"),
    ...(conv.department ? fact("Department", conv.department, "visitor-department") : []),
    ...(conv.language ? fact("Language", conv.language.toUpperCase(), "visitor-language") : []),
    ...fact("Started", fmtDateTime(conv.created_at), "visitor-started"));
  root.append(head, facts);
  root.appendChild(historySection(conv, onChange));
  root.appendChild(h("p", { class: "vp-conv mono", title: "Conversation id" }, conv.id));
  renderClock();
}

function historySection(conv, onChange) {
  const section = h("section", { class: "vp-history", "aria-label": "Earlier conversations" });
  const items = conv.history || [];
  section.appendChild(h("h4", {}, "Earlier conversations", items.length ? h("span", { class: "count" }, String(items.length)) : null));
  if (!conv.detailLoaded) section.appendChild(h("p", { class: "muted small" }, "Loading…"));
  else if (!items.length) section.appendChild(h("p", { class: "muted small", "data-testid": "history-empty" }, "First conversation with this visitor."));
  else section.appendChild(h("ul", { class: "vh-list", "data-testid": "history-list" }, items.map((c) => historyItem(c, onChange))));
  return section;
}

export function showVisitor(on) {
  show($("visitor"), on);
}

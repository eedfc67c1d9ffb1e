// Live supervision: GET /api/supervision for the picture, the /manage socket's manager events
// (queue:changed, agents:changed, queue:sla) to know when to ask again, and a one-second tick so
// waiting times count up between updates.
import { api, el, clear, seconds } from "./common.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 15000; // safety net for changes made by other server processes
let data = null;
let fetchedAt = 0; // browser time of the snapshot, so waits tick from it
let loading = null;
let again = false;

const since = () => (Date.now() - fetchedAt) / 1000;
const waited = (w) => w.waited_s + since();

function watchLink(conversationId, label = "Watch") {
  return el("a", { className: "m-action", href: `/console?watch=${encodeURIComponent(conversationId)}`, target: "_blank",
    rel: "noopener", text: label, dataset: { testid: "watch-link" } });
}

function waitingRow(w) {
  const state = w.sla_breached ? el("span", { className: "pill pill-bad", text: "Over the limit" })
    : w.offered_to ? el("span", { className: "pill pill-info", text: "Ringing" })
      : el("span", { className: "pill", text: "In line" });
  return el("tr", { className: w.sla_breached ? "is-breached" : "", dataset: { conversationId: w.conversation_id, testid: "waiting-row" } },
    el("td", { className: "name", text: w.visitor_name || "Visitor" }),
    el("td", { text: w.department || "—" }),
    el("td", { text: (w.language || "—").toUpperCase() }),
    el("td", { className: "num wait", dataset: { waitedS: String(w.waited_s), testid: "waited" }, text: seconds(waited(w)) }),
    el("td", {}, state),
    el("td", { className: "num" }, watchLink(w.conversation_id, "Open")));
}

function agentRow(a) {
  const share = a.capacity ? Math.min(1, a.load / a.capacity) : 0;
  const fill = el("div", { className: share >= 1 ? "load-fill full" : "load-fill" });
  fill.style.width = `${Math.round(share * 100)}%`;
  return el("tr", { dataset: { agentId: a.id, testid: "agent-row" } },
    el("td", { className: "name" }, a.name, a.role === "manager" ? el("span", { className: "m-tag", text: "manager" }) : null),
    el("td", {}, el("span", { className: `status ${a.status}`, text: a.status })),
    el("td", {}, el("div", { className: "load" }, el("div", { className: "load-bar" }, fill),
      el("span", { className: "load-text", text: `${a.load}/${a.capacity}` }))),
    el("td", { className: "m-muted", text: a.departments.length ? a.departments.join(", ") : "All" }));
}

function activeRow(c) {
  const last = c.last_author === "visitor" ? el("span", { className: "pill pill-warn", text: "Visitor waiting" })
    : c.last_author === "agent" ? el("span", { className: "pill", text: "Agent replied" }) : el("span", { className: "m-muted", text: "—" });
  return el("tr", { dataset: { conversationId: c.conversation_id, testid: "active-row" } },
    el("td", { className: "name", text: c.visitor_name || "Visitor" }),
    el("td", { text: c.agent?.name || "—" }),
    el("td", { className: "num since", dataset: { since: c.assigned_at || c.started_at } }),
    el("td", {}, last),
    el("td", { className: "num" }, watchLink(c.conversation_id)));
}

function empty(cols, text) {
  return el("tr", { className: "empty-row" }, el("td", { colSpan: cols, text }));
}

function render() {
  const waitingRows = clear($("waiting"));
  if (!data.waiting.length) waitingRows.append(empty(6, "Nobody is waiting."));
  for (const w of data.waiting) waitingRows.append(waitingRow(w));
  const agentRows = clear($("agents"));
  if (!data.agents.length) agentRows.append(empty(4, "No accounts yet."));
  for (const a of data.agents) agentRows.append(agentRow(a));
  const activeRows = clear($("active"));
  if (!data.active.length) activeRows.append(empty(5, "No chats in progress."));
  for (const c of data.active) activeRows.append(activeRow(c));
  const online = data.agents.filter((a) => a.status === "online");
  $("t-waiting").textContent = String(data.waiting.length);
  $("t-sla").textContent = String(data.waiting.filter((w) => w.sla_breached).length);
  $("t-online").textContent = String(online.length);
  const free = online.reduce((n, a) => n + Math.max(0, a.capacity - a.load), 0);
  $("t-capacity").textContent = online.length ? `${free} free slot${free === 1 ? "" : "s"}` : "Nobody is taking chats";
  $("t-active").textContent = String(data.active.length);
  $("tile-waiting").classList.toggle("is-warn", data.waiting.length > 0);
  $("tile-sla").classList.toggle("is-alert", data.waiting.some((w) => w.sla_breached));
  $("updated").textContent = `Updated ${new Date().toLocaleTimeString("en-GB")}`;
  document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  tick();
}

function tick() {
  if (!data) return;
  const longest = data.waiting.reduce((m, w) => Math.max(m, waited(w)), 0);
  $("t-longest").textContent = data.waiting.length ? seconds(longest) : "0s";
  $("tile-longest").classList.toggle("is-warn", longest >= 60);
  for (const cell of document.querySelectorAll("#waiting td.wait")) cell.textContent = seconds(Number(cell.dataset.waitedS) + since());
  for (const cell of document.querySelectorAll("#active td.since")) {
    const start = Date.parse(cell.dataset.since);
    cell.textContent = Number.isNaN(start) ? "—" : seconds(Math.max(0, (Date.now() - start) / 1000));
  }
}

// One request at a time; events that arrive meanwhile cause exactly one more.
async function refresh() {
  if (loading) { again = true; return; }
  loading = (async () => {
    try {
      data = await api("/api/supervision");
      fetchedAt = Date.now();
      render();
    } catch (error) {
      notice(error.message);
    }
  })();
  await loading;
  loading = null;
  if (again) { again = false; refresh(); }
}

let noticeTimer = null;
function notice(text, link) {
  const box = $("notice");
  box.textContent = text;
  if (link) box.append(" ", el("a", { href: link.href, text: link.label }));
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, 15000);
}

function live(state, text) {
  $("live").dataset.state = state;
  $("live").textContent = text;
}

function connect() {
  // /manage, not /agent: this page is not a console, so it never makes its manager "online".
  const socket = window.io("/manage", { transports: ["websocket"], withCredentials: true });
  socket.on("connect", () => { live("live", "Live"); refresh(); });
  socket.on("disconnect", () => live("down", "Reconnecting…"));
  socket.on("connect_error", (error) => {
    if (error && (error.message === "unauthorized" || error.message === "forbidden")) window.location.href = "/console";
    live("down", "Reconnecting…");
  });
  for (const name of ["queue:changed", "agents:changed", "queue:sla", "chat:offer", "chat:rated"]) socket.on(name, refresh);
}

connect();
setInterval(tick, 1000);
setInterval(refresh, REFRESH_MS);

// The live dashboard: one socket to /manage; every `dashboard:update` replaces the view, and the
// longest wait ticks locally from when the oldest waiting chat started.
import { el, clear, seconds, number } from "./common.js";

const $ = (id) => document.getElementById(id);
let latest = null;
let clockOffsetMs = 0; // server time - browser time, so the ticking wait matches the server

function longestWait() {
  if (!latest || !latest.oldest_waiting_since) return 0;
  return Math.max(0, (Date.now() + clockOffsetMs - Date.parse(latest.oldest_waiting_since)) / 1000);
}

function tick() {
  const wait = longestWait();
  $("longest").textContent = latest ? (latest.waiting ? seconds(wait) : "0s") : "–";
  const tile = $("tile-wait");
  tile.classList.toggle("is-warn", wait >= 60 && wait < 180);
  tile.classList.toggle("is-alert", wait >= 180);
}

function agentRow(agent) {
  const share = agent.capacity ? Math.min(1, agent.load / agent.capacity) : 0;
  const fill = el("div", { className: share >= 1 ? "load-fill full" : "load-fill" });
  fill.style.width = `${Math.round(share * 100)}%`;
  return el("tr", { dataset: { id: agent.id } },
    el("td", { className: "name", text: agent.name }),
    el("td", {}, el("span", { className: `status ${agent.status}`, text: agent.status })),
    el("td", { className: "num", text: `${agent.load} / ${agent.capacity}` }),
    el("td", {}, el("div", { className: "load" }, el("div", { className: "load-bar" }, fill))));
}

function render(data) {
  latest = data;
  clockOffsetMs = Date.parse(data.generated_at) - Date.now();
  $("waiting").textContent = number(data.waiting);
  $("tile-waiting").classList.toggle("is-warn", data.waiting > 0);
  $("online").textContent = number(data.agents_online);
  $("offline").textContent = number(data.offline_messages);
  $("today-chats").textContent = number(data.today.chats);
  $("today-sub").textContent = `${number(data.today.active)} active · ${number(data.today.closed)} closed`;
  $("today-rating").textContent = data.today.rating_average === null ? "—" : number(data.today.rating_average, 2);
  $("rating-sub").textContent = `out of 5 · ${number(data.today.ratings)} ratings`;
  const rows = clear($("agents"));
  if (!data.agents.length) rows.append(el("tr", { className: "empty-row" }, el("td", { colSpan: 4, text: "No agents online." })));
  for (const agent of data.agents) rows.append(agentRow(agent));
  $("updated").textContent = `Updated ${new Date().toLocaleTimeString("en-GB")}`;
  document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  tick();
}

function live(state, text) {
  $("live").dataset.state = state;
  $("live").textContent = text;
}

function connect() {
  const socket = window.io("/manage", { transports: ["websocket"], withCredentials: true });
  socket.on("connect", () => live("live", "Live"));
  socket.on("disconnect", () => live("down", "Reconnecting…"));
  socket.on("connect_error", (error) => {
    if (error && error.message === "unauthorized") window.location.href = "/console";
    live("down", "Reconnecting…");
  });
  socket.on("dashboard:update", render);
}

connect();
setInterval(tick, 1000);

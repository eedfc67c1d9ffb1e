// Team accounts: list, add, edit (role, capacity, departments, languages), disable and re-enable,
// reset a password. Talks to /api/admin/agents; /api/agents adds who is online and their load.
import { api, el, clear } from "./common.js";

const $ = (id) => document.getElementById(id);
const me = document.body.dataset.agentId;
let accounts = [];
let live = new Map(); // id -> {online, load, capacity}
let editing = null; // the account the agent dialog edits (null: adding)

const tags = (value) => value.split(",").map((s) => s.trim()).filter(Boolean);

function setError(id, text) {
  $(id).textContent = text || "";
  $(id).hidden = !text;
}

let noticeTimer = null;
function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { $("notice").hidden = true; }, 6000);
}

async function load() {
  const [all, team] = await Promise.all([api("/api/admin/agents"), api("/api/agents").catch(() => ({ items: [] }))]);
  accounts = all.items.sort((a, b) => (a.disabled - b.disabled) || a.name.localeCompare(b.name));
  live = new Map(team.items.map((a) => [a.id, a]));
  render();
}

function tagCell(values, none) {
  return el("td", {}, values.length ? el("div", { className: "tags" }, ...values.map((v) => el("span", { className: "pill", text: v })))
    : el("span", { className: "m-muted", text: none }));
}

function row(a) {
  const self = a.id === me;
  const state = live.get(a.id);
  const status = a.disabled ? el("span", { className: "pill pill-bad", text: "Disabled" })
    : state && state.online ? el("span", { className: "pill pill-ok", text: `Online · ${state.load}/${state.capacity}` })
      : el("span", { className: "pill", text: "Active" });
  const actions = el("div", { className: "actions" },
    el("button", { type: "button", className: "btn btn-ghost btn-sm", text: "Edit", onclick: () => openEdit(a), dataset: { testid: "edit-agent" } }),
    el("button", { type: "button", className: "btn btn-ghost btn-sm", text: "Reset password", onclick: () => openPassword(a),
      dataset: { testid: "reset-password" } }),
    self ? null : a.disabled
      ? el("button", { type: "button", className: "btn btn-ghost btn-sm", text: "Re-enable", onclick: () => setDisabled(a, false),
        dataset: { testid: "enable-agent" } })
      : el("button", { type: "button", className: "btn btn-danger-ghost btn-sm", text: "Disable", onclick: () => confirmDisable(a),
        dataset: { testid: "disable-agent" } }));
  return el("tr", { className: a.disabled ? "is-disabled" : "", dataset: { agentId: a.id, email: a.email, testid: "account-row" } },
    el("td", { className: "name" }, a.name, self ? el("span", { className: "m-tag", text: "you" }) : null,
      el("span", { className: "m-sub-line", text: a.email })),
    el("td", {}, el("span", { className: a.role === "manager" ? "pill pill-info" : "pill", text: a.role === "manager" ? "Manager" : "Agent",
      dataset: { testid: "role" } })),
    el("td", { className: "num", dataset: { testid: "capacity" } }, a.capacity ? String(a.capacity)
      : el("span", { className: "m-muted", text: state ? `${state.capacity} (default)` : "Default" })),
    tagCell(a.departments, "All"),
    tagCell(a.languages, "Any"),
    el("td", { dataset: { testid: "account-status" } }, status),
    el("td", {}, actions));
}

function render() {
  const body = clear($("accounts"));
  for (const a of accounts) body.append(row(a));
}

// ---- add / edit ----
function openAdd() {
  editing = null;
  const form = $("agent-form");
  form.reset();
  $("agent-dialog-title").textContent = "Add agent";
  $("agent-save").textContent = "Add agent";
  form.elements.email.readOnly = false;
  $("password-field").hidden = false;
  form.elements.role.disabled = false;
  setError("agent-error", null);
  $("agent-dialog").showModal();
  form.elements.name.focus();
}

function openEdit(a) {
  editing = a;
  const form = $("agent-form");
  form.reset();
  $("agent-dialog-title").textContent = `Edit ${a.name}`;
  $("agent-save").textContent = "Save";
  form.elements.name.value = a.name;
  form.elements.email.value = a.email;
  form.elements.email.readOnly = true;
  $("password-field").hidden = true;
  form.elements.role.value = a.role;
  form.elements.role.disabled = a.id === me; // you cannot drop your own manager role
  form.elements.capacity.value = a.capacity || "";
  form.elements.departments.value = a.departments.join(", ");
  form.elements.languages.value = a.languages.join(", ");
  setError("agent-error", null);
  $("agent-dialog").showModal();
  form.elements.name.focus();
}

async function saveAgent(event) {
  event.preventDefault();
  const f = $("agent-form").elements;
  const fields = {
    name: f.name.value.trim(), capacity: f.capacity.value ? Number(f.capacity.value) : null,
    departments: tags(f.departments.value), languages: tags(f.languages.value),
  };
  if (!f.role.disabled) fields.role = f.role.value;
  try {
    if (editing) {
      await api(`/api/admin/agents/${encodeURIComponent(editing.id)}`, { method: "PATCH", body: JSON.stringify(fields) });
      notice(`Saved ${fields.name}.`);
    } else {
      if (fields.capacity === null) delete fields.capacity;
      await api("/api/admin/agents", { method: "POST", body: JSON.stringify({ ...fields, email: f.email.value.trim(), password: f.password.value }) });
      notice(`${fields.name} can now sign in at /console.`);
    }
    $("agent-dialog").close();
    await load();
  } catch (error) {
    setError("agent-error", error.message);
  }
}

// ---- password ----
let resetting = null;
function openPassword(a) {
  resetting = a;
  $("password-form").reset();
  $("password-title").textContent = `Reset ${a.name}'s password`;
  setError("password-error", null);
  $("password-dialog").showModal();
}

async function savePassword(event) {
  event.preventDefault();
  try {
    await api(`/api/admin/agents/${encodeURIComponent(resetting.id)}/password`, {
      method: "POST", body: JSON.stringify({ password: $("password-form").elements.password.value }) });
    $("password-dialog").close();
    notice(`${resetting.name}'s password was changed; their sessions were ended.`);
  } catch (error) {
    setError("password-error", error.message);
  }
}

// ---- disable / enable ----
let disabling = null;
function confirmDisable(a) {
  disabling = a;
  $("confirm-title").textContent = `Disable ${a.name}?`;
  $("confirm-text").textContent = "They are signed out at once and cannot sign in; their open chats go back to the queue when their console closes. You can re-enable the account later.";
  $("confirm-dialog").showModal();
}

async function setDisabled(a, disabled) {
  try {
    await api(`/api/admin/agents/${encodeURIComponent(a.id)}`, { method: "PATCH", body: JSON.stringify({ disabled }) });
    notice(disabled ? `${a.name} is disabled.` : `${a.name} can sign in again.`);
    await load();
  } catch (error) {
    notice(error.message);
  }
}

$("add-agent").addEventListener("click", openAdd);
$("agent-form").addEventListener("submit", saveAgent);
$("password-form").addEventListener("submit", savePassword);
$("confirm-form").addEventListener("submit", (e) => { e.preventDefault(); $("confirm-dialog").close(); setDisabled(disabling, true); });
for (const dialog of document.querySelectorAll("dialog")) {
  dialog.querySelectorAll("[data-dismiss]").forEach((b) => b.addEventListener("click", () => dialog.close()));
}
load().catch((error) => notice(error.message));

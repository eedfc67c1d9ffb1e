// The reply editor of /manage/canned: fields, live preview with sample values, placeholder help,
// save (with the version it started from, so a concurrent edit is reported, not overwritten),
// two-step delete, usage, and the history view with diffs and one-click revert.
import { $, h, fmtDateTime } from "./dom.js";
import { api } from "./canned-api.js";
import { fill } from "./placeholders.js";
import { categoryLabel } from "./canned-picker-view.js";
import { renderHistory } from "./manage-history.js";

const PLACEHOLDER = /\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}/g;

export function createEditor({ meta, me, notice, defaultLanguage, onChange }) {
  const form = $("editor-form");
  const f = form.elements;
  const known = new Set(meta.placeholders.map((p) => p.name));
  const sample = { "visitor.name": "Maria", "visitor.email": "maria@example.com", "agent.name": me.name };
  let current = null;
  let deleteArmed = null;

  for (const c of meta.categories) f.category.appendChild(h("option", { value: c }, categoryLabel(c)));
  for (const d of meta.departments || []) f.department.appendChild(h("option", { value: d.key }, d.name));
  $("placeholder-chips").replaceChildren(
    h("span", { class: "m-muted" }, "Placeholders:"),
    ...meta.placeholders.map((p) => h("button", {
      type: "button", class: "m-chip", title: p.description, "data-testid": "placeholder-chip",
      onclick: () => insertPlaceholder(p.name),
    }, `{${p.name}}`)),
  );

  function insertPlaceholder(name) {
    const t = f.text;
    const token = `{${name}}`;
    const [a, b] = [t.selectionStart, t.selectionEnd];
    t.value = t.value.slice(0, a) + token + t.value.slice(b);
    t.focus();
    t.setSelectionRange(a + token.length, a + token.length);
    preview();
  }

  function preview() {
    const text = f.text.value;
    const unknown = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((n) => !known.has(n)))];
    const box = $("editor-preview");
    box.replaceChildren(h("div", { class: "m-preview-text" }, fill(text, sample, meta.placeholders, f.language.value.trim() || "en")));
    if (unknown.length) {
      box.appendChild(h("p", { class: "m-warn", "data-testid": "edit-unknown" },
        `Unknown placeholder ${unknown.map((n) => `{${n}}`).join(", ")}: saving will be refused.`));
    }
    $("department-field").hidden = f.scope.value !== "department";
  }

  function showError(err) {
    const e = $("editor-error");
    e.textContent = err ? err.message : "";
    e.hidden = !err;
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    if (err && err.field && f[err.field]) {
      f[err.field].setAttribute("aria-invalid", "true");
      f[err.field].focus();
    }
  }

  function setValues(item) {
    f.title.value = item ? item.title : "";
    f.shortcut.value = item ? item.shortcut : "";
    f.language.value = item ? item.language : defaultLanguage();
    f.category.value = item ? item.category : "greeting";
    f.scope.value = item ? item.scope : "global";
    f.department.value = item && item.department ? item.department : (meta.departments[0] || {}).key || "";
    f.text.value = item ? item.text : "";
  }

  function open(item) {
    current = item;
    disarmDelete();
    setValues(item);
    showError(null);
    $("editor").hidden = false;
    $("history").hidden = true;
    $("editor-title").textContent = item ? item.title : "New reply";
    $("editor-version").textContent = item ? `v${item.version} · updated ${fmtDateTime(item.updated_at)}` : "";
    $("editor-delete").hidden = !item;
    $("editor-history").hidden = !item;
    $("editor-usage").hidden = !item;
    if (item) loadUsage(item);
    preview();
    f.title.focus();
  }

  async function loadUsage(item) {
    const box = $("editor-usage");
    box.replaceChildren(h("span", { class: "m-muted" }, "Loading usage…"));
    try {
      const data = await api("GET", `/api/canned-responses/${item.id}/usage`);
      const it = data.item;
      const parts = it.usage_count
        ? [`Used ${it.usage_count} time${it.usage_count === 1 ? "" : "s"}`, `last ${fmtDateTime(it.last_used_at)}`,
           it.average_rating == null ? "no rated chats yet" : `average rating ${it.average_rating.toFixed(2)} ★ over ${it.rated_chats} rated chat${it.rated_chats === 1 ? "" : "s"}`]
        : ["Never used yet"];
      box.replaceChildren(h("strong", {}, parts.join(" · ")));
      if (data.by_agent.length) {
        box.appendChild(h("div", { class: "m-muted" }, "By: " + data.by_agent.map((u) => `${u.agent.name || "?"} (${u.count})`).join(", ")));
      }
    } catch (err) {
      box.replaceChildren(h("span", { class: "m-muted" }, err.message));
    }
  }

  function payload() {
    const body = {
      title: f.title.value, shortcut: f.shortcut.value, language: f.language.value, category: f.category.value,
      scope: f.scope.value, text: f.text.value,
    };
    if (body.scope === "department") body.department = f.department.value;
    if (current) body.version = current.version;
    return body;
  }

  async function save(e) {
    e.preventDefault();
    const button = form.querySelector('[type="submit"]');
    button.disabled = true;
    try {
      const data = current
        ? await api("PUT", `/api/canned-responses/${current.id}`, payload())
        : await api("POST", "/api/canned-responses", payload());
      notice(current ? "Saved. Open consoles have the new text already." : "Reply added.", "ok");
      open(data.item);
      onChange(data.item);
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  }

  function disarmDelete() {
    clearTimeout(deleteArmed);
    deleteArmed = null;
    $("editor-delete").textContent = "Delete";
  }

  async function remove() {
    if (!current) return;
    if (!deleteArmed) {
      $("editor-delete").textContent = "Click again to delete";
      deleteArmed = setTimeout(disarmDelete, 4000);
      return;
    }
    disarmDelete();
    try {
      await api("DELETE", `/api/canned-responses/${current.id}`);
      notice(`Deleted /${current.shortcut}. Its history keeps every version; revert restores it.`, "ok");
      close();
      onChange(null);
    } catch (err) {
      showError(err);
    }
  }

  function close() {
    current = null;
    $("editor").hidden = true;
  }

  async function history() {
    const section = $("history");
    if (!current) return;
    section.hidden = false;
    section.replaceChildren(h("p", { class: "m-muted" }, "Loading history…"));
    try {
      const data = await api("GET", `/api/canned-responses/${current.id}/history`);
      renderHistory(section, data.versions, current.version, revert);
      section.scrollIntoView({ block: "nearest" });
    } catch (err) {
      section.replaceChildren(h("p", { class: "m-warn" }, err.message));
    }
  }

  async function revert(version) {
    try {
      const data = await api("POST", `/api/canned-responses/${current.id}/revert`, { version });
      notice(`Reverted to version ${version} (saved as version ${data.item.version}).`, "ok");
      open(data.item);
      onChange(data.item);
      history();
    } catch (err) {
      notice(err.message, "error");
    }
  }

  form.addEventListener("submit", save);
  form.addEventListener("input", preview);
  form.addEventListener("change", preview);
  $("editor-cancel").addEventListener("click", () => { close(); onChange(null); });
  $("editor-delete").addEventListener("click", remove);
  $("editor-history").addEventListener("click", history);
  return { open, openNew: () => open(null), close };
}

// The assistant's rule sets on /manage/canned: list per language, add / edit / delete, and a box to try
// a reply against the rules (POST /api/assistant/check, the same matcher the console uses).
import { $, h } from "./dom.js";
import { api, query } from "./canned-api.js";

export function mountRules({ meta, notice }) {
  const select = $("r-language");
  const form = $("rule-form");
  const f = form.elements;
  let rules = [];
  let editing = null;
  let armed = null;

  for (const l of meta.languages) select.appendChild(h("option", { value: l }, l.toUpperCase()));
  select.value = meta.default_language;

  async function load() {
    try {
      rules = (await api("GET", `/api/assistant/rules${query({ language: select.value })}`)).rules || [];
      render();
      test();
    } catch (err) {
      notice(err.message, "error");
    }
  }

  function render() {
    $("rule-rows").replaceChildren(...rules.map((r) => h("tr", { "data-testid": "rule-row", "data-id": r.id, "data-phrase": r.phrase },
      h("td", { class: "m-phrase" }, r.phrase),
      h("td", {}, r.reframe),
      h("td", { class: "m-muted" }, r.note || ""),
      h("td", { class: "m-row-actions" },
        h("button", { type: "button", class: "btn btn-ghost btn-sm", onclick: () => edit(r) }, "Edit"),
        h("button", { type: "button", class: "btn btn-danger-ghost btn-sm", "data-testid": "rule-delete", onclick: (e) => remove(r, e.currentTarget) }, "Delete")))));
    if (!rules.length) $("rule-rows").appendChild(h("tr", {}, h("td", { colspan: "4", class: "m-muted" }, "No rules for this language yet.")));
  }

  function edit(rule) {
    editing = rule;
    f.phrase.value = rule ? rule.phrase : "";
    f.reframe.value = rule ? rule.reframe : "";
    f.note.value = rule && rule.note ? rule.note : "";
    $("rule-form-title").textContent = rule ? `Edit “${rule.phrase}”` : "Add a rule";
    form.querySelector('[type="submit"]').textContent = rule ? "Save rule" : "Add rule";
    $("rule-cancel").hidden = !rule;
    showError(null);
    if (rule) f.phrase.focus();
  }

  function showError(err) {
    $("rule-error").textContent = err ? err.message : "";
    $("rule-error").hidden = !err;
  }

  async function save(e) {
    e.preventDefault();
    const body = { language: select.value, phrase: f.phrase.value, reframe: f.reframe.value, note: f.note.value || null };
    try {
      if (editing) await api("PUT", `/api/assistant/rules/${editing.id}`, body);
      else await api("POST", "/api/assistant/rules", body);
      notice(editing ? "Rule saved." : "Rule added. Agents' consoles pick it up right away.", "ok");
      edit(null);
      load();
    } catch (err) {
      showError(err);
    }
  }

  async function remove(rule, button) {
    if (armed !== rule.id) {
      armed = rule.id;
      button.textContent = "Click again";
      setTimeout(() => { if (armed === rule.id) { armed = null; button.textContent = "Delete"; } }, 4000);
      return;
    }
    armed = null;
    try {
      await api("DELETE", `/api/assistant/rules/${rule.id}`);
      if (editing && editing.id === rule.id) edit(null);
      load();
    } catch (err) {
      notice(err.message, "error");
    }
  }

  let testTimer = null;
  async function test() {
    const text = $("rule-test").value;
    const out = $("rule-test-results");
    if (!text.trim()) return out.replaceChildren();
    try {
      const data = await api("POST", "/api/assistant/check", { text, language: select.value });
      out.replaceChildren(...(data.suggestions.length ? data.suggestions.map((s) => h("li", {},
        h("del", {}, s.phrase), " → ", h("ins", {}, s.reframe))) : [h("li", { class: "m-muted" }, "Nothing to suggest: this reads positively.")]));
    } catch (err) {
      out.replaceChildren(h("li", { class: "m-warn" }, err.message));
    }
  }

  select.addEventListener("change", () => { edit(null); load(); });
  form.addEventListener("submit", save);
  $("rule-cancel").addEventListener("click", () => edit(null));
  $("rule-test").addEventListener("input", () => { clearTimeout(testTimer); testTimer = setTimeout(test, 250); });
  load();
}

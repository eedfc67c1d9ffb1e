// History of one reply: newest first, who changed what and when, a word-level diff of the text, and
// "Revert to this version" on every older version.
import { h, fmtDateTime } from "./dom.js";

const ACTIONS = { create: "Created", update: "Edited", delete: "Deleted", revert: "Reverted", import: "Imported", seed: "Starter library" };
const FIELD_LABELS = { shortcut: "Shortcut", title: "Title", category: "Category", language: "Language", scope: "Scope", department: "Department", owner_id: "Owner" };

function diffView(ops) {
  return h("div", { class: "m-diff", "data-testid": "history-diff" }, ops.map((op) => {
    if (op.op === "insert") return h("ins", {}, op.text);
    if (op.op === "delete") return h("del", {}, op.text);
    return document.createTextNode(op.text);
  }));
}

function entry(v, currentVersion, onRevert) {
  const who = v.changed_by ? v.changed_by.name : "System";
  const title = `${ACTIONS[v.action] || v.action}${v.reverted_from ? ` to version ${v.reverted_from}` : ""}`;
  const fields = v.changes.fields.map((c) => h("li", {},
    h("span", { class: "m-muted" }, `${FIELD_LABELS[c.field] || c.field}: `),
    h("del", {}, c.before == null ? "—" : String(c.before)), " → ", h("ins", {}, c.after == null ? "—" : String(c.after))));
  const isCurrent = v.version === currentVersion;
  return h("li", { class: `m-version-entry${isCurrent ? " is-current" : ""}`, "data-testid": "history-entry", "data-version": v.version },
    h("div", { class: "m-version-head" },
      h("strong", {}, `v${v.version}`), h("span", {}, title), h("span", { class: "m-muted" }, `${who} · ${fmtDateTime(v.changed_at)}`),
      isCurrent && v.action !== "delete"
        ? h("span", { class: "m-badge" }, "current")
        : h("button", { type: "button", class: "btn btn-ghost btn-sm", "data-testid": "history-revert", onclick: () => onRevert(v.version) },
          "Revert to this version")),
    fields.length ? h("ul", { class: "m-field-changes" }, fields) : null,
    v.changes.text.length ? diffView(v.changes.text) : null);
}

export function renderHistory(section, versions, currentVersion, onRevert) {
  const items = [...versions].reverse().map((v) => entry(v, currentVersion, onRevert));
  section.replaceChildren(h("h3", {}, "History"), h("ol", { class: "m-versions" }, items));
}

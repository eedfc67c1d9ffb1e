// Import of a library file (JSON or CSV) on /manage/canned. The server validates the whole file first
// and changes nothing if any row is wrong; every problem is listed. Export is two plain download links.
import { $ } from "./dom.js";
import { api, query } from "./canned-api.js";

export function mountImport({ notice, onImported }) {
  const input = $("import-file");
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    input.value = ""; // choosing the same file again fires `change` again
    if (!file) return;
    const isCsv = /\.csv$/i.test(file.name) || file.type === "text/csv";
    const format = isCsv ? "csv" : "json";
    const mode = $("import-mode").value;
    try {
      const body = await file.arrayBuffer();
      const data = await api("POST", `/api/canned-responses/import${query({ format, mode })}`, undefined, {
        raw: body, contentType: isCsv ? "text/csv" : "application/json",
      });
      const r = data.result;
      notice(`Imported ${file.name}: ${r.created} added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.deleted} deleted.`, "ok");
      onImported();
    } catch (err) {
      const details = (err.details || []).map((d) => `Row ${d.row}${d.field ? ` (${d.field})` : ""}: ${d.message}`);
      notice(`${file.name} was not imported. ${err.message}`, "error", details);
    }
  });
}

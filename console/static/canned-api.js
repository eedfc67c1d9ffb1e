// JSON calls to the canned-reply and assistant APIs (docs/api.md) with the console's session cookie.
// Errors become ApiError carrying the server's {code, message} (and `errors` for a rejected import).

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `Request failed (HTTP ${status}).`);
    this.status = status;
    this.code = e.code || "http_error";
    this.field = e.field || null;
    this.details = e.errors || null;
  }
}

export async function api(method, path, body, { raw = null, contentType = null } = {}) {
  const headers = { Accept: "application/json" };
  let payload;
  if (raw != null) {
    payload = raw;
    headers["Content-Type"] = contentType || "application/octet-stream";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { error: { code: "network", message: "Can't reach the server. Check your connection and try again." } });
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const query = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "" && v !== false) q.set(k, v === true ? "1" : v);
  const s = q.toString();
  return s ? `?${s}` : "";
};

// Load a stylesheet once (the console and manager templates stay untouched; CSP allows 'self' sheets).
export function useStylesheet(href) {
  if (document.querySelector(`link[data-sheet="${href}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.sheet = href;
  document.head.appendChild(link);
}

// Languages, categories and the placeholder registry; fetched once per page.
let metaPromise = null;
export function getMeta() {
  if (!metaPromise) {
    metaPromise = api("GET", "/api/canned-responses/meta").catch((err) => { metaPromise = null; throw err; });
  }
  return metaPromise;
}

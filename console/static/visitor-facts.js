// Facts about the visitor, summarised for people: "Chrome 124 on Windows", "14:05 (Europe/Bratislava, UTC+2)".
// Pure functions (no DOM), so they are easy to test in a page.

const BROWSERS = [
  // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
  [/Edg(?:e|A|iOS)?\/(\d+)/, "Edge"],
  [/(?:OPR|Opera)\/(\d+)/, "Opera"],
  [/SamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/YaBrowser\/(\d+)/, "Yandex Browser"],
  [/(?:Firefox|FxiOS)\/(\d+)/, "Firefox"],
  [/(?:Chrome|CriOS)\/(\d+)/, "Chrome"],
  [/Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, "Safari"],
];

const SYSTEMS = [
  [/Windows NT 10/, "Windows"],
  [/Windows NT 6\.3/, "Windows 8.1"],
  [/Windows NT 6\.1/, "Windows 7"],
  [/Windows/, "Windows"],
  [/iPhone|iPod/, "iPhone"],
  [/iPad/, "iPad"],
  [/Android (\d+)/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

// "Chrome 124 on Windows"; "" when there is nothing to say.
export function summariseUserAgent(ua) {
  if (!ua || typeof ua !== "string") return "";
  let browser = "";
  for (const [re, name] of BROWSERS) {
    const m = ua.match(re);
    if (m) { browser = `${name} ${m[1]}`; break; }
  }
  let system = "";
  for (const [re, name] of SYSTEMS) {
    const m = ua.match(re);
    if (m) { system = name === "Android" && m[1] ? `Android ${m[1]}` : name; break; }
  }
  if (/HeadlessChrome/.test(ua)) browser = browser.replace("Chrome", "Headless Chrome");
  if (browser && system) return `${browser} on ${system}`;
  return browser || system || ua.slice(0, 60);
}

export function isMobile(ua) {
  return typeof ua === "string" && /Mobi|iPhone|iPad|Android/.test(ua);
}

// The visitor's wall clock now: {time: "14:05", offset: "UTC+2", day: "Tue", place: "Bratislava"}; null for an unknown zone.
export function localTime(timeZone, now = new Date()) {
  if (!timeZone) return null;
  try {
    const time = new Intl.DateTimeFormat([], { timeZone, hour: "2-digit", minute: "2-digit" }).format(now);
    const day = new Intl.DateTimeFormat("en", { timeZone, weekday: "short" }).format(now);
    const myDay = new Intl.DateTimeFormat("en", { weekday: "short" }).format(now);
    const parts = new Intl.DateTimeFormat("en", { timeZone, timeZoneName: "shortOffset" }).formatToParts(now);
    const offset = (parts.find((p) => p.type === "timeZoneName") || {}).value || "";
    const place = timeZone.includes("/") ? timeZone.split("/").pop().replace(/_/g, " ") : "";
    return { time, offset: offset.replace("GMT", "UTC"), day: day !== myDay ? day : "", place };
  } catch {
    return null;
  }
}

// Only http(s) links become clickable; anything else (javascript:, data:) stays plain text.
export function safeHref(url) {
  if (!url || typeof url !== "string") return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

// "example.com/shop/backpacks" for a long URL shown in a narrow panel.
export function shortUrl(url) {
  try {
    const u = new URL(url);
    const path = (u.pathname + u.search).replace(/\/$/, "");
    return u.host + path;
  } catch {
    return url || "";
  }
}

// "Today", "Yesterday" or "12 Mar 2026" for a date in the agent's zone.
export function dayLabel(iso, now = new Date()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const startOf = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(d)) / 86400000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return d.toLocaleDateString([], { day: "numeric", month: "short", year: d.getFullYear() === now.getFullYear() ? undefined : "numeric" });
}

// A rating as stars or words, whatever the site's scale.
export function ratingLabel(rating) {
  if (!rating) return "";
  if (rating.scale === "thumbs") return rating.value === "up" ? "Thumbs up" : "Thumbs down";
  if (rating.scale === "three") return { good: "Good", okay: "Okay", bad: "Bad" }[rating.value] || String(rating.value);
  const n = Math.max(0, Math.min(5, Number(rating.score) || 0));
  return "★".repeat(n) + "☆".repeat(5 - n);
}

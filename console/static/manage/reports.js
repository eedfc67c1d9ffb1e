// The reports page: a date range in a time zone -> summary cards, a daily chart, tables, comments.
import { api, el, clear, seconds, number, percent, ratingBadge, dateTime, NONE } from "./common.js";

const body = document.body;
const isManager = body.dataset.role === "manager";
const form = document.getElementById("range-form");
const fields = { from: document.getElementById("from"), to: document.getElementById("to"), tz: document.getElementById("tz"),
  department: document.getElementById("department") };
const errorBox = document.getElementById("error");
let chart = null;

function isoDay(date) {
  return [date.getFullYear(), String(date.getMonth() + 1).padStart(2, "0"), String(date.getDate()).padStart(2, "0")].join("-");
}

function setPreset(days) {
  const to = new Date();
  const from = new Date(to);
  from.setDate(to.getDate() - (days - 1));
  fields.from.value = isoDay(from);
  fields.to.value = isoDay(to);
  for (const chip of form.querySelectorAll("[data-days]")) chip.setAttribute("aria-pressed", String(chip.dataset.days === String(days)));
}

function query(extra = {}) {
  const params = new URLSearchParams({ from: fields.from.value, to: fields.to.value, tz: fields.tz.value.trim(), ...extra });
  if (fields.department.value) params.set("department", fields.department.value);
  return params.toString();
}

// -- summary cards --------------------------------------------------------------------------------
function card(label, value, sub) {
  return el("div", { className: "card" }, el("span", { className: "card-label", text: label }),
    el("span", { className: "card-value", text: value }), sub ? el("span", { className: "card-sub", text: sub }) : null);
}

function renderSummary(row) {
  const box = clear(document.getElementById("summary"));
  if (!row) return;
  const r = row.ratings;
  const handled = row.chats !== undefined ? `of ${number(row.chats)} started · ${number(row.chats_abandoned)} abandoned` : null;
  box.append(
    card("Chats handled", number(row.chats_handled), handled),
    card("Average wait", seconds(row.wait_s.avg), `90% within ${seconds(row.wait_s.p90)}`),
    card("First response", seconds(row.first_response_s.avg), `90% within ${seconds(row.first_response_s.p90)}`),
    card("Handle time", seconds(row.handle_s.avg), "average per chat"),
    card("Rating", r.average === null ? NONE : `${number(r.average, 2)} / 5`, `${number(r.count)} ratings · ${percent(r.response_rate)} rated`),
    card("Good : bad", `${r.positive} : ${r.negative}`, "positive vs negative ratings"),
    card("Quality score", row.qa.score === null ? NONE : `${number(row.qa.score, 1)}%`, `${number(row.qa.reviewed)} chats reviewed`),
  );
}

// -- tables ---------------------------------------------------------------------------------------
const COLUMNS = [
  ["Handled", (r) => number(r.chats_handled)],
  ["Missed", (r) => number(r.chats_missed)],
  ["Wait avg", (r) => seconds(r.wait_s.avg)],
  ["Wait p90", (r) => seconds(r.wait_s.p90)],
  ["1st reply avg", (r) => seconds(r.first_response_s.avg)],
  ["1st reply p90", (r) => seconds(r.first_response_s.p90)],
  ["Handle avg", (r) => seconds(r.handle_s.avg)],
  ["Resolved / follow-up", (r) => `${number(r.resolution.resolved)} / ${number(r.resolution.follow_up)}`],
  ["Ratings", (r) => number(r.ratings.count)],
  ["Avg rating", (r) => number(r.ratings.average, 2)],
  ["Rated", (r) => percent(r.ratings.response_rate)],
  ["+ : −", (r) => `${r.ratings.positive} : ${r.ratings.negative}`],
  ["QA score (reviewed)", (r) => (r.qa.score === null ? NONE : `${number(r.qa.score, 1)}% (${r.qa.reviewed})`)],
  ["Canned", (r) => number(r.canned_used)],
  ["Suggestions", (r) => number(r.suggestions_used)],
];

// The survey's extra question: per question, how agents' and departments' visitors answered (docs/reports.md).
function renderSurvey(questions, agents, departments) {
  const panel = document.getElementById("survey-panel");
  const box = clear(document.getElementById("survey"));
  panel.hidden = !questions.length;
  for (const q of questions) {
    const options = q.kind === "text" ? [] : q.options;
    const head = el("tr", {}, el("th", { text: "" }), el("th", { className: "num", text: "Answered" }),
      ...options.map((o) => el("th", { className: "num", text: o.label })));
    const body = el("tbody");
    const group = (label, rows, idKey) => {
      if (!rows.length) return;
      body.append(el("tr", { className: "m-group" }, el("th", { colSpan: options.length + 2, text: label })));
      for (const r of rows) {
        const s = r.survey[q.key] || { answered: 0, counts: {} };
        body.append(el("tr", { dataset: { id: r[idKey] } }, el("td", { className: "name", text: r.name }),
          el("td", { className: "num", text: number(s.answered) }),
          ...options.map((o) => el("td", { className: "num", text: number((s.counts || {})[o.value] || 0) }))));
      }
    };
    group(isManager ? "By agent" : "Your chats", agents, "agent_id");
    if (departments) group("By department", departments, "department_id");
    box.append(el("div", { className: "m-survey", dataset: { testid: `survey-${q.key}` } },
      el("h3", { text: q.question }),
      q.kind === "text" ? el("p", { className: "m-muted", text: "Written answers are listed with the comments below." }) : null,
      el("div", { className: "m-table-wrap" }, el("table", { className: "m-table" }, el("thead", {}, head), body))));
  }
}

function renderTable(table, rows, firstLabel, extra = []) {
  const columns = [...extra, ...COLUMNS];
  const head = el("tr", {}, el("th", { text: firstLabel }), ...columns.map(([label]) => el("th", { className: "num", text: label })));
  const tbody = el("tbody");
  if (!rows.length) tbody.append(el("tr", { className: "empty-row" }, el("td", { colSpan: columns.length + 1, text: "Nothing in this range." })));
  for (const row of rows) {
    const cells = columns.map(([, fn]) => { const text = fn(row); return el("td", { className: text === NONE ? "num none" : "num", text }); });
    tbody.append(el("tr", { dataset: { id: row.agent_id || row.department_id } }, el("td", { className: "name", text: row.name }), ...cells));
  }
  clear(table).append(el("thead", {}, head), tbody);
}

// -- chart ----------------------------------------------------------------------------------------
function renderChart(days) {
  const box = document.getElementById("chart-daily");
  const xs = days.map((d) => Date.parse(`${d.date}T12:00:00Z`) / 1000);
  const data = [xs, days.map((d) => d.chats_handled), days.map((d) => d.chats_abandoned), days.map((d) => d.ratings_average)];
  const width = Math.max(320, box.clientWidth);
  const bars = (align) => window.uPlot.paths.bars({ size: [0.32, 28], align });
  const options = {
    width, height: 240, padding: [8, 8, 0, 0],
    tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    legend: { show: false }, cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: (u, min, max) => [min - 43200, max + 43200] }, chats: { range: (u, min, max) => [0, Math.max(4, max)] }, rating: { range: [0, 5] } },
    axes: [
      { stroke: "#6b7280", grid: { show: false }, splits: () => xs, values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" })) },
      { scale: "chats", stroke: "#6b7280", grid: { stroke: "#f1f2f4" }, values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) ? t : "")) },
      { scale: "rating", side: 1, stroke: "#16a34a", grid: { show: false }, values: (u, ticks) => ticks.map((t) => t.toFixed(1)) },
    ],
    series: [
      {},
      { label: "Handled", scale: "chats", paths: bars(-1), fill: "#93c5fd", stroke: "#60a5fa", points: { show: false } },
      { label: "Abandoned", scale: "chats", paths: bars(1), fill: "#fca5a5", stroke: "#f87171", points: { show: false } },
      { label: "Average rating", scale: "rating", stroke: "#16a34a", width: 2, spanGaps: true, points: { size: 6, fill: "#16a34a" } },
    ],
  };
  if (chart) chart.destroy();
  clear(box);
  chart = new window.uPlot(options, data, box);
}

window.addEventListener("resize", () => {
  if (chart) chart.setSize({ width: Math.max(320, document.getElementById("chart-daily").clientWidth), height: 240 });
});

// -- comments and feedback ------------------------------------------------------------------------
function renderComments(comments) {
  const list = clear(document.getElementById("comments"));
  if (!comments.length) list.append(el("li", { className: "none", text: "No comments in this range." }));
  for (const c of comments) {
    list.append(el("li", {},
      el("div", { className: "meta" }, ratingBadge(c.score, c.value), el("span", { text: c.agents.join(", ") || "—" }), el("span", { text: dateTime(c.rated_at) })),
      c.question ? el("p", { className: "m-answer", dataset: { testid: "survey-answer" } },
        el("b", { text: `${c.question} ` }), el("span", { text: c.answer })) : null,
      c.comment ? el("p", { text: c.comment }) : null));
  }
}

function renderFeedback(reviews) {
  const list = clear(document.getElementById("feedback"));
  if (!reviews.length) list.append(el("li", { className: "none", text: "No reviews of your chats yet." }));
  for (const r of reviews) {
    const crits = r.scores.map((s) => el("span", { className: "crit", text: `${s.label} ${s.points}/2` }));
    list.append(el("li", {},
      el("div", { className: "meta" }, el("span", { className: "badge", text: `${number(r.score, 0)}%` }),
        el("span", { text: `by ${r.reviewer.name || "a manager"}` }), el("span", { text: dateTime(r.updated_at) })),
      el("div", {}, ...crits), r.comment ? el("p", { text: r.comment }) : null));
  }
}

/** Managers: each agent's quality score for chats in the range. */
function renderTeamQa(agents) {
  const list = clear(document.getElementById("feedback"));
  const reviewed = agents.filter((a) => a.qa.reviewed > 0);
  if (!reviewed.length) list.append(el("li", { className: "none", text: "No chats from this range reviewed yet." }));
  for (const a of reviewed) {
    list.append(el("li", { className: "m-qa-row" }, el("b", { text: a.name }),
      el("span", { className: "badge", text: `${number(a.qa.score, 1)}%` }),
      el("span", { className: "m-muted", text: `${a.qa.reviewed} reviewed` })));
  }
}

// -- loading --------------------------------------------------------------------------------------
function updateCsvLinks() {
  for (const link of document.querySelectorAll(".m-csv")) link.href = `/api/reports/${link.dataset.table}?${query({ format: "csv" })}`;
}

async function load() {
  errorBox.hidden = true;
  const q = query();
  const url = new URL(window.location.href);
  url.search = q;
  window.history.replaceState(null, "", url);
  try {
    const [agents, daily, comments, feedback, departments] = await Promise.all([
      api(`/api/reports/agents?${q}`), api(`/api/reports/daily?${q}`), api(`/api/reports/comments?${q}`),
      isManager ? Promise.resolve(null) : api("/api/qa/feedback"), isManager ? api(`/api/reports/departments?${q}`) : Promise.resolve(null),
    ]);
    updateCsvLinks();
    renderSummary(departments ? departments.departments.find((d) => d.department_id === "all") : agents.agents[0]);
    renderTable(document.getElementById("agents-table"), agents.agents, "Agent");
    if (departments) renderTable(document.getElementById("departments-table"), departments.departments, "Department",
      [["Started", (r) => number(r.chats)], ["Abandoned", (r) => number(r.chats_abandoned)]]);
    renderSurvey(agents.survey_questions, agents.agents, departments ? departments.departments : null);
    renderChart(daily.days);
    renderComments(comments.comments);
    if (isManager) renderTeamQa(agents.agents); else renderFeedback(feedback.reviews);
    body.dataset.loaded = "true";
  } catch (error) {
    errorBox.textContent = error.message;
    errorBox.hidden = false;
  }
}

function init() {
  const params = new URLSearchParams(window.location.search);
  if (!params.get("tz")) {
    const browserTz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (browserTz && browserTz.includes("/")) fields.tz.value = browserTz;
  }
  if (params.get("from") && params.get("to")) {
    fields.from.value = params.get("from");
    fields.to.value = params.get("to");
    if (params.get("tz")) fields.tz.value = params.get("tz");
    if (params.get("department")) fields.department.value = params.get("department");
  } else {
    setPreset(7);
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  for (const chip of form.querySelectorAll("[data-days]")) chip.addEventListener("click", () => { setPreset(Number(chip.dataset.days)); load(); });
  load();
}

init();

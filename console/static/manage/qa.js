// Quality review: the period's sample per agent on the left; a transcript and the rubric on the right.
import { api, el, clear, dateTime, number } from "./common.js";

const $ = (id) => document.getElementById(id);
let state = { period: null, criteria: [], agents: [], selected: null };

function shiftDay(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function fmtDay(iso) {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

function showError(error) {
  $("error").textContent = error.message;
  $("error").hidden = false;
}

async function loadSample(periodDay) {
  $("error").hidden = true;
  try {
    const data = await api(`/api/qa/sample${periodDay ? `?period=${periodDay}` : ""}`);
    state = { ...state, period: data.period, criteria: data.criteria, agents: data.agents };
    $("period").textContent = `${fmtDay(data.period.start)} – ${fmtDay(data.period.end)}`;
    renderSample();
  } catch (error) { showError(error); }
}

function reviewBadge(review) {
  return review ? el("span", { className: "badge pos", text: `${number(review.score, 0)}%` }) : el("span", { className: "badge", text: "to review" });
}

function renderSample() {
  const box = clear($("sample"));
  if (!state.agents.length) box.append(el("p", { className: "qa-none", text: "No agents yet." }));
  for (const agent of state.agents) {
    box.append(el("h3", {}, el("b", { text: agent.name }), el("span", { text: `${agent.sample.length} of ${agent.candidates} closed` })));
    const list = el("ul");
    if (!agent.sample.length) list.append(el("li", {}, el("p", { className: "qa-none", text: "No closed chats in this period." })));
    for (const item of agent.sample) {
      const current = state.selected && state.selected.agentId === agent.agent_id && state.selected.conversationId === item.conversation_id;
      const button = el("button", { type: "button", className: "qa-item", "aria-current": String(Boolean(current)),
        dataset: { conversation: item.conversation_id, agent: agent.agent_id } },
        el("span", { className: "qa-item-text" }, el("b", { text: item.visitor_name || "Visitor" }),
          el("small", { text: item.closed_at ? dateTime(item.closed_at) : item.conversation_id })),
        reviewBadge(item.review));
      button.title = item.conversation_id;
      button.addEventListener("click", () => openChat(agent, item));
      list.append(el("li", {}, button));
    }
    box.append(list);
  }
}

function renderTranscript(conversation) {
  const box = clear($("transcript"));
  for (const m of conversation.messages) {
    const who = m.author.kind === "system" ? null : el("span", { className: "who", text: `${m.author.name || m.author.kind} · ${dateTime(m.created_at)}` });
    box.append(el("div", { className: `qa-msg ${m.author.kind}` }, who, m.text));
  }
}

function renderCriteria(review) {
  const points = Object.fromEntries((review ? review.scores : []).map((s) => [s.key, s.points]));
  const box = clear($("criteria"));
  for (const c of state.criteria) {
    const group = el("div", { className: "qa-points", role: "radiogroup", "aria-label": c.label });
    for (let p = 0; p <= c.max; p += 1) {
      const input = el("input", { type: "radio", name: c.key, value: String(p), required: true, checked: points[c.key] === p });
      input.addEventListener("change", updateTotal);
      group.append(el("label", {}, input, el("span", { text: String(p) })));
    }
    box.append(el("div", { className: "qa-crit" }, el("span", { text: c.label }), group));
  }
  $("comment").value = review && review.comment ? review.comment : "";
  updateTotal();
}

function collectScores() {
  const scores = {};
  for (const c of state.criteria) {
    const checked = $("review-form").querySelector(`input[name="${c.key}"]:checked`);
    if (checked) scores[c.key] = Number(checked.value);
  }
  return scores;
}

function updateTotal() {
  const scores = collectScores();
  const max = state.criteria.reduce((sum, c) => sum + c.max, 0);
  const total = Object.values(scores).reduce((a, b) => a + b, 0);
  $("total").textContent = `${total} / ${max} points`;
}

async function openChat(agent, item) {
  state.selected = { agentId: agent.agent_id, conversationId: item.conversation_id, agentName: agent.name };
  renderSample();
  try {
    const data = await api(`/api/qa/conversations/${encodeURIComponent(item.conversation_id)}`);
    const review = data.reviews.find((r) => r.agent_id === agent.agent_id) || null;
    $("detail-empty").hidden = true;
    $("detail-body").hidden = false;
    $("detail-title").textContent = `${agent.name} · ${data.conversation.visitor.name || "Visitor"}`;
    $("detail-sub").textContent = data.conversation.closed_at ? `closed ${dateTime(data.conversation.closed_at)}` : "";
    $("saved").hidden = true;
    renderTranscript(data.conversation);
    renderCriteria(review);
  } catch (error) { showError(error); }
}

async function save(event) {
  event.preventDefault();
  const selected = state.selected;
  if (!selected) return;
  try {
    const result = await api("/api/qa/reviews", { method: "POST", body: JSON.stringify({
      conversation_id: selected.conversationId, agent_id: selected.agentId, scores: collectScores(),
      comment: $("comment").value.trim() || null }) });
    for (const agent of state.agents) {
      if (agent.agent_id !== selected.agentId) continue;
      for (const item of agent.sample) if (item.conversation_id === selected.conversationId) item.review = result.review;
    }
    renderSample();
    $("saved").hidden = false;
  } catch (error) { showError(error); }
}

$("review-form").addEventListener("submit", save);
$("prev").addEventListener("click", () => state.period && loadSample(shiftDay(state.period.start, -1)));
$("next").addEventListener("click", () => state.period && loadSample(shiftDay(state.period.end, 1)));
loadSample(null);

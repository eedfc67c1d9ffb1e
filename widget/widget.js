/*
 * Live-chat visitor widget. Plain JavaScript, no build step, one file (one request, nothing to get out of step).
 * Embed on any page:  <script src="https://HOST/widget.js" async></script>
 * Optional attributes on that tag (README.md, "Embedding the widget"):
 *   data-color="#0f766e"      brand colour
 *   data-department="sales"   route every chat from this page to one department (no picker)
 *   data-language="sk"        the widget's language (the visitor can still switch it)
 *   data-vip="true"           mark the visitor as a VIP (priority rules in config.toml)
 * Speaks the /visitor namespace and GET /api/widget/config of docs/protocol.md.
 * All user and server text goes in with textContent, never as HTML.
 */
(function () {
  "use strict";
  if (window.__chatWidgetLoaded) return;
  window.__chatWidgetLoaded = true;

  var script = document.currentScript || (function () {
    var all = document.getElementsByTagName("script");
    for (var i = all.length - 1; i >= 0; i--) if (/\/widget\.js([?#].*)?$/.test(all[i].src)) return all[i];
    return null;
  })();
  function attr(name) { var v = script && script.getAttribute(name); return v ? String(v).trim() : ""; }
  var SRC = new URL(script && script.src ? script.src : "/widget.js", location.href);
  var BASE_PATH = SRC.pathname.replace(/\/widget\.js$/, "");
  var BASE = SRC.origin + BASE_PATH;
  var BRAND = attr("data-color") || "#2563eb";
  var PRESET_DEPT = attr("data-department").toLowerCase();
  var PRESET_LANG = attr("data-language").toLowerCase();
  var VIP = /^(true|1|yes)$/i.test(attr("data-vip"));
  var K_TOKEN = "chatWidget.visitorToken", K_OPEN = "chatWidget.open", K_OUTBOX = "chatWidget.outbox";
  var K_LANG = "chatWidget.language", K_SEEN = "chatWidget.seen";
  var ACK_TIMEOUT = 15000;
  var FINAL = { text_too_long: 1, missing_field: 1, invalid_payload: 1, conversation_closed: 1, not_found: 1 };

  // ---- translations --------------------------------------------------------------------------------------
  // A value that is a list holds plural forms: English [one, other]; Russian and Slovak [one, few, many].
  var STRINGS = {
    en: {
      title: "Chat with us", dialog: "Chat with {company}", openChat: "Open chat", minimise: "Minimise chat",
      language: "Language", unread: ["{n} new message", "{n} new messages"],
      subPrechat: "We usually reply in a few minutes", subAway: "Leave us a message",
      subQueued: "An agent will be with you shortly", subChatting: "You're chatting with {name}",
      subChattingUs: "You're chatting with us", subOffline: "Message received, we'll reply soon",
      subClosed: "This chat has ended",
      hello: "Hi there! Ask us anything, we're happy to help.",
      awayTitle: "We're away right now", awayText: "Leave us a message and we'll get back to you as soon as we can.",
      department: "Department", deptAway: "{name} · leave a message",
      name: "Name", email: "Email", optional: "(optional)", recommended: "(recommended)",
      emailHint: "So we can answer you by email", message: "Message", messagePlaceholder: "How can we help?",
      start: "Start chat", sendMessage: "Send message",
      queuePos: "You are number {n} in line", queueIn: "You are in line",
      waitLess: "less than a minute", waitAbout: ["about {n} minute", "about {n} minutes"],
      queueNote: "Feel free to add details while you wait.",
      offlineTitle: "Thanks! Your message is on its way.",
      offlineEmail: "We'll reply right here and by email to {email}.",
      offlineNoEmail: "We'll reply right here, so do check back on this page later.",
      offlineAny: "We'll reply right here, and by email if you left your address.",
      transcript: "Conversation", composer: "Type a message…", composerMore: "Add more details…",
      composerLabel: "Your message", send: "Send", endChat: "End chat",
      typing: "{name} is typing…", theAgent: "The agent", agent: "Agent",
      sending: "Sending…", notSent: "Not sent", retry: "Retry",
      ended: "The chat has ended", rateStars: "How did we do?", rateThree: "How was your chat?",
      rateThumbs: "Was this chat helpful?", ratingGroup: "Your rating", star: ["{n} star", "{n} stars"],
      bad: "Bad", okay: "Okay", good: "Good", up: "Yes", down: "No",
      comment: "Comment", commentPlaceholder: "Anything you'd like to add? (optional)", submit: "Send feedback",
      extraOptional: "(optional)",
      thanksTitle: "Thank you for your feedback!", thanksText: "It helps us get better every day.",
      newChat: "Start a new chat",
      connLost: "Connection lost. Reconnecting…", connFail: "Can't reach the chat right now. Retrying…",
      unavailable: "Chat is unavailable right now.", needText: "Please type a message first.",
      badEmail: "That email address doesn't look quite right.",
      sendFailed: "The message could not be sent. Please try again.",
      err_rate_limited: "You're sending messages very quickly. Please wait a moment and try again.",
      err_text_too_long: "That message is a bit long. Could you shorten it?",
      err_already_active: "You already have a chat open, bringing it back…",
      err_conversation_closed: "This chat has ended.",
      err_unavailable: "We're having a little trouble. Please try again in a moment.",
      err_timeout: "We couldn't reach the chat server. Please try again.",
      err_generic: "Something went wrong. Please try again."
    },
    ru: {
      title: "Напишите нам", dialog: "Чат с {company}", openChat: "Открыть чат", minimise: "Свернуть чат",
      language: "Язык", unread: ["{n} новое сообщение", "{n} новых сообщения", "{n} новых сообщений"],
      subPrechat: "Обычно отвечаем в течение нескольких минут", subAway: "Оставьте нам сообщение",
      subQueued: "Специалист скоро подключится", subChatting: "Вам отвечает {name}",
      subChattingUs: "Мы на связи", subOffline: "Сообщение получено, скоро ответим",
      subClosed: "Чат завершён",
      hello: "Здравствуйте! Задайте любой вопрос, мы с радостью поможем.",
      awayTitle: "Сейчас мы не в сети", awayText: "Оставьте сообщение, и мы ответим вам как можно скорее.",
      department: "Отдел", deptAway: "{name} · оставить сообщение",
      name: "Имя", email: "Эл. почта", optional: "(необязательно)", recommended: "(рекомендуем)",
      emailHint: "Чтобы мы могли ответить вам по почте", message: "Сообщение", messagePlaceholder: "Чем мы можем помочь?",
      start: "Начать чат", sendMessage: "Отправить сообщение",
      queuePos: "Ваш номер в очереди: {n}", queueIn: "Вы в очереди",
      waitLess: "меньше минуты", waitAbout: ["примерно {n} минута", "примерно {n} минуты", "примерно {n} минут"],
      queueNote: "Пока ждёте, можете описать вопрос подробнее.",
      offlineTitle: "Спасибо! Ваше сообщение уже у нас.",
      offlineEmail: "Мы ответим здесь и на почту {email}.",
      offlineNoEmail: "Мы ответим прямо здесь, загляните на эту страницу чуть позже.",
      offlineAny: "Мы ответим прямо здесь, а также на почту, если вы её указали.",
      transcript: "Переписка", composer: "Напишите сообщение…", composerMore: "Добавьте подробности…",
      composerLabel: "Ваше сообщение", send: "Отправить", endChat: "Завершить чат",
      typing: "{name} печатает…", theAgent: "Специалист", agent: "Специалист",
      sending: "Отправляется…", notSent: "Не отправлено", retry: "Повторить",
      ended: "Чат завершён", rateStars: "Как мы справились?", rateThree: "Как прошёл разговор?",
      rateThumbs: "Мы смогли вам помочь?", ratingGroup: "Ваша оценка",
      star: ["{n} звезда", "{n} звезды", "{n} звёзд"],
      bad: "Плохо", okay: "Нормально", good: "Отлично", up: "Да", down: "Нет",
      comment: "Комментарий", commentPlaceholder: "Хотите что-то добавить? (необязательно)", submit: "Отправить отзыв",
      extraOptional: "(необязательно)",
      thanksTitle: "Спасибо за отзыв!", thanksText: "Он помогает нам становиться лучше.",
      newChat: "Начать новый чат",
      connLost: "Связь прервалась. Переподключаемся…", connFail: "Не удаётся подключиться к чату. Пробуем снова…",
      unavailable: "Чат сейчас недоступен.", needText: "Сначала напишите сообщение.",
      badEmail: "Кажется, в адресе почты опечатка.",
      sendFailed: "Не удалось отправить сообщение. Попробуйте ещё раз.",
      err_rate_limited: "Вы пишете очень быстро. Подождите немного и попробуйте снова.",
      err_text_too_long: "Сообщение получилось длинноватым. Сократите его, пожалуйста.",
      err_already_active: "У вас уже открыт чат, возвращаем его…",
      err_conversation_closed: "Этот чат завершён.",
      err_unavailable: "Небольшая заминка на нашей стороне. Попробуйте через минуту.",
      err_timeout: "Не удалось связаться с сервером чата. Попробуйте ещё раз.",
      err_generic: "Что-то пошло не так. Попробуйте ещё раз."
    },
    sk: {
      title: "Napíšte nám", dialog: "Chat s {company}", openChat: "Otvoriť chat", minimise: "Minimalizovať chat",
      language: "Jazyk", unread: ["{n} nová správa", "{n} nové správy", "{n} nových správ"],
      subPrechat: "Zvyčajne odpovedáme do pár minút", subAway: "Nechajte nám správu",
      subQueued: "Agent sa vám bude čoskoro venovať", subChatting: "Odpovedá vám {name}",
      subChattingUs: "Sme tu pre vás", subOffline: "Správu máme, čoskoro odpovieme",
      subClosed: "Chat sa skončil",
      hello: "Dobrý deň! Opýtajte sa nás na čokoľvek, radi vám pomôžeme.",
      awayTitle: "Momentálne nie sme online", awayText: "Nechajte nám správu a ozveme sa vám čo najskôr.",
      department: "Oddelenie", deptAway: "{name} · nechať správu",
      name: "Meno", email: "E-mail", optional: "(nepovinné)", recommended: "(odporúčame)",
      emailHint: "Aby sme vám mohli odpovedať e-mailom", message: "Správa", messagePlaceholder: "Ako vám môžeme pomôcť?",
      start: "Začať chat", sendMessage: "Odoslať správu",
      queuePos: "Ste {n}. v poradí", queueIn: "Ste v poradí",
      waitLess: "menej ako minúta", waitAbout: ["približne {n} minúta", "približne {n} minúty", "približne {n} minút"],
      queueNote: "Kým čakáte, pokojne nám napíšte viac podrobností.",
      offlineTitle: "Ďakujeme! Vaša správa je na ceste.",
      offlineEmail: "Odpovieme priamo tu aj e-mailom na {email}.",
      offlineNoEmail: "Odpovieme priamo tu, pozrite sa sem, prosím, neskôr.",
      offlineAny: "Odpovieme priamo tu a aj e-mailom, ak ste ho uviedli.",
      transcript: "Konverzácia", composer: "Napíšte správu…", composerMore: "Doplňte podrobnosti…",
      composerLabel: "Vaša správa", send: "Odoslať", endChat: "Ukončiť chat",
      typing: "{name} píše…", theAgent: "Agent", agent: "Agent",
      sending: "Odosiela sa…", notSent: "Neodoslané", retry: "Skúsiť znova",
      ended: "Chat sa skončil", rateStars: "Ako sme vám pomohli?", rateThree: "Ako ste boli spokojní?",
      rateThumbs: "Pomohli sme vám?", ratingGroup: "Vaše hodnotenie",
      star: ["{n} hviezdička", "{n} hviezdičky", "{n} hviezdičiek"],
      bad: "Zle", okay: "Ujde to", good: "Výborne", up: "Áno", down: "Nie",
      comment: "Komentár", commentPlaceholder: "Chcete niečo dodať? (nepovinné)", submit: "Odoslať hodnotenie",
      extraOptional: "(nepovinné)",
      thanksTitle: "Ďakujeme za spätnú väzbu!", thanksText: "Pomáha nám byť každý deň lepší.",
      newChat: "Začať nový chat",
      connLost: "Spojenie sa prerušilo. Pripájame sa znova…", connFail: "Chat je momentálne nedostupný. Skúšame to znova…",
      unavailable: "Chat je momentálne nedostupný.", needText: "Najprv, prosím, napíšte správu.",
      badEmail: "Táto e-mailová adresa nevyzerá celkom správne.",
      sendFailed: "Správu sa nepodarilo odoslať. Skúste to, prosím, znova.",
      err_rate_limited: "Píšete veľmi rýchlo. Chvíľku počkajte a skúste to znova.",
      err_text_too_long: "Správa je trochu dlhá. Mohli by ste ju skrátiť?",
      err_already_active: "Už máte otvorený chat, vraciame vás doň…",
      err_conversation_closed: "Tento chat sa už skončil.",
      err_unavailable: "Máme malý technický problém. Skúste to, prosím, o chvíľu.",
      err_timeout: "Nepodarilo sa spojiť so serverom chatu. Skúste to znova.",
      err_generic: "Niečo sa pokazilo. Skúste to, prosím, znova."
    }
  };
  var LANGUAGE_NAMES = { en: "English", ru: "Русский", sk: "Slovenčina" };

  function pluralIndex(lang, n) {
    n = Math.abs(Math.floor(+n || 0));
    if (lang === "ru") {
      var d = n % 10, dd = n % 100;
      return d === 1 && dd !== 11 ? 0 : d >= 2 && d <= 4 && (dd < 12 || dd > 14) ? 1 : 2;
    }
    if (lang === "sk") return n === 1 ? 0 : n >= 2 && n <= 4 ? 1 : 2;
    return n === 1 ? 0 : 1;
  }
  function t(key, vars) {
    var lang = STRINGS[S.lang] && STRINGS[S.lang][key] != null ? S.lang : "en";
    var v = STRINGS[lang][key] != null ? STRINGS[lang][key] : key;
    if (Array.isArray(v)) v = v[Math.min(pluralIndex(lang, vars && vars.n), v.length - 1)];
    return String(v).replace(/\{(\w+)\}/g, function (m, k) { return vars && vars[k] != null ? String(vars[k]) : m; });
  }

  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function save(k, v) {
    try { if (v == null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* private mode */ }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16), s = "";
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    for (var j = 0; j < 16; j++) s += (b[j] < 16 ? "0" : "") + b[j].toString(16);
    return s;
  }
  function loadOutbox() {
    try { var v = JSON.parse(load(K_OUTBOX) || "[]"); return Array.isArray(v) ? v : []; } catch (e) { return []; }
  }

  // ---- state -------------------------------------------------------------------------------------------
  var S = {
    view: "prechat",      // prechat | queued | offline | chatting | closed | thanks
    open: false,
    lang: "en",
    langs: Object.keys(STRINGS), // the configured languages this file has translations for
    config: null,         // GET /api/widget/config
    dept: PRESET_DEPT || null,
    scale: "stars5",
    question: null,       // the survey's optional extra question {key, kind, text, options|max_length}
    conv: null,           // {id, agentName, email}
    byId: {}, bySeq: {}, list: [], lastSeq: 0,
    queue: null,          // {position, estimated_wait_s, department, ticket}
    outbox: loadOutbox(), // [{client_id, conversation_id, text, failed}]
    startText: null,      // first message while chat:start is in flight
    startId: null,        // {text, id}: client_id of a chat:start, reused when the same text is retried
    early: {},            // chat:assigned that raced ahead of the chat:start ack, by conversation id
    score: null, connectedOnce: false, busy: false,
    conn: null, err: null // what the connection bar and the error bar say (re-rendered on a language switch)
  };
  var socket = null, ui = {}, L10N = [];

  // ---- languages ---------------------------------------------------------------------------------------
  function pick(code) {
    code = String(code || "").toLowerCase();
    if (S.langs.indexOf(code) >= 0) return code;
    var primary = code.split("-")[0];
    return S.langs.indexOf(primary) >= 0 ? primary : null;
  }
  /** The visitor's own choice, then the page's data-language, then the browser's languages, then the default. */
  function detectLanguage() {
    var found = pick(load(K_LANG)) || pick(PRESET_LANG);
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; !found && i < wanted.length; i++) found = pick(wanted[i]);
    return found || pick(S.config && S.config.default_language) || S.langs[0] || "en";
  }

  // ---- DOM helpers -------------------------------------------------------------------------------------
  function h(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null && attrs[k] !== false) n.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    [].concat(kids == null ? [] : kids).forEach(function (c) {
      if (c != null) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return n;
  }
  /** Remember which translation a node (or one of its attributes) shows, so a language switch can redo it. */
  function tx(node, key, attrName) { L10N.push([node, key, attrName]); return node; }
  function T(tag, attrs, key) { return tx(h(tag, attrs), key); }
  function applyTexts() {
    L10N.forEach(function (e) { if (e[2]) e[0].setAttribute(e[2], t(e[1])); else e[0].textContent = t(e[1]); });
  }
  var SVG_NS = "http://www.w3.org/2000/svg";
  function svg(size, parts) {
    var s = document.createElementNS(SVG_NS, "svg");
    s.setAttribute("viewBox", "0 0 24 24"); s.setAttribute("width", size); s.setAttribute("height", size);
    s.setAttribute("aria-hidden", "true"); s.setAttribute("focusable", "false");
    parts.forEach(function (p) {
      var n = document.createElementNS(SVG_NS, p[0]);
      for (var k in p[1]) n.setAttribute(k, p[1][k]);
      s.appendChild(n);
    });
    return s;
  }
  function icon(d, size) { return svg(size || 24, [["path", { d: d, fill: "currentColor" }]]); }
  function face(mouth) {
    var line = { fill: "none", stroke: "currentColor", "stroke-width": "1.8", "stroke-linecap": "round" };
    return svg(30, [["circle", { cx: 12, cy: 12, r: 9.2, fill: "none", stroke: "currentColor", "stroke-width": "1.8" }],
      ["circle", { cx: 9, cy: 10, r: 1.25, fill: "currentColor" }], ["circle", { cx: 15, cy: 10, r: 1.25, fill: "currentColor" }],
      ["path", Object.assign({ d: mouth }, line)]]);
  }
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
    down: "M7 10l5 5 5-5z", minus: "M5 11h14v2H5z", send: "M3 20.5 21 12 3 3.5 3 10l12 2-12 2z",
    check: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z",
    star: "M12 17.27 18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z",
    up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    thumbDown: "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z"
  };
  var FACES = { bad: "M8.3 16.6c2-2.1 5.4-2.1 7.4 0", okay: "M8.8 15.4h6.4", good: "M8.3 14.2c2 2.3 5.4 2.3 7.4 0" };
  function show(n, on) { n.hidden = !on; }
  function fmtTime(iso) {
    var d = iso ? new Date(iso) : null;
    return d && !isNaN(d) ? d.toLocaleTimeString([S.lang], { hour: "2-digit", minute: "2-digit" }) : "";
  }
  /** Never "0 minutes": under a minute says so, anything else is rounded to at least one. */
  function waitText(s) {
    if (s == null || isNaN(s)) return "";
    if (s < 60) return t("waitLess");
    return t("waitAbout", { n: Math.max(1, Math.round(s / 60)) });
  }
  function queueLine() {
    var q = S.queue, wait = q ? waitText(q.estimated_wait_s) : "";
    var where = q && q.position ? t("queuePos", { n: q.position }) : t("queueIn");
    return wait ? where + " · " + wait : where;
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    ".w{--brand:#2563eb;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827;-webkit-font-smoothing:antialiased}",
    "button,input,textarea,select{font:inherit;color:inherit}",
    ":focus{outline:none}:focus-visible{outline:3px solid var(--brand);outline-offset:2px}",
    ".sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    ".launcher{position:fixed;right:20px;bottom:20px;width:58px;height:58px;border-radius:50%;border:0;background:var(--brand);color:#fff;cursor:pointer;box-shadow:0 8px 24px rgba(15,23,42,.25);display:grid;place-items:center;z-index:2147483000;transition:transform .15s}",
    ".launcher:hover{transform:scale(1.06)}",
    ".launcher:focus-visible{outline:none;box-shadow:0 0 0 3px #fff,0 0 0 6px var(--brand),0 8px 24px rgba(15,23,42,.25)}",
    ".launcher .i-close{display:none}.open .launcher .i-chat{display:none}.open .launcher .i-close{display:block}",
    ".badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:600;line-height:16px;text-align:center;border:2px solid #fff}",
    ".panel{position:fixed;right:20px;bottom:92px;width:370px;height:600px;max-height:calc(100vh - 112px);background:#fff;border-radius:16px;box-shadow:0 16px 48px rgba(15,23,42,.22),0 2px 6px rgba(15,23,42,.08);display:flex;flex-direction:column;overflow:hidden;z-index:2147483001;opacity:0;visibility:hidden;transform:translateY(12px);transition:opacity .18s,transform .18s,visibility 0s .18s}",
    ".panel[data-view=prechat]{height:auto}", // the form is as tall as it needs to be
    ".open .panel{opacity:1;visibility:visible;transform:none;transition:opacity .18s,transform .18s}",
    ".instant .panel{transition:none}",
    "header{background:var(--brand);color:#fff;padding:12px 10px 12px 18px;display:flex;align-items:center;gap:8px;flex:none}",
    "header :focus-visible{outline-color:#fff}",
    "header .t{flex:1;min-width:0}",
    "h2{margin:0;font-size:16px;font-weight:600;line-height:1.3;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    "header .sub{margin:1px 0 0;font-size:12.5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".icon-btn{border:0;background:transparent;color:inherit;width:36px;height:36px;border-radius:8px;cursor:pointer;display:grid;place-items:center;flex:none}",
    ".icon-btn:hover{background:rgba(255,255,255,.16)}",
    ".lang{position:relative;display:inline-flex;align-items:center;gap:2px;height:30px;padding:0 6px 0 9px;border:1px solid rgba(255,255,255,.6);border-radius:8px;font-size:12px;font-weight:600;letter-spacing:.04em;flex:none}",
    ".lang:hover{background:rgba(255,255,255,.16)}",
    ".lang:focus-within{outline:3px solid #fff;outline-offset:2px}",
    ".lang select{position:absolute;inset:0;width:100%;height:100%;opacity:0;cursor:pointer;font-size:14px;color:#111827}",
    ".conn{background:#fef3c7;color:#92400e;font-size:12.5px;padding:6px 14px;flex:none}",
    ".body{flex:1;min-height:0;display:flex;flex-direction:column;background:#fafafa}",
    ".prechat{padding:16px 18px 18px;display:flex;flex-direction:column;gap:11px;overflow:auto;flex:1;background:#fff}",
    ".hello{font-size:15px;margin:0 0 2px;color:#374151}",
    ".away{display:flex;gap:10px;align-items:flex-start;margin:0 0 2px;padding:12px;border-radius:12px;background:#fff7ed;color:#7c2d12;border:1px solid #fed7aa}",
    ".away svg{flex:none;color:#c2410c;margin-top:1px}",
    ".away p{margin:0}.away .a1{font-weight:600;font-size:14px}.away .a2{font-size:13px;margin-top:2px}",
    "label{font-size:12.5px;font-weight:600;color:#374151}",
    ".opt{font-weight:400;color:#4b5563}.opt.rec{color:#0f5132;font-weight:600}",
    ".hint{font-weight:400;color:#4b5563;font-size:12px}",
    ".field{display:flex;flex-direction:column;gap:4px}",
    "input,textarea,select{border:1px solid #9ca3af;border-radius:10px;padding:9px 11px;background:#fff;width:100%;font-weight:400}",
    "select{padding:8px 9px;cursor:pointer}",
    "input:focus-visible,textarea:focus-visible,select:focus-visible{border-color:var(--brand);outline:2px solid var(--brand);outline-offset:0}",
    "::placeholder{color:#6b7280;opacity:1}",
    "textarea{resize:none}",
    ".primary{border:0;background:var(--brand);color:#fff;font-weight:600;border-radius:10px;padding:10px 14px;cursor:pointer}",
    ".primary:disabled{opacity:.55;cursor:default}.primary:hover:not(:disabled){filter:brightness(1.08)}",
    ".link{border:0;background:none;color:#4b5563;font-size:12.5px;cursor:pointer;padding:4px 8px;border-radius:6px}",
    ".link:hover{color:#111827;background:#f3f4f6}",
    ".queue{margin:10px 12px 0;padding:10px 12px;border-radius:12px;background:#eff6ff;color:#1e3a8a;font-size:13px;flex:none}",
    ".queue .q1{font-weight:600}.queue .q2{margin-top:2px}",
    ".done{margin:10px 12px 0;padding:12px;border-radius:12px;background:#ecfdf5;color:#065f46;border:1px solid #a7f3d0;display:flex;gap:10px;align-items:flex-start;flex:none}",
    ".done .tick{flex:none;width:24px;height:24px;border-radius:50%;background:#059669;color:#fff;display:grid;place-items:center}",
    ".done p{margin:0;font-size:13px}.done .d1{font-weight:600;font-size:14px;margin-bottom:2px}",
    ".transcript{flex:1;min-height:0;overflow-y:auto;padding:14px 12px;display:flex;flex-direction:column;gap:6px;background:#fafafa}",
    ".transcript:focus-visible{outline-offset:-3px}",
    ".row{display:flex;flex-direction:column;max-width:80%}",
    ".row.visitor{align-self:flex-end;align-items:flex-end}.row.agent{align-self:flex-start;align-items:flex-start}",
    ".row.system{align-self:center;max-width:92%;text-align:center}",
    ".name{font-size:11.5px;color:#4b5563;margin:4px 8px 2px}",
    ".bubble{padding:8px 12px;border-radius:16px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}",
    ".visitor .bubble{background:var(--brand);color:#fff;border-bottom-right-radius:5px}",
    ".agent .bubble{background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:5px}",
    ".system .bubble{background:none;color:#4b5563;font-size:12.5px;padding:2px 8px}",
    ".pending .bubble{opacity:.7}",
    ".meta{font-size:11px;color:#4b5563;margin:2px 6px 0}",
    ".meta.bad{color:#b91c1c}.meta button{border:0;background:none;color:#1d4ed8;cursor:pointer;font-size:11px;padding:0;text-decoration:underline}",
    ".typing{font-size:12px;color:#4b5563;padding:0 16px 6px;background:#fafafa;flex:none}",
    ".footer{border-top:1px solid #e5e7eb;padding:10px 12px;flex:none;background:#fff}",
    ".composer{display:flex;gap:8px;align-items:flex-end}",
    ".composer textarea{flex:1;max-height:120px;min-height:40px}",
    ".send{width:40px;height:40px;flex:none;padding:0;display:grid;place-items:center;border-radius:50%}",
    ".actions{display:flex;justify-content:center;margin-top:4px}",
    ".card{text-align:center;display:flex;flex-direction:column;gap:8px;align-items:stretch}",
    ".card h3{margin:2px 0 0;font-size:15px}.card p{margin:0;color:#4b5563;font-size:13px}",
    ".choices{display:flex;justify-content:center;gap:8px}",
    ".choices.stars5{gap:2px}",
    ".star{border:0;background:none;line-height:0;color:#6b7280;cursor:pointer;padding:3px;border-radius:8px}",
    ".star svg path{fill:transparent;stroke:currentColor;stroke-width:1.6;stroke-linejoin:round}",
    ".star.on{color:#d97706}.star.on svg path{fill:currentColor}",
    ".star:hover svg{transform:scale(1.12)}",
    ".choice{flex:1;max-width:104px;display:flex;flex-direction:column;align-items:center;gap:4px;padding:9px 6px 7px;border:1px solid #d1d5db;border-radius:12px;background:#fff;color:#374151;cursor:pointer;font-size:12.5px;font-weight:600}",
    ".choice:hover{border-color:#6b7280}",
    ".choice.on{border-color:var(--brand);box-shadow:inset 0 0 0 1px var(--brand);color:var(--brand);background:#f8fafc}",
    ".extra{border:0;margin:2px 0 0;padding:0;min-width:0;display:flex;flex-direction:column;gap:6px}",
    ".extra legend,.extra>label{padding:0;margin:0 0 6px;font-size:13px;font-weight:600;color:#1f2937}",
    ".extra .opt{color:#6b7280;font-weight:400}",
    ".opts{display:flex;flex-wrap:wrap;justify-content:center;gap:6px}",
    ".opts label{position:relative;display:inline-flex;align-items:center;padding:6px 12px;border:1px solid #d1d5db;border-radius:999px;background:#fff;color:#374151;cursor:pointer;font-size:13px;font-weight:600;max-width:100%}",
    ".opts input{position:absolute;opacity:0;width:1px;height:1px;margin:0}",
    ".opts label:hover{border-color:#6b7280}",
    ".opts label.on{border-color:var(--brand);box-shadow:inset 0 0 0 1px var(--brand);color:var(--brand);background:#f8fafc}",
    ".opts label:focus-within{outline:2px solid var(--brand);outline-offset:2px}",
    ".error{color:#b91c1c;background:#fef2f2;font-size:12.5px;padding:6px 14px;flex:none}",
    "@media (max-width:480px){.panel{right:0;left:0;bottom:0;top:0;width:100%;height:100%;max-height:none;border-radius:0}",
    ".open .launcher{display:none}input,textarea,select{font-size:16px}}",
    "@media (prefers-reduced-motion:reduce){.panel,.launcher{transition:none}}"
  ].join("\n");

  // ---- UI ----------------------------------------------------------------------------------------------
  /** A label tied to its control by id (a wrapping label would fold a select's chosen option into its name). */
  function field(key, control, extra, hint) {
    var id = "cw-" + key;
    control.setAttribute("id", id);
    return h("div", { class: "field" }, [h("label", { for: id }, [T("span", null, key), extra ? " " : null, extra || null]),
      control, hint || null]);
  }

  function buildHeader() {
    ui.title = h("h2", { "data-testid": "widget-title" });
    ui.sub = h("p", { class: "sub", "data-testid": "widget-subtitle" });
    ui.langCode = h("span", { "aria-hidden": "true" });
    ui.langSel = tx(h("select", { "data-testid": "language-switch" }), "language", "aria-label");
    ui.lang = h("div", { class: "lang" }, [ui.langCode, icon(ICONS.down, 16), ui.langSel]);
    ui.minimise = tx(h("button", { class: "icon-btn", type: "button", "data-testid": "minimise" }, icon(ICONS.minus, 20)),
      "minimise", "aria-label");
    return h("header", null, [h("div", { class: "t" }, [ui.title, ui.sub]), ui.lang, ui.minimise]);
  }

  function buildPrechat() {
    ui.hello = T("p", { class: "hello" }, "hello");
    ui.away = h("div", { class: "away", "data-testid": "away-notice" }, [icon("M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2zm0-8h-2V7h2z", 20),
      h("div", null, [T("p", { class: "a1" }, "awayTitle"), T("p", { class: "a2" }, "awayText")])]);
    ui.pDept = h("select", { "data-testid": "prechat-department" });
    ui.deptField = field("department", ui.pDept);
    ui.pName = h("input", { type: "text", autocomplete: "name", maxlength: "200", "data-testid": "prechat-name" });
    ui.pEmail = h("input", { type: "email", autocomplete: "email", maxlength: "200", "aria-describedby": "cw-email-hint",
      "data-testid": "prechat-email" });
    ui.nameTag = T("span", { class: "opt" }, "optional");
    ui.emailTag = h("span", { class: "opt", "data-testid": "email-tag" });
    ui.emailHint = T("span", { class: "hint", id: "cw-email-hint", "data-testid": "email-hint" }, "emailHint");
    ui.pMsg = tx(h("textarea", { rows: "3", required: true, maxlength: "4000", "data-testid": "prechat-message" }),
      "messagePlaceholder", "placeholder");
    ui.pSubmit = h("button", { class: "primary", type: "submit", "data-testid": "prechat-submit" });
    // The hint describes the field (aria-describedby) rather than naming it.
    var email = field("email", ui.pEmail, ui.emailTag, ui.emailHint);
    ui.prechat = h("form", { class: "prechat", novalidate: true, "data-testid": "prechat" }, [
      ui.hello, ui.away, ui.deptField, field("name", ui.pName, ui.nameTag), email, field("message", ui.pMsg), ui.pSubmit]);
  }

  function buildChat() {
    ui.q1 = h("div", { class: "q1" }); ui.q2 = T("div", { class: "q2" }, "queueNote");
    ui.queue = h("div", { class: "queue", "data-testid": "queue-status" }, [ui.q1, ui.q2]);
    ui.doneText = h("p", { "data-testid": "offline-detail" });
    ui.offline = h("div", { class: "done", "data-testid": "offline-confirmation" }, [
      h("span", { class: "tick" }, icon(ICONS.check, 16)), h("div", null, [T("p", { class: "d1" }, "offlineTitle"), ui.doneText])]);
    // Messages are announced one by one through ui.live; a live transcript would re-read the lot on every render.
    ui.transcript = tx(h("div", { class: "transcript", role: "log", "aria-live": "off", tabindex: "0", "data-testid": "transcript" }),
      "transcript", "aria-label");
    ui.typing = h("div", { class: "typing", "data-testid": "typing-indicator", hidden: true });
    ui.chat = h("div", { class: "body" }, [ui.queue, ui.offline, ui.transcript, ui.typing]);
  }

  function buildFooter() {
    ui.input = tx(h("textarea", { rows: "1", maxlength: "4000", "data-testid": "composer-input" }), "composerLabel", "aria-label");
    ui.send = tx(h("button", { class: "primary send", type: "submit", "data-testid": "composer-send" }, icon(ICONS.send, 20)),
      "send", "aria-label");
    ui.end = T("button", { class: "link", type: "button", "data-testid": "end-chat" }, "endChat");
    ui.composerForm = h("form", { class: "composer" }, [ui.input, ui.send]);
    ui.composer = h("div", null, [ui.composerForm, h("div", { class: "actions" }, ui.end)]);

    ui.question = h("p", { id: "cw-question" });
    ui.choices = h("div", { class: "choices", role: "group", "aria-labelledby": "cw-question", "data-testid": "rating-choices" });
    ui.comment = tx(tx(h("textarea", { rows: "2", maxlength: "4000", "data-testid": "rating-comment" }), "commentPlaceholder",
      "placeholder"), "comment", "aria-label");
    ui.rateBtn = T("button", { class: "primary", type: "button", disabled: true, "data-testid": "rating-submit" }, "submit");
    ui.extra = h("div", { "data-testid": "survey-question", hidden: true });
    ui.rating = h("div", { class: "card", "data-testid": "rating" }, [T("h3", null, "ended"), ui.question, ui.choices,
      ui.extra, ui.comment, ui.rateBtn]);
    ui.thanks = h("div", { class: "card", "data-testid": "rating-thanks" }, [T("h3", null, "thanksTitle"), T("p", null, "thanksText")]);
    ui.newChat = T("button", { class: "link", type: "button", "data-testid": "new-chat" }, "newChat");
    ui.newChatRow = h("div", { class: "actions" }, ui.newChat);
    ui.footer = h("div", { class: "footer" }, [ui.composer, ui.rating, ui.thanks, ui.newChatRow]);
  }

  function build() {
    var host = document.getElementById("chat-widget-root") || h("div", { id: "chat-widget-root" });
    // Inline !important beats any page rule aimed at the host (display:none, transforms that would trap position:fixed).
    host.setAttribute("style", "all:initial !important;display:block !important");
    if (!host.parentNode) document.body.appendChild(host);
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    ui.w = h("div", { class: "w", lang: S.lang });
    ui.w.style.setProperty("--brand", BRAND);

    ui.badge = h("span", { class: "badge", "data-testid": "launcher-badge", "aria-hidden": "true", hidden: true });
    ui.launcher = h("button", { class: "launcher", type: "button", "data-testid": "launcher", "aria-expanded": "false" },
      [icon(ICONS.chat, 28), ui.badge]);
    ui.launcher.firstChild.setAttribute("class", "i-chat");
    var x = icon(ICONS.down, 32); x.setAttribute("class", "i-close"); ui.launcher.insertBefore(x, ui.badge);

    var header = buildHeader();
    buildPrechat(); buildChat(); buildFooter();
    ui.conn = h("div", { class: "conn", role: "status", "data-testid": "connection-status", hidden: true });
    ui.error = h("div", { class: "error", role: "alert", "data-testid": "widget-error", hidden: true });
    // Outside the panel, so a visitor with the panel minimised still hears the agent's answer.
    ui.live = h("div", { class: "sr", "aria-live": "polite", "data-testid": "live-region" });
    ui.panel = h("section", { class: "panel", role: "dialog", "data-testid": "panel" }, [
      header, ui.conn, h("div", { class: "body" }, [ui.prechat, ui.chat]), ui.error, ui.footer]);
    ui.w.appendChild(ui.panel); ui.w.appendChild(ui.launcher); ui.w.appendChild(ui.live);
    root.textContent = ""; root.appendChild(h("style", null, CSS)); root.appendChild(ui.w);
    wire();
    renderLanguages(); buildChoices(); applyTexts(); renderDepartments(); renderPrechat();
    setView("prechat"); renderBadge();
  }

  function wire() {
    ui.launcher.addEventListener("click", function () { setOpen(!S.open); });
    ui.minimise.addEventListener("click", function () { setOpen(false); ui.launcher.focus(); });
    ui.panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && S.open) { e.preventDefault(); setOpen(false); ui.launcher.focus(); }
    });
    ui.langSel.addEventListener("change", function () { save(K_LANG, ui.langSel.value); setLanguage(ui.langSel.value); });
    ui.pDept.addEventListener("change", function () { S.dept = ui.pDept.value; renderPrechat(); renderHeader(); });
    ui.prechat.addEventListener("submit", function (e) { e.preventDefault(); startChat(); });
    ui.pMsg.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); startChat(); }
    });
    ui.composerForm.addEventListener("submit", function (e) { e.preventDefault(); sendFromComposer(); });
    ui.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendFromComposer(); }
    });
    ui.input.addEventListener("input", function () { autosize(); onTypingInput(); });
    ui.end.addEventListener("click", endChat);
    ui.rateBtn.addEventListener("click", rate);
    ui.newChat.addEventListener("click", newChat);
  }

  function autosize() { ui.input.style.height = "auto"; ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 120) + "px"; }

  // ---- configuration from the server ------------------------------------------------------------------
  function fetchConfig() {
    if (!window.fetch) return;
    fetch(BASE + "/api/widget/config", { credentials: "omit", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) { if (c && Array.isArray(c.departments)) applyConfig(c); })
      .catch(function () { /* offline or blocked: keep what we have; chat:start still tells the truth */ });
  }

  function applyConfig(c) {
    S.config = c;
    var langs = (Array.isArray(c.languages) ? c.languages : []).filter(function (l) { return STRINGS[l]; });
    S.langs = langs.length ? langs : [STRINGS[c.default_language] ? c.default_language : "en"];
    if (!S.conv && S.view === "prechat" && SCALE_VALUES[c.rating_scale]) setScale(c.rating_scale);
    if (!S.conv && S.view === "prechat") setQuestion(c.survey_question);
    renderLanguages();
    var lang = detectLanguage();
    if (lang !== S.lang) setLanguage(lang);
    else { renderDepartments(); renderPrechat(); renderHeader(); }
  }

  function departments() { return S.config && Array.isArray(S.config.departments) ? S.config.departments : []; }
  function currentDept() {
    var list = departments();
    for (var i = 0; i < list.length; i++) if (list[i].key === S.dept) return list[i];
    return PRESET_DEPT ? null : list[0] || null;
  }
  /** The chosen department can't be reached now: the form becomes a leave-a-message form. */
  function isAway() { var d = currentDept(); return !!(d && d.open === false); }

  function renderDepartments() {
    var list = departments();
    if (!PRESET_DEPT && list.length && !currentDept()) S.dept = list[0].key;
    if (!PRESET_DEPT && !S.dept && list.length) S.dept = list[0].key;
    ui.pDept.textContent = "";
    list.forEach(function (d) {
      var label = d.open === false ? t("deptAway", { name: d.name }) : d.name;
      ui.pDept.appendChild(h("option", { value: d.key }, label));
    });
    if (S.dept) ui.pDept.value = S.dept;
    show(ui.deptField, !PRESET_DEPT && list.length > 1);
  }

  function renderLanguages() {
    ui.langSel.textContent = "";
    S.langs.forEach(function (l) { ui.langSel.appendChild(h("option", { value: l, lang: l }, LANGUAGE_NAMES[l] || l)); });
    ui.langSel.value = S.lang;
    ui.langCode.textContent = S.lang.toUpperCase();
    show(ui.lang, S.langs.length > 1);
  }

  function setLanguage(lang) {
    S.lang = lang;
    ui.w.setAttribute("lang", lang);
    renderLanguages(); applyTexts(); renderDepartments(); renderPrechat();
    setConn(S.conn); showError(S.err);
    setView(S.view); renderBadge();
  }

  // ---- rendering ---------------------------------------------------------------------------------------
  function renderPrechat() {
    var away = isAway();
    ui.prechat.setAttribute("data-mode", away ? "away" : "chat");
    show(ui.hello, !away); show(ui.away, away); show(ui.emailHint, away);
    ui.emailTag.textContent = t(away ? "recommended" : "optional");
    ui.emailTag.className = away ? "opt rec" : "opt";
    ui.pSubmit.textContent = t(away ? "sendMessage" : "start");
  }

  function renderHeader() {
    var company = S.config && S.config.company_name;
    ui.title.textContent = company || t("title");
    ui.panel.setAttribute("aria-label", company ? t("dialog", { company: company }) : t("title"));
    var v = S.view, agent = S.conv && S.conv.agentName;
    ui.sub.textContent = v === "queued" ? t("subQueued")
      : v === "offline" ? t("subOffline")
      : v === "chatting" ? (agent ? t("subChatting", { name: agent }) : t("subChattingUs"))
      : v === "prechat" ? t(isAway() ? "subAway" : "subPrechat") : t("subClosed");
  }

  // Open conversation states: queued, assigned, and "offline" (nobody on duty: the visitor left a message).
  function viewFor(status) { return status === "queued" ? "queued" : status === "offline" ? "offline" : "chatting"; }
  function isChatty(v) { return v === "queued" || v === "chatting" || v === "offline"; }

  function setView(v) {
    S.view = v;
    var chatty = isChatty(v);
    show(ui.prechat, v === "prechat"); show(ui.chat, v !== "prechat");
    show(ui.footer, v !== "prechat"); show(ui.composer, chatty);
    show(ui.end, v === "queued" || v === "chatting"); // a left message stays for the team
    show(ui.rating, v === "closed"); show(ui.thanks, v === "thanks"); show(ui.newChatRow, v === "closed" || v === "thanks");
    show(ui.queue, v === "queued"); show(ui.offline, v === "offline");
    ui.panel.setAttribute("data-view", v);
    if (!chatty) setTyping(false);
    ui.input.setAttribute("placeholder", t(v === "offline" ? "composerMore" : "composer"));
    renderHeader(); renderQueue(); renderOffline(); renderChoices(); renderTranscript();
  }

  function errorText(err) {
    if (!err) return "";
    if (typeof err === "string") return STRINGS.en[err] != null ? t(err) : err;
    var e = err.error || {};
    if (e.field === "email") return t("badEmail");
    if (e.code === "missing_field") return t("needText");
    return STRINGS.en["err_" + e.code] != null ? t("err_" + e.code) : t("err_generic");
  }
  function showError(err) {
    S.err = err || null;
    var msg = errorText(err);
    ui.error.textContent = msg; show(ui.error, !!msg);
  }
  function setConn(key) { S.conn = key || null; ui.conn.textContent = key ? t(key) : ""; show(ui.conn, !!key); }

  /** Polite announcements for screen readers: the agent's messages, queue moves, a chat's end. */
  function announce(text) {
    if (!text) return;
    ui.live.appendChild(h("p", null, text));
    while (ui.live.childNodes.length > 4) ui.live.removeChild(ui.live.firstChild);
  }

  function seenSeq() {
    var v = load(K_SEEN) || "", i = v.lastIndexOf(":");
    return S.conv && i > 0 && v.slice(0, i) === S.conv.id ? +v.slice(i + 1) || 0 : 0;
  }
  function markSeen() { if (S.open && S.conv && S.lastSeq > seenSeq()) save(K_SEEN, S.conv.id + ":" + S.lastSeq); }
  function renderBadge() {
    var seen = seenSeq(), unread = 0;
    if (!S.open) S.list.forEach(function (m) { if (m.author && m.author.kind === "agent" && m.seq > seen) unread++; });
    ui.badge.textContent = String(unread); show(ui.badge, unread > 0);
    ui.launcher.setAttribute("aria-label", S.open ? t("minimise")
      : t("openChat") + (unread ? ", " + t("unread", { n: unread }) : ""));
  }

  function renderQueue() { ui.q1.textContent = queueLine(); }
  function renderOffline() {
    var email = S.conv && S.conv.email;
    ui.doneText.textContent = email ? t("offlineEmail", { email: email })
      : email === "" ? t("offlineNoEmail") : t("offlineAny");
  }

  // ---- the survey --------------------------------------------------------------------------------------
  var SCALE_VALUES = { stars5: [1, 2, 3, 4, 5], three: ["bad", "okay", "good"], thumbs: ["up", "down"] };
  function setScale(scale) {
    if (!SCALE_VALUES[scale] || scale === S.scale) return;
    S.scale = scale; S.score = null; buildChoices();
  }
  function buildChoices() {
    ui.choices.textContent = ""; ui.choiceBtns = [];
    ui.choices.className = "choices " + S.scale;
    SCALE_VALUES[S.scale].forEach(function (v) {
      var stars = S.scale === "stars5";
      var b = h("button", { class: stars ? "star" : "choice", type: "button", "aria-pressed": "false",
        "data-value": String(v), "data-testid": "rating-" + (stars ? "star-" : "") + v });
      b.appendChild(stars ? icon(ICONS.star, 32) : S.scale === "three" ? face(FACES[v])
        : icon(v === "up" ? ICONS.up : ICONS.thumbDown, 26));
      if (!stars) b.appendChild(h("span"));
      b.addEventListener("click", function () { S.score = v; renderChoices(); });
      ui.choices.appendChild(b); ui.choiceBtns.push(b);
    });
    renderChoices();
  }
  function renderChoices() {
    var values = SCALE_VALUES[S.scale];
    ui.choiceBtns.forEach(function (b, i) {
      var v = values[i];
      b.classList.toggle("on", S.scale === "stars5" ? S.score != null && v <= S.score : v === S.score);
      b.setAttribute("aria-pressed", String(v === S.score));
      if (S.scale === "stars5") b.setAttribute("aria-label", t("star", { n: v }));
      else b.lastChild.textContent = t(v);
    });
    ui.question.textContent = t(S.scale === "three" ? "rateThree" : S.scale === "thumbs" ? "rateThumbs" : "rateStars");
    ui.rateBtn.disabled = S.score == null || S.busy;
    renderExtra();
  }

  // The extra question (docs/protocol.md, survey_question): yes/no or options as a radio group, or free text.
  // Its texts come from the server per language; the visitor's language falls back to English.
  function qt(texts) {
    texts = texts || {};
    return String(texts[S.lang] || texts.en || texts[Object.keys(texts)[0]] || "");
  }
  function setQuestion(q) {
    q = q && typeof q === "object" && q.key ? q : null;
    if (JSON.stringify(q) === JSON.stringify(S.question)) return;
    S.question = q; buildExtra();
  }
  function buildExtra() {
    var q = S.question;
    ui.extra.textContent = ""; ui.extraText = null; ui.extraLabels = [];
    show(ui.extra, !!q);
    if (!q) return;
    ui.extraOpt = h("span", { class: "opt" });
    if (q.kind === "text") {
      ui.extraTitle = h("span");
      ui.extraText = h("textarea", { id: "cw-extra", rows: "2", maxlength: String(q.max_length || 500),
        "data-testid": "survey-answer" });
      ui.extra.appendChild(h("div", { class: "extra" }, [
        h("label", { for: "cw-extra" }, [ui.extraTitle, " ", ui.extraOpt]), ui.extraText]));
    } else {
      ui.extraTitle = h("span");
      var opts = h("div", { class: "opts" });
      (q.options || []).forEach(function (o) {
        var input = h("input", { type: "radio", name: "cw-extra", value: String(o.value),
          "data-testid": "survey-option-" + o.value });
        var text = h("span");
        var label = h("label", null, [input, text]);
        input.addEventListener("change", renderExtra);
        opts.appendChild(label); ui.extraLabels.push({ label: label, input: input, text: text, option: o });
      });
      ui.extra.appendChild(h("fieldset", { class: "extra" }, [h("legend", null, [ui.extraTitle, " ", ui.extraOpt]), opts]));
    }
    renderExtra();
  }
  function renderExtra() {
    if (!S.question || !ui.extraTitle) return;
    ui.extraTitle.textContent = qt(S.question.text);
    ui.extraOpt.textContent = t("extraOptional");
    ui.extraLabels.forEach(function (e) {
      e.text.textContent = qt(e.option.text);
      e.label.classList.toggle("on", e.input.checked);
    });
  }
  function extraAnswer() {
    if (!S.question) return null;
    if (ui.extraText) return ui.extraText.value.trim() || null;
    for (var i = 0; i < ui.extraLabels.length; i++) if (ui.extraLabels[i].input.checked) return ui.extraLabels[i].input.value;
    return null;
  }

  // ---- transcript --------------------------------------------------------------------------------------
  function scrollDown() { ui.transcript.scrollTop = ui.transcript.scrollHeight; }

  function row(kind, name, text, meta, extraClass) {
    var r = h("div", { class: "row " + kind + (extraClass ? " " + extraClass : "") });
    if (name) r.appendChild(h("div", { class: "name" }, name));
    r.appendChild(h("div", { class: "bubble", "data-testid": "message", "data-author-kind": kind }, text));
    if (meta) r.appendChild(meta);
    return r;
  }

  function renderTranscript() {
    var tr = ui.transcript, atBottom = tr.scrollHeight - tr.scrollTop - tr.clientHeight < 80;
    tr.textContent = "";
    var prev = null;
    S.list.forEach(function (m) {
      var kind = (m.author && m.author.kind) || "system";
      var name = kind === "agent" && !(prev && prev.author && prev.author.kind === "agent" && prev.author.name === m.author.name)
        ? m.author.name || t("agent") : null;
      var r = row(kind, name, m.text || "");
      r.title = fmtTime(m.created_at);
      tr.appendChild(r); prev = m;
    });
    if (S.startText != null) tr.appendChild(row("visitor", null, S.startText, h("div", { class: "meta" }, t("sending")), "pending"));
    S.outbox.forEach(function (o) {
      if (!S.conv || o.conversation_id !== S.conv.id) return;
      var meta;
      if (o.failed) {
        var retry = h("button", { type: "button" }, t("retry"));
        retry.addEventListener("click", function () { o.failed = false; persistOutbox(); sendEntry(o); renderTranscript(); });
        meta = h("div", { class: "meta bad" }, [t("notSent") + " · ", retry]);
      } else meta = h("div", { class: "meta" }, t("sending"));
      tr.appendChild(row("visitor", null, o.text, meta, "pending"));
    });
    if (atBottom) scrollDown();
  }

  var typingTimer = null;
  function setTyping(on) {
    clearTimeout(typingTimer);
    if (on) {
      ui.typing.textContent = t("typing", { name: (S.conv && S.conv.agentName) || t("theAgent") });
      typingTimer = setTimeout(function () { setTyping(false); }, 8000);
    }
    show(ui.typing, !!on);
  }

  // ---- conversation state ------------------------------------------------------------------------------
  function resetConv(id, agentName) {
    S.conv = id ? { id: id, agentName: agentName || null } : null;
    S.byId = {}; S.bySeq = {}; S.list = []; S.lastSeq = 0; S.queue = null; S.score = null;
    ui.comment.value = ""; buildExtra();
    S.outbox = S.outbox.filter(function (o) { return id && o.conversation_id === id; });
    persistOutbox();
  }

  /** Adds what is new and returns it (for announcing). */
  function addMessages(msgs) {
    var added = [];
    (msgs || []).forEach(function (m) {
      if (!m || !m.id || !S.conv || m.conversation_id !== S.conv.id) return;
      if (m.client_id) dropOutbox(m.client_id);
      if (m.author && m.author.kind === "visitor") S.startText = null;
      if (S.byId[m.id]) return;
      S.byId[m.id] = m; S.bySeq[m.seq] = m; added.push(m);
      if (m.author && m.author.kind === "agent") setTyping(false);
    });
    while (S.bySeq[S.lastSeq + 1]) S.lastSeq++;
    if (added.length) S.list = Object.keys(S.byId).map(function (k) { return S.byId[k]; }).sort(function (a, b) { return a.seq - b.seq; });
    renderTranscript(); markSeen(); renderBadge();
    return added;
  }
  function announceMessages(msgs) {
    msgs.forEach(function (m) {
      var kind = m.author && m.author.kind;
      if (kind === "agent") announce((m.author.name || t("agent")) + ": " + m.text);
      else if (kind === "system") announce(m.text);
    });
  }

  function applyConversation(c) {
    if (!S.conv || S.conv.id !== c.id) resetConv(c.id);
    if (c.agent && c.agent.name) S.conv.agentName = c.agent.name;
    addMessages(c.messages);
    if (c.status === "queued") S.queue = c.queue || S.queue;
    if (c.status !== "closed") setView(viewFor(c.status));
    else if (c.rating) setView("thanks");
    else if (S.view !== "thanks") setView("closed");
  }

  // ---- outbox ------------------------------------------------------------------------------------------
  function persistOutbox() {
    save(K_OUTBOX, S.outbox.length ? JSON.stringify(S.outbox.map(function (o) {
      return { client_id: o.client_id, conversation_id: o.conversation_id, text: o.text, failed: !!o.failed };
    })) : null);
  }
  function dropOutbox(cid) {
    var n = S.outbox.length;
    S.outbox = S.outbox.filter(function (o) { return o.client_id !== cid; });
    if (S.outbox.length !== n) persistOutbox();
  }
  function sendEntry(o) {
    if (!socket || !socket.connected || o.inflight) return;
    o.inflight = true;
    socket.timeout(ACK_TIMEOUT).emit("message:send", { conversation_id: o.conversation_id, text: o.text, client_id: o.client_id },
      function (err, ack) {
        o.inflight = false;
        if (err) {
          if (socket.connected) { o.failed = true; persistOutbox(); showError("sendFailed"); }
          // disconnected: it stays in the outbox and goes again, with the same client_id, on reconnect
        } else if (ack && ack.ok) {
          dropOutbox(o.client_id); addMessages([ack.message]); showError(null);
        } else {
          var code = ack && ack.error && ack.error.code;
          if (FINAL[code]) { // retrying cannot help: give the text back to the visitor to edit
            dropOutbox(o.client_id);
            if (code !== "conversation_closed" && !ui.input.value) { ui.input.value = o.text; autosize(); }
          } else { o.failed = true; persistOutbox(); }
          showError(ack || "sendFailed");
        }
        renderTranscript();
      });
  }
  function flushOutbox() { S.outbox.forEach(function (o) { if (!o.failed) sendEntry(o); }); }

  // ---- actions -----------------------------------------------------------------------------------------
  // Calls made before socket.io-client has loaded (a quick visitor on a slow page) wait for it.
  var beforeLoad = [];
  function emitAck(ev, payload, cb) {
    if (!socket) {
      var item = { ev: ev, payload: payload, cb: cb };
      item.timer = setTimeout(function () {
        beforeLoad = beforeLoad.filter(function (x) { return x !== item; });
        cb({ ok: false, error: { code: "unavailable" } });
      }, ACK_TIMEOUT);
      beforeLoad.push(item);
      return;
    }
    socket.timeout(ACK_TIMEOUT).emit(ev, payload, function (err, ack) {
      if (err) return cb({ ok: false, error: { code: "timeout" } });
      cb(ack && typeof ack === "object" ? ack : { ok: false, error: { code: "bad_reply" } });
    });
  }

  function startPayload(text) {
    var payload = { text: text, page_url: location.href, page_title: document.title, client_id: S.startId.id,
      language: S.lang, vip: VIP };
    if (S.dept) payload.department = S.dept;
    try { payload.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch (e) { /* old browser */ }
    var name = ui.pName.value.trim(), email = ui.pEmail.value.trim();
    if (name) payload.name = name;
    if (email) payload.email = email;
    return payload;
  }

  function startChat() {
    var text = ui.pMsg.value.trim();
    if (!text) { showError("needText"); ui.pMsg.focus(); return; }
    if (S.busy) return;
    S.busy = true; ui.pSubmit.disabled = true; showError(null);
    // Same client_id for a retry of the same text, so a start whose ack was lost is not made twice.
    if (!S.startId || S.startId.text !== text) S.startId = { text: text, id: uuid() };
    var payload = startPayload(text);
    emitAck("chat:start", payload, function (ack) {
      S.busy = false; ui.pSubmit.disabled = false;
      if (!ack.ok) {
        showError(ack);
        if (ack.error && ack.error.field === "email") ui.pEmail.focus();
        // another tab already started a chat: reconnect so the `session` event hands it to us
        if (ack.error && ack.error.code === "already_active" && socket) { socket.disconnect(); socket.connect(); }
        return;
      }
      resetConv(ack.conversation_id, S.early[ack.conversation_id]);
      S.conv.email = payload.email || "";
      S.early = {}; S.startId = null;
      S.startText = text; ui.pMsg.value = "";
      S.queue = ack.queue || null;
      setView(viewFor(ack.status));
      if (ack.message) addMessages([ack.message]);
      resume();
      announce(ack.status === "offline" ? t("offlineTitle") : ack.status === "queued" ? queueLine() : "");
      ui.input.focus();
    });
  }

  function resume() {
    if (!S.conv) return;
    var id = S.conv.id;
    emitAck("chat:resume", { conversation_id: id, after_seq: S.lastSeq }, function (ack) {
      if (!S.conv || S.conv.id !== id) return;
      if (!ack.ok) return showError(ack);
      S.startText = null; announceMessages(addMessages(ack.messages)); // missed while starting or reconnecting
      if (ack.status === "queued" && ack.queue) { S.queue = ack.queue; renderQueue(); }
      if (ack.status === "closed" && S.view !== "thanks") setView("closed");
      else if (ack.status && isChatty(S.view) && viewFor(ack.status) !== S.view) setView(viewFor(ack.status));
    });
  }

  function sendFromComposer() {
    var text = ui.input.value.trim();
    if (!text || !S.conv || !isChatty(S.view)) return;
    var o = { client_id: uuid(), conversation_id: S.conv.id, text: text, failed: false };
    S.outbox.push(o); persistOutbox();
    ui.input.value = ""; autosize(); stopTyping(); showError(null);
    renderTranscript(); scrollDown();
    sendEntry(o);
  }

  var typingSentAt = 0, typingStopTimer = null;
  function emitTyping(on) {
    if (!socket || !socket.connected || !S.conv) return;
    socket.emit("typing", { conversation_id: S.conv.id, typing: on }, function (ack) {
      if (ack && ack.ok === false && window.console) console.warn("chat widget: typing", ack.error);
    });
  }
  function onTypingInput() {
    if (!S.conv || !isChatty(S.view)) return;
    if (!ui.input.value.trim()) { stopTyping(); return; }
    if (Date.now() - typingSentAt > 2500) { typingSentAt = Date.now(); emitTyping(true); }
    clearTimeout(typingStopTimer); typingStopTimer = setTimeout(stopTyping, 3000);
  }
  function stopTyping() {
    clearTimeout(typingStopTimer);
    if (typingSentAt) { typingSentAt = 0; emitTyping(false); }
  }

  function endChat() {
    if (!S.conv) return;
    var id = S.conv.id;
    stopTyping();
    emitAck("chat:end", { conversation_id: id }, function (ack) {
      if (ack.ok || (ack.error && ack.error.code === "conversation_closed")) { if (S.conv && S.conv.id === id) closed(); }
      else showError(ack);
    });
  }

  /** The chat ended (either side): show the survey, and keep keyboard focus inside the panel. */
  function closed() {
    var hadFocus = ui.panel.contains(ui.w.getRootNode().activeElement);
    if (S.view !== "thanks") setView("closed");
    announce(t("ended"));
    if (hadFocus && S.view === "closed" && ui.choiceBtns[0]) ui.choiceBtns[0].focus();
  }

  function rate() {
    if (!S.conv || S.score == null || S.busy) return;
    var payload = { conversation_id: S.conv.id, score: S.score }, comment = ui.comment.value.trim();
    if (comment) payload.comment = comment;
    var answer = extraAnswer();
    if (answer != null) payload.answer = answer;
    S.busy = true; renderChoices();
    emitAck("chat:rate", payload, function (ack) {
      S.busy = false; renderChoices();
      if (ack.ok || (ack.error && ack.error.code === "already_rated")) {
        showError(null); setView("thanks"); ui.newChat.focus();
      } else showError(ack);
    });
  }

  function newChat() {
    resetConv(null); S.startText = null; showError(null); setView("prechat"); renderBadge();
    fetchConfig();
    setTimeout(focusFirst, 0);
  }

  // ---- opening and focus -------------------------------------------------------------------------------
  /** A quick visitor already clicked into a field: moving the focus now would send their typing elsewhere. */
  function typingInPanel() {
    var a = ui.w.getRootNode().activeElement;
    return !!a && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName) && ui.w.contains(a);
  }
  function focusFirst() {
    var v = S.view, target = v === "prechat" ? (ui.deptField.hidden ? ui.pName : ui.pDept)
      : isChatty(v) ? ui.input : v === "closed" ? ui.choiceBtns[0] : ui.newChat;
    if (target) target.focus();
  }

  function setOpen(v, instant) {
    S.open = v; save(K_OPEN, v ? "1" : "0");
    ui.w.classList.toggle("instant", !!instant);
    ui.w.classList.toggle("open", v);
    ui.launcher.setAttribute("aria-expanded", v ? "true" : "false");
    if (v) {
      fetchConfig(); // opening hours and who is on duty may have changed since the page loaded
      markSeen();
      if (!instant) setTimeout(function () { if (!typingInPanel()) focusFirst(); scrollDown(); }, 50);
    }
    renderBadge();
  }

  // ---- the line ----------------------------------------------------------------------------------------
  // runs: [[first ticket, count], ...] in line order; our place is the number of tickets up to ours.
  function placeIn(runs, ticket) {
    var ahead = 0;
    for (var i = 0; i < runs.length; i++) {
      var first = runs[i][0], count = runs[i][1];
      if (ticket >= first && ticket < first + count) return ahead + ticket - first + 1;
      ahead += count;
    }
    return 0;
  }

  // The server's estimate_wait (chat_server/routing/queue.py), so both say the same.
  function estimateWait(position, free, slots, handle) {
    if (position <= free) return 30;
    if (slots <= 0) return Math.floor(Math.max(60, position * handle));
    return Math.floor(Math.max(30, Math.ceil((position - free) * handle / slots)));
  }

  // ---- socket ------------------------------------------------------------------------------------------
  function connect() {
    if (!window.io) { setConn("unavailable"); return; }
    socket = window.io(SRC.origin + "/visitor", {
      path: BASE_PATH + "/socket.io/",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      // a function, so every reconnect sends the token saved by the latest `session` event
      auth: function (cb) { cb({ visitor_token: load(K_TOKEN) || undefined }); }
    });
    beforeLoad.splice(0).forEach(function (x) { clearTimeout(x.timer); emitAck(x.ev, x.payload, x.cb); }); // buffered until connected
    socket.on("connect", function () {
      setConn(null);
      if (S.connectedOnce && S.conv) resume();
      S.connectedOnce = true;
      flushOutbox();
    });
    socket.on("disconnect", function (reason) { if (reason !== "io client disconnect") setConn("connLost"); });
    socket.on("connect_error", function () { setConn("connFail"); });
    socket.on("session", onSession);
    socket.on("queue:update", function (p) {
      if (!p || !S.conv || p.conversation_id !== S.conv.id) return;
      var moved = !S.queue || S.queue.position !== p.position;
      S.queue = { position: p.position, estimated_wait_s: p.estimated_wait_s,
                  department: p.department, ticket: p.ticket };
      if (S.view === "chatting" || S.view === "offline") {
        setView("queued"); // (back) in line
        resume(); // follows the line's queue:line again (and catches up on anything missed)
      } else renderQueue();
      if (moved) announce(queueLine());
    });
    // How the department's line stands (docs/protocol.md): count our own place in it.
    socket.on("queue:line", function (p) {
      var q = S.queue;
      if (!p || !q || q.ticket == null || p.department !== q.department || S.view !== "queued") return;
      var position = placeIn(p.runs || [], q.ticket);
      if (!position) return; // not in this line (any more): being offered or assigned
      var moved = q.position !== position;
      S.queue = { position: position, estimated_wait_s: estimateWait(position, p.free, p.slots, p.handle_s),
                  department: q.department, ticket: q.ticket };
      renderQueue();
      if (moved) announce(queueLine());
    });
    socket.on("chat:assigned", function (p) {
      if (p && p.agent && (!S.conv || p.conversation_id !== S.conv.id)) S.early[p.conversation_id] = p.agent.name;
      if (!p || !S.conv || p.conversation_id !== S.conv.id) return;
      if (p.agent && p.agent.name) S.conv.agentName = p.agent.name; // also after a transfer
      var was = S.view;
      if (isChatty(was)) setView("chatting");
      // A left message taken up while the visitor is here comes with no "joined" system message.
      if (was === "offline") announce(t("subChatting", { name: S.conv.agentName || t("theAgent") }));
    });
    socket.on("message:new", function (p) { if (p && p.message) announceMessages(addMessages([p.message])); });
    socket.on("typing", function (p) {
      if (p && S.conv && p.conversation_id === S.conv.id && S.view === "chatting") setTyping(!!p.typing);
    });
    socket.on("chat:closed", function (p) {
      if (!p || !S.conv || p.conversation_id !== S.conv.id) return;
      if (p.rating_scale) setScale(p.rating_scale); // the conversation's department may set its own
      if ("survey_question" in p) setQuestion(p.survey_question); // and its own extra question
      stopTyping();
      S.outbox.forEach(function (o) { o.failed = true; }); persistOutbox();
      closed();
    });
  }

  function onSession(p) {
    if (!p || typeof p !== "object") return;
    if (p.visitor_token) save(K_TOKEN, p.visitor_token);
    if (p.rating_scale) setScale(p.rating_scale);
    if ("survey_question" in p) setQuestion(p.survey_question);
    if (p.conversation) {
      applyConversation(p.conversation);
      if (load(K_OPEN) === "1" && !S.open) setOpen(true, true);
    } else if (S.conv && S.view !== "thanks" && !S.busy) {
      newChat();
    }
    flushOutbox();
  }

  function boot() {
    S.lang = detectLanguage();
    build();
    fetchConfig();
    if (window.io) return connect();
    // The bundle is UMD: with an AMD loader (RequireJS) on the page it would call define() instead of
    // setting window.io, so hide define while it runs.
    var amd = typeof window.define === "function" && window.define.amd ? window.define : null;
    if (amd) window.define = undefined;
    var s = document.createElement("script");
    s.src = BASE + "/widget/vendor/socket.io.min.js";
    s.async = true;
    s.onload = function () { if (amd) window.define = amd; connect(); };
    s.onerror = function () { if (amd) window.define = amd; setConn("unavailable"); };
    (document.head || document.documentElement).appendChild(s);
  }

  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot);
})();

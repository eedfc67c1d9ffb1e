// Agent console entry point (ES module). Speaks the /agent namespace of docs/protocol.md.
// `io` comes from /widget/vendor/socket.io.min.js, loaded as a classic script before this module.
import { $, show, errorText } from "./dom.js";
import { startConsole } from "./console-app.js";
import { wireEvents } from "./console-events.js";

if ($("login-form")) initLogin();
else initApp();

// ---- sign-in --------------------------------------------------------------------------------------------
function initLogin() {
  const form = $("login-form");
  const err = form.querySelector('[data-testid="login-error"]');
  const btn = form.querySelector('[data-testid="login-submit"]');
  const showErr = (text) => { err.textContent = text || ""; show(err, !!text); };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    if (!email || !password) return showErr("Enter your email and password.");
    btn.disabled = true;
    btn.textContent = "Signing in…";
    showErr(null);
    try {
      const res = await fetch("/api/auth/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ email, password }),
      });
      if (res.ok) return location.reload();
      if (res.status === 401) showErr("Wrong email or password");
      else {
        const body = await res.json().catch(() => null);
        showErr(errorText(body, `Sign-in failed (HTTP ${res.status}).`));
      }
    } catch {
      showErr("Can't reach the server. Check your connection and try again.");
    }
    btn.disabled = false;
    btn.textContent = "Sign in";
  });
}

// ---- the console ----------------------------------------------------------------------------------------
function initApp() {
  if (typeof window.io !== "function") {
    $("conn").textContent = "The real-time client failed to load. Reload the page to try again.";
    show($("conn"), true);
    return;
  }
  const socket = window.io("/agent", { transports: ["websocket", "polling"], tryAllTransports: true });
  const app = startConsole(socket);
  wireEvents(app);
  // /console?watch=c_… (from the supervision page): a manager follows that chat live.
  const watch = new URLSearchParams(location.search).get("watch");
  if (watch && app.me.role === "manager") {
    app.state.watching.add(watch);
    app.state.pendingWatch = watch;
    history.replaceState(null, "", location.pathname);
  }
  app.render();
}

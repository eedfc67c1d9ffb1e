// Getting the agent's attention while the console is in a background tab: a short beep (WebAudio,
// no sound file) and a desktop notification. Permission for notifications is asked only when the
// agent presses the banner's button, never on load (browsers penalise pages that ask unprompted).
import { $, show } from "./dom.js";

const SOUND_KEY = "chatConsole.sound";
const BANNER_KEY = "chatConsole.notifyBannerDismissed";

export function createAlerts({ onOpen }) {
  let audio = null;
  let soundOn = localStorage.getItem(SOUND_KEY) !== "off";
  const supported = "Notification" in window;

  // Browsers allow audio only after a user gesture: make (or wake) the context on the first one.
  function unlock() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
    } catch { audio = null; }
  }
  for (const ev of ["pointerdown", "keydown"]) window.addEventListener(ev, unlock, { capture: true, passive: true });

  function tone(freq, start, length, volume = 0.12) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(volume, start + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + length + 0.02);
  }

  // kind: "message" (one soft blip), "chat" (two rising notes), "offer" (a ring: three notes).
  function beep(kind = "message") {
    if (!soundOn || !audio || audio.state !== "running") return;
    const t = audio.currentTime + 0.01;
    if (kind === "message") tone(880, t, 0.16);
    else if (kind === "chat") { tone(660, t, 0.14); tone(990, t + 0.15, 0.2); }
    else { tone(784, t, 0.12); tone(988, t + 0.13, 0.12); tone(1175, t + 0.26, 0.22); }
  }

  function notify(title, body, { tag, conversationId } = {}) {
    if (!supported || Notification.permission !== "granted") return;
    try {
      const n = new Notification(title, { body: (body || "").slice(0, 140), tag, renotify: !!tag });
      n.onclick = () => { window.focus(); if (conversationId) onOpen(conversationId); n.close(); };
    } catch { /* some platforms (Android Chrome) only notify from a service worker */ }
  }

  // Something happened: always beep for a ringing offer; otherwise only when the tab is hidden.
  function alert(kind, title, body, opts = {}) {
    if (kind === "offer" || document.hidden) beep(kind);
    if (document.hidden) notify(title, body, opts);
  }

  function renderBanner() {
    const banner = $("notify-banner");
    show(banner, supported && Notification.permission === "default" && localStorage.getItem(BANNER_KEY) !== "1");
  }

  $("notify-enable").addEventListener("click", async () => {
    unlock();
    try { await Notification.requestPermission(); } catch { /* old Safari: callback form, ignored */ }
    renderBanner();
    beep("chat");
  });
  $("notify-dismiss").addEventListener("click", () => { localStorage.setItem(BANNER_KEY, "1"); renderBanner(); });

  const soundBtn = $("sound-toggle");
  function renderSound() {
    soundBtn.setAttribute("aria-pressed", String(soundOn));
    soundBtn.title = soundOn ? "Sound on (click to mute)" : "Sound off (click to unmute)";
    soundBtn.classList.toggle("is-off", !soundOn);
  }
  soundBtn.addEventListener("click", () => {
    soundOn = !soundOn;
    localStorage.setItem(SOUND_KEY, soundOn ? "on" : "off");
    renderSound();
    unlock();
    beep("message");
  });
  renderSound();
  renderBanner();
  return { alert, beep };
}

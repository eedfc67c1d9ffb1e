// Shared plumbing for add-ons of the console's reply textarea (picker, assistant): one positioned
// wrapper around the textarea, and text insertion that the console notices (an `input` event fires,
// so drafts and the typing indicator stay right).

export function ensureWrap(textarea) {
  const parent = textarea.parentElement;
  if (parent && parent.classList.contains("cr-wrap")) return parent;
  const wrap = document.createElement("div");
  wrap.className = "cr-wrap";
  textarea.replaceWith(wrap);
  wrap.appendChild(textarea);
  return wrap;
}

// Replace text[start, end) with `text`; select `selectText`'s first occurrence in the new text if given
// (e.g. "…", a spot the agent completes), else put the caret after the insertion.
export function replaceRange(textarea, start, end, text, selectText = null) {
  textarea.focus();
  textarea.setSelectionRange(start, end);
  // execCommand keeps the browser's undo history (Ctrl+Z undoes an insertion); fall back if unsupported.
  const ok = typeof document.execCommand === "function" && document.execCommand("insertText", false, text);
  if (!ok || textarea.value.slice(start, start + text.length) !== text) {
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  const spot = selectText ? text.indexOf(selectText) : -1;
  if (spot >= 0) textarea.setSelectionRange(start + spot, start + spot + selectText.length);
  else textarea.setSelectionRange(start + text.length, start + text.length);
}

// Call fn when the textarea's value changes in any way, including programmatic `value = ...` by the
// console (sending clears it, switching chats restores a draft), which fires no event.
export function watchValue(textarea, fn, intervalMs = 250) {
  let last = textarea.value;
  const check = () => {
    if (textarea.value !== last) {
      last = textarea.value;
      fn(last);
    }
  };
  textarea.addEventListener("input", check);
  const timer = setInterval(check, intervalMs);
  return () => { clearInterval(timer); textarea.removeEventListener("input", check); };
}

// The GOV.UK timeout warning. The page knows how long its session has left (the dialog's
// data-seconds-left, then the Waymark-Session-Seconds-Left header of every htmx answer); before the
// end it asks whether to stay signed in. Typing in a form counts as activity: it extends the session,
// at most every 30 seconds. When the end comes, a draft editor stays as it is, since Save draft then
// keeps what was typed over the sign-in.
const HEADER = "Waymark-Session-Seconds-Left";
const TYPING_EXTENDS_AFTER_MS = 30 * 1000;

export function startTimeoutWarning(dialog) {
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const warning = dialog.querySelector('[data-timeout-state="warning"]');
  const ended = dialog.querySelector('[data-timeout-state="ended"]');
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const announcement = dialog.querySelector("[data-timeout-announcement]");
  const extendButton = dialog.querySelector("[data-timeout-extend]");
  const finalNote = dialog.querySelector("[data-timeout-final]");
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  let endsAt = 0;
  let lastContact = 0;
  let hasEnded = false;
  let lastAnnounced = null;

  function heard(secondsLeft) {
    endsAt = Date.now() + secondsLeft * 1000;
    lastContact = Date.now();
    if (!dialog.open) return;
    if (secondsLeft > warnSeconds) {
      dialog.close();
    } else {
      // Extended, and still about to end: the session has reached the longest it may last.
      extendButton.hidden = true;
      finalNote.hidden = false;
    }
  }

  async function extend() {
    let response;
    try {
      response = await fetch(dialog.dataset.extendUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken },
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      return; // Offline for a moment: the countdown goes on, and the next try may reach the server.
    }
    if (response.status === 204) heard(Number(response.headers.get(HEADER)));
    else end();
  }

  function describe(seconds) {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }

  function warn(secondsLeft) {
    if (!dialog.open) {
      lastAnnounced = null;
      dialog.showModal();
    }
    countdown.textContent = describe(secondsLeft);
    // A screen reader hears the time at the start, then each minute, then every 20 seconds in the last one.
    const step = secondsLeft > 60 ? `minute ${Math.ceil(secondsLeft / 60)}` : `seconds ${Math.ceil(secondsLeft / 20)}`;
    if (step !== lastAnnounced) {
      lastAnnounced = step;
      announcement.textContent = `For your security, we will sign you out in ${describe(secondsLeft)}.`;
    }
  }

  function end() {
    hasEnded = true;
    warning.hidden = true;
    ended.hidden = false;
    dialog.setAttribute("aria-labelledby", "session-ended-heading");
    dialog.removeAttribute("aria-describedby");
    if (document.querySelector("form[data-kept-over-sign-in]")) {
      dialog.querySelectorAll("[data-timeout-keeps-form]").forEach((element) => { element.hidden = false; });
    }
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("#session-ended-heading").focus();
  }

  function tick() {
    if (hasEnded) return;
    const secondsLeft = Math.ceil((endsAt - Date.now()) / 1000);
    if (secondsLeft <= 0) end();
    else if (secondsLeft <= warnSeconds) warn(secondsLeft);
  }

  heard(Number(dialog.dataset.secondsLeft));
  extendButton.addEventListener("click", extend);
  // Escape answers "Stay signed in", as the pattern asks; once signed out it just closes the dialog.
  dialog.addEventListener("cancel", (event) => {
    if (!hasEnded) {
      event.preventDefault();
      extend();
    }
  });
  dialog.querySelector("[data-timeout-close]").addEventListener("click", () => dialog.close());
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const secondsLeft = event.detail.xhr.getResponseHeader(HEADER);
    if (secondsLeft !== null && !hasEnded) heard(Number(secondsLeft));
  });
  document.addEventListener("input", () => {
    if (!hasEnded && !dialog.open && Date.now() - lastContact > TYPING_EXTENDS_AFTER_MS) {
      lastContact = Date.now();
      extend();
    }
  });
  setInterval(tick, 1000);
}

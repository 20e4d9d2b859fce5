// The subscribe form sent in place (site/src/lib/subscribe.ts renders it; it works without this): the
// same fields to the same /subscriptions, asking for JSON, and the answer's message shown under the
// button, in the page's language (the worker writes it). With Turnstile on, the widget is reset after
// each try, since a token is good for one check only.
(() => {
  /** @type {HTMLFormElement | null} */
  const form = document.querySelector("form.sub[action='/subscriptions']");
  if (!form || !window.fetch) return;
  const result = /** @type {HTMLElement} */ (form.querySelector("#sub-result"));
  const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const label = button.textContent;
    button.disabled = true;
    button.textContent = button.dataset.sending || label;
    for (const e of form.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    try {
      const res = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json" },
        body: new URLSearchParams(/** @type {any} */ (new FormData(form))),
        credentials: "same-origin",
      });
      const body = await res.json().catch(() => ({}));
      result.textContent = body.message || body.error || String(res.status);
      result.className = res.ok ? "ok" : "err";
      const field = !res.ok && body.field && form.querySelector(`[name="${CSS.escape(String(body.field).replace(/\[\d+\]$/, ""))}"]`);
      if (field) {
        field.setAttribute("aria-invalid", "true");
        field.focus();
      }
      if (res.ok) form.reset();
    } catch {
      result.textContent = form.dataset.offline || "…";
      result.className = "err";
    } finally {
      button.disabled = false;
      button.textContent = label;
      /** @type {{ turnstile?: { reset(): void } }} */ (/** @type {unknown} */ (window)).turnstile?.reset();
    }
  });
})();

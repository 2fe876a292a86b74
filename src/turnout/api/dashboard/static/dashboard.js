// Turnout dashboard: asks before actions that change the working configuration, and submits
// filter forms when a [data-autosubmit] select changes. A file, not inline handlers, so that the
// Content-Security-Policy can forbid inline scripts.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
// A trial running on the configuration page: ask the server where it stands every second, show
// the count, and reload the page (which then shows the report) when it is done.
(() => {
  const box = document.querySelector('.trial[data-status="running"]');
  if (!box) return;
  const id = box.getAttribute("data-trial");
  const done = box.querySelector("[data-done]");
  const total = box.querySelector("[data-total]");
  const poll = () => {
    fetch(`/trials/${encodeURIComponent(id)}/progress`, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((t) => {
        if (done) done.textContent = t.done;
        if (total) total.textContent = t.total;
        if (t.status === "running") window.setTimeout(poll, 1000);
        else window.location.reload(); // the page then shows the report (a URL differing only by its #part would not load)
      })
      .catch(() => window.setTimeout(poll, 3000));
  };
  window.setTimeout(poll, 500);
})();

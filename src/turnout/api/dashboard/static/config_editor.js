// The new-version page: the form (stage → module, its settings, the fallback policy) writes the
// YAML editor as it changes. Once the YAML is edited by hand, the form stops writing it (the YAML
// wins) until "Write the YAML from the form again" is pressed. Tab in the editor inserts spaces;
// the gutter shows line numbers.
(() => {
  const form = document.getElementById("config-form");
  const editor = document.getElementById("document");
  if (!form || !editor) return;
  const gutter = document.getElementById("gutter");
  const state = document.getElementById("yaml-state");
  const again = document.getElementById("from-form");
  const start = JSON.parse(document.getElementById("start-document").textContent || "{}");
  let handEdited = editor.hasAttribute("data-hand-edited"); // shown again as it was typed

  // --- YAML out: enough of YAML for a configuration document (maps, lists, scalars) ---------
  const PLAIN = /^[A-Za-z_./][A-Za-z0-9_./ -]*$/;
  const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;
  function scalar(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean" || typeof v === "number") return String(v);
    const s = String(v);
    if (s !== "" && PLAIN.test(s) && !RESERVED.test(s) && !/\s$/.test(s) && !/: /.test(s)) return s;
    return JSON.stringify(s);
  }
  function isMap(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function dump(v, indent) {
    const pad = " ".repeat(indent);
    if (Array.isArray(v)) {
      if (!v.length) return " []\n";
      return "\n" + v.map((x) => {
        if (isMap(x) || Array.isArray(x)) return pad + "-" + dump(x, indent + 2).replace(/^\n\s*/, " ");
        return pad + "- " + scalar(x) + "\n";
      }).join("");
    }
    if (isMap(v)) {
      const keys = Object.keys(v);
      if (!keys.length) return " {}\n";
      return "\n" + keys.map((k) => {
        const x = v[k];
        if (isMap(x) || Array.isArray(x)) return pad + scalar(k) + ":" + dump(x, indent + 2);
        return pad + scalar(k) + ": " + scalar(x) + "\n";
      }).join("");
    }
    return " " + scalar(v) + "\n";
  }
  function toYaml(doc) { return dump(doc, 0).replace(/^\n/, ""); }

  // --- the form read into a document ------------------------------------------------------
  function typed(kind, text) {
    const t = text.trim();
    if (t === "") return undefined;
    if (kind === "boolean") return t === "true";
    if (kind === "integer" || kind === "number") {
      const n = Number(t.replace(",", "."));
      return Number.isFinite(n) ? n : t; // kept as typed: validation names the problem
    }
    if (kind === "list") return t.split(",").map((x) => x.trim()).filter((x) => x);
    return t;
  }
  function selectionOf(fs, stage) {
    const module = fs.querySelector('[data-role="module"]').value;
    if (!module) return null;
    const before = (start.selections || {})[stage] || {};
    // settings the form cannot show are kept from the document it started from
    const settings = before.module === module ? { ...(before.settings || {}) } : {};
    const box = fs.querySelector(`.module-settings[data-module="${CSS.escape(module)}"]`);
    if (box) {
      box.querySelectorAll(".setting").forEach((row) => {
        const kind = row.dataset.kind;
        const input = row.querySelector('[data-role="value"]');
        if (!input) return;
        const value = typed(kind, input.value);
        if (value === undefined) delete settings[row.dataset.setting];
        else settings[row.dataset.setting] = value;
      });
    }
    const out = { module };
    if (Object.keys(settings).length) out.settings = settings;
    return out;
  }
  function policyOf(fs, stage) {
    if (!fs.querySelector('[data-role="policy-on"]').checked) return null;
    const before = (start.policies || {})[stage] || {};
    const triggers = [...fs.querySelectorAll('[data-role="trigger"]:checked')].map((x) => x.value);
    const fallback = fs.querySelector('[data-role="fallback"]').value;
    const actions = { ...(before.actions || {}) };
    const exhausted = fs.querySelector('[data-role="on-exhausted"]').value;
    if (exhausted) actions.on_exhausted = exhausted; else delete actions.on_exhausted;
    const timeout = typed("number", fs.querySelector('[data-role="timeout"]').value);
    if (timeout === undefined) delete actions.timeout_s; else actions.timeout_s = timeout;
    if (before.fallback !== fallback) delete actions.fallback_settings; // they were for the other module
    const out = { triggers };
    if (fallback) out.fallback = fallback;
    if (Object.keys(actions).length) out.actions = actions;
    return out;
  }
  function documentOf() {
    const doc = { summary: document.getElementById("summary").value.trim() || start.summary || "" };
    doc.selections = {};
    const policies = {};
    form.querySelectorAll("fieldset[data-stage]").forEach((fs) => {
      const stage = fs.dataset.stage;
      const sel = selectionOf(fs, stage);
      if (sel) doc.selections[stage] = sel;
      const pol = policyOf(fs, stage);
      if (pol) policies[stage] = pol;
    });
    if (Object.keys(policies).length) doc.policies = policies;
    if (start.guard) doc.guard = start.guard;
    return doc;
  }

  // --- wiring -------------------------------------------------------------------------------
  function lines() {
    if (!gutter) return;
    const n = editor.value.split("\n").length;
    let text = "";
    for (let i = 1; i <= n; i += 1) text += i + "\n";
    gutter.textContent = text;
    gutter.scrollTop = editor.scrollTop;
  }
  function showModule(fs) {
    const chosen = fs.querySelector('[data-role="module"]').value;
    fs.querySelectorAll(".module-settings").forEach((box) => { box.hidden = box.dataset.module !== chosen; });
  }
  function write() {
    if (handEdited) return;
    editor.value = toYaml(documentOf());
    lines();
  }
  form.addEventListener("change", (event) => {
    const fs = event.target.closest("fieldset[data-stage]");
    if (fs && event.target.dataset.role === "module") showModule(fs);
    if (fs && event.target.dataset.role !== "policy-on" && event.target.closest(".policy")) {
      fs.querySelector('[data-role="policy-on"]').checked = true; // touching the policy turns it on
    }
    write();
  });
  form.addEventListener("input", (event) => { if (event.target.tagName === "INPUT") write(); });
  const summary = document.getElementById("summary");
  if (summary) summary.addEventListener("input", write);
  editor.addEventListener("input", () => {
    lines();
    if (!handEdited) {
      handEdited = true;
      if (state) state.textContent = "edited by hand: the YAML counts, the form no longer writes it";
      if (again) again.hidden = false;
    }
  });
  editor.addEventListener("scroll", () => { if (gutter) gutter.scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    const { selectionStart: a, selectionEnd: b, value } = editor;
    editor.value = value.slice(0, a) + "  " + value.slice(b);
    editor.selectionStart = editor.selectionEnd = a + 2;
    editor.dispatchEvent(new Event("input"));
  });
  if (again) {
    again.addEventListener("click", () => {
      handEdited = false;
      again.hidden = true;
      if (state) state.textContent = "written from the form";
      write();
    });
  }
  lines();
})();

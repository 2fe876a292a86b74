// Turnout review screen: highlights on the page image where the hovered or focused field was read,
// checks each value as it is typed (dates, amounts, IBAN here; every value again on the server
// with the pipeline's own parsers), shows live whether the totals add up, and asks for a reason
// before a rejection. A file, not inline code, so the Content-Security-Policy can forbid inline
// scripts; positions are set through the CSSOM, which that policy allows.
(() => {
  "use strict";
  const form = document.getElementById("review-form");
  if (!form) {
    return;
  }
  const runId = form.dataset.run;
  const where = document.getElementById("where");
  const pane = document.getElementById("pages");
  const pages = new Map();
  document.querySelectorAll(".page[data-page]").forEach((p) => pages.set(Number(p.dataset.page), p));
  const inputs = Array.from(form.querySelectorAll("input[data-kind]"));
  const byPath = new Map(inputs.map((i) => [i.name.slice(2), i]));

  // --- where a field was read -------------------------------------------------------------
  function clearHighlight() {
    document.querySelectorAll(".page .hl").forEach((e) => e.remove());
    document.querySelectorAll("[data-path].hover").forEach((e) => e.classList.remove("hover"));
  }

  function boxesOf(input) {
    try {
      const found = JSON.parse(input.dataset.boxes || "[]");
      return Array.isArray(found) ? found : [];
    } catch (_) {
      return [];
    }
  }

  function highlight(input) {
    clearHighlight();
    const holder = input.closest("[data-path]");
    if (holder) {
      holder.classList.add("hover");
    }
    const boxes = boxesOf(input);
    const label = input.dataset.label || input.name.slice(2);
    if (!boxes.length && input.dataset.origin === "einvoice") {
      where.textContent = input.value.trim()
        ? `${label}: from the e-invoice's XML, not from a page`
        : `${label}: not in the e-invoice`;
      where.className = "from-einvoice";
      return;
    }
    if (!boxes.length) {
      where.textContent = `${label}: no box — not read from the page`;
      where.className = "nobox";
      return;
    }
    let first = null;
    for (const [page, left, top, right, bottom] of boxes) {
      const sheet = pages.get(Number(page));
      if (!sheet) {
        continue;
      }
      // boxes are fractions of the page; a box in points is scaled by the page's size in points
      const inPoints = Math.max(left, top, right, bottom) > 1.5;
      const w = inPoints ? Number(sheet.dataset.widthPt) || 1 : 1;
      const h = inPoints ? Number(sheet.dataset.heightPt) || 1 : 1;
      const mark = document.createElement("div");
      mark.className = "hl";
      mark.dataset.field = input.name.slice(2);
      mark.style.left = `${(left / w) * 100}%`;
      mark.style.top = `${(top / h) * 100}%`;
      mark.style.width = `${Math.max((right - left) / w, 0.004) * 100}%`;
      mark.style.height = `${Math.max((bottom - top) / h, 0.004) * 100}%`;
      sheet.appendChild(mark);
      first = first || mark;
    }
    where.textContent = `${label}: read on page ${boxes[0][0]}`;
    where.className = "";
    if (first && pane) {
      const sheet = first.parentElement;
      const y = sheet.offsetTop + first.offsetTop - pane.offsetTop;
      const shown = y >= pane.scrollTop && y + first.offsetHeight <= pane.scrollTop + pane.clientHeight;
      if (!shown) {
        pane.scrollTo({ top: Math.max(y - pane.clientHeight / 3, 0), behavior: "smooth" });
      }
    }
  }

  form.addEventListener("focusin", (event) => {
    if (event.target.matches && event.target.matches("input[data-kind]")) {
      highlight(event.target);
    }
  });
  form.addEventListener("mouseover", (event) => {
    const holder = event.target.closest && event.target.closest("[data-path]");
    const input = holder && holder.querySelector("input[data-kind]");
    if (input) {
      highlight(input);
    }
  });
  form.addEventListener("mouseleave", () => {
    const focused = document.activeElement;
    if (focused && focused.matches && focused.matches("input[data-kind]")) {
      highlight(focused);
    } else {
      clearHighlight();
    }
  });

  // --- values as a person types them ------------------------------------------------------
  function parseAmount(text) {
    let t = String(text).replace(/[\s\u00a0\u202f'’]/g, "").replace(/[€$£]|[A-Z]{3}/gi, "");
    let negative = false;
    if (/^[-−(]/.test(t) || /[-−)]$/.test(t)) {
      negative = true;
      t = t.replace(/^[-−(]|[-−)]$/g, "");
    }
    if (!/^\d[\d.,]*$/.test(t)) {
      return null;
    }
    const lastDot = t.lastIndexOf(".");
    const lastComma = t.lastIndexOf(",");
    let decimal = null;
    if (lastDot >= 0 && lastComma >= 0) {
      decimal = lastDot > lastComma ? "." : ",";
    } else if (lastComma >= 0) {
      decimal = /^\d{1,3}(,\d{3})+$/.test(t) ? null : ",";
    } else if (lastDot >= 0) {
      decimal = /^\d{1,3}(\.\d{3}){2,}$/.test(t) ? null : ".";
    }
    const thousands = decimal === "." ? "," : decimal === "," ? "." : /[.,]/;
    let digits = t.split(thousands).join("");
    if (decimal === ",") {
      digits = digits.replace(",", ".");
    }
    if (!/^\d+(\.\d+)?$/.test(digits)) {
      return null;
    }
    const value = Number(digits);
    return negative ? -value : value;
  }

  function validDate(y, m, d) {
    const day = new Date(Date.UTC(y, m - 1, d));
    return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
  }

  function checkDate(text) {
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (m) {
      return validDate(+m[1], +m[2], +m[3]) ? true : "no such day";
    }
    m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(text);
    if (m) {
      const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      return validDate(year, +m[2], +m[1]) ? true : "no such day";
    }
    return null; // a written-out date: the server reads it
  }

  function ibanOk(text) {
    const iban = text.replace(/\s/g, "").toUpperCase();
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) {
      return false;
    }
    const moved = iban.slice(4) + iban.slice(0, 4);
    let rest = 0;
    for (const ch of moved) {
      const code = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
      for (const digit of code) {
        rest = (rest * 10 + Number(digit)) % 97;
      }
    }
    return rest === 1;
  }

  // what the browser can tell at once: true (fine), a message (wrong) or null (ask the server)
  function localCheck(kind, text) {
    if (!text) {
      return true;
    }
    if (kind === "amount" || kind === "number") {
      return parseAmount(text) === null ? "not a number; write it like 1234.56 or 1.234,56" : true;
    }
    if (kind === "date") {
      const verdict = checkDate(text);
      return verdict === true || verdict === null ? verdict : `${verdict}; write it as 2024-03-05 or 05.03.2024`;
    }
    if (kind === "iban") {
      return ibanOk(text) ? true : "the IBAN's check digits are wrong (or it is too short)";
    }
    return kind === "text" ? true : null;
  }

  function noteOf(input) {
    const cell = input.closest("[data-path]");
    return cell ? cell.querySelector(".check") : null;
  }

  function show(input, ok, message) {
    const edited = isChanged(input);
    input.classList.toggle("invalid", ok === false);
    input.classList.toggle("valid", ok === true && edited && input.value.trim() !== "" && input.dataset.kind !== "text");
    const note = noteOf(input);
    if (note) {
      note.textContent = message || "";
      note.className = `check ${ok === false ? "bad" : ok === true && message ? "good" : ""}`;
    }
    input.setAttribute("aria-invalid", ok === false ? "true" : "false");
  }

  const timers = new Map();
  function askServer(input) {
    clearTimeout(timers.get(input));
    timers.set(
      input,
      setTimeout(async () => {
        const value = input.value;
        const query = new URLSearchParams({ field: input.name.slice(2), value });
        try {
          const response = await fetch(`/review/${encodeURIComponent(runId)}/check?${query}`, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          });
          if (!response.ok || input.value !== value) {
            return;
          }
          const verdict = await response.json();
          show(input, verdict.ok, verdict.message);
        } catch (_) {
          // offline or signed out: the local check stands; the server checks again on submit
        }
      }, 250),
    );
  }

  function check(input, edited) {
    const text = input.value.trim();
    const kind = input.dataset.kind;
    const verdict = localCheck(kind, text);
    show(input, verdict === true ? true : verdict === null ? null : false, verdict === true || verdict === null ? "" : verdict);
    input.classList.toggle("edited", isChanged(input));
    if (edited && kind !== "text" && text) {
      askServer(input);
    }
  }

  // --- whether the totals add up ----------------------------------------------------------
  function amountAt(path) {
    const input = byPath.get(path);
    if (!input || !input.value.trim()) {
      return null;
    }
    return parseAmount(input.value);
  }

  const cents = (v) => Math.round(v * 100);
  const money = (v) => (v === null ? "—" : v.toFixed(2));

  function sums() {
    const lineNets = inputs
      .filter((i) => /^f\.lines\.\d+\.net_amount$/.test(i.name) && i.value.trim())
      .map((i) => parseAmount(i.value));
    const t = (name) => amountAt(`totals.${name}`);
    const rules = {
      lines: () => {
        if (!lineNets.length || t("line_net") === null || lineNets.includes(null)) {
          return null;
        }
        const sum = lineNets.reduce((a, b) => a + b, 0);
        return [cents(sum) === cents(t("line_net")), `lines ${money(sum)} = line total ${money(t("line_net"))}`];
      },
      net: () => {
        if (t("line_net") === null || t("tax_exclusive") === null) {
          return null;
        }
        const net = t("line_net") - (t("allowances") || 0) + (t("charges") || 0);
        return [cents(net) === cents(t("tax_exclusive")), `${money(net)} = net total ${money(t("tax_exclusive"))}`];
      },
      gross: () => {
        if (t("tax_exclusive") === null || t("tax_inclusive") === null) {
          return null;
        }
        const gross = t("tax_exclusive") + (t("tax") || 0);
        return [cents(gross) === cents(t("tax_inclusive")), `${money(gross)} = gross total ${money(t("tax_inclusive"))}`];
      },
      payable: () => {
        if (t("tax_inclusive") === null || t("payable") === null) {
          return null;
        }
        const due = t("tax_inclusive") - (t("prepaid") || 0) + (t("rounding") || 0);
        return [cents(due) === cents(t("payable")), `${money(due)} = amount due ${money(t("payable"))}`];
      },
    };
    document.querySelectorAll("#sums li[data-sum]").forEach((li) => {
      if (!li.dataset.text) {
        li.dataset.text = li.textContent;
      }
      const outcome = rules[li.dataset.sum]();
      li.className = outcome === null ? "na" : outcome[0] ? "ok" : "bad";
      li.textContent = outcome === null ? `${li.dataset.text}: not enough values to check` : `${li.dataset.text}: ${outcome[1]}`;
    });
  }

  // changed: another value, not the same one written otherwise (1.234,50 for 1234.50)
  function isChanged(input) {
    const typed = input.value.trim();
    const shown = (input.dataset.shown || "").trim();
    if (typed === shown) {
      return false;
    }
    const kind = input.dataset.kind;
    if ((kind === "amount" || kind === "number") && typed && shown) {
      const a = parseAmount(typed);
      return a === null || a !== parseAmount(shown);
    }
    return true;
  }

  function changes() {
    const count = inputs.filter(isChanged).length;
    const label = document.getElementById("changes");
    if (label) {
      label.textContent = count ? `${count} field${count === 1 ? "" : "s"} changed` : "No field changed.";
    }
  }

  form.addEventListener("input", (event) => {
    const input = event.target;
    if (input.matches && input.matches("input[data-kind]")) {
      check(input, true);
      sums();
      changes();
    }
    if (input.id === "comment") {
      input.classList.remove("invalid");
    }
  });

  // --- deciding ---------------------------------------------------------------------------
  form.addEventListener("submit", (event) => {
    const action = event.submitter ? event.submitter.value : "approve";
    const comment = document.getElementById("comment");
    if (action === "reject" && comment && !comment.value.trim()) {
      event.preventDefault();
      comment.classList.add("invalid");
      comment.placeholder = "a rejection needs a reason: write it here, then reject";
      comment.focus();
    }
  });

  // --- focus stays clear of the decision bar ---------------------------------------------
  // The bar sticks to the bottom of the window; the page's scroll padding is its height, so a
  // field reached with Tab (and its inline error) scrolls above it instead of behind it.
  const bar = document.getElementById("decide");
  if (bar) {
    const pad = () => {
      document.documentElement.style.scrollPaddingBottom = `${bar.offsetHeight + 8}px`;
    };
    pad();
    if (window.ResizeObserver) {
      new ResizeObserver(pad).observe(bar);
    }
  }

  inputs.forEach((i) => check(i, false));
  sums();
  changes();
})();

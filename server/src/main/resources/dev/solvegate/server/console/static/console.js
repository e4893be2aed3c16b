// solvegate consoles: forms marked data-api call the admin API themselves, with the session cookie (sent by the
// browser, never readable here) and the session's CSRF token from the page's meta tag. Nothing is stored in the
// browser except a one-line confirmation in sessionStorage, shown after the page reloads.
"use strict";
(function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : null;

  function flash() {
    const text = sessionStorage.getItem("solvegate-flash");
    const el = document.getElementById("flash");
    if (text && el) {
      el.textContent = text;
      el.hidden = false;
    }
    sessionStorage.removeItem("solvegate-flash");
  }

  function value(el, text, type) {
    switch (type) {
      case "int":
        if (!/^-?\d+$/.test(text.trim())) {
          throw { field: el.name, message: (labelOf(el) || el.name) + " must be a whole number: " + text };
        }
        return Number(text.trim());
      case "bool":
        return text === "true";
      case "json":
        try {
          return JSON.parse(text);
        } catch (e) {
          throw { field: el.name, message: (labelOf(el) || el.name) + " is not JSON: " + e.message };
        }
      case "date":
        return text + "T00:00:00Z";
      default:
        return text.trim();
    }
  }

  function labelOf(el) {
    const label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    return label ? label.textContent.trim() : null;
  }

  function body(form, submitter) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") {
        continue;
      }
      if (el.type === "checkbox") {
        out[el.name] = el.checked;
        continue;
      }
      if (el.value.trim() === "" && el.hasAttribute("data-optional")) {
        continue;
      }
      out[el.name] = value(el, el.value, el.dataset.type);
    }
    if (submitter && submitter.dataset.field) {
      out[submitter.dataset.field] = value(submitter, submitter.dataset.value, submitter.dataset.type);
    }
    if (submitter && submitter.dataset.negate) {
      const name = submitter.dataset.negate;
      const v = String(out[name] || "");
      out[name] = v.startsWith("-") ? v.substring(1) : "-" + v;
    }
    return out;
  }

  function showError(form, message, field) {
    const alert = form.querySelector('[role="alert"]');
    if (alert) {
      alert.textContent = message;
      alert.hidden = false;
    }
    const input = field ? form.querySelector('[name="' + CSS.escape(field) + '"]') : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else if (alert) {
      alert.setAttribute("tabindex", "-1");
      alert.focus();
    }
  }

  async function submit(form, submitter) {
    const alert = form.querySelector('[role="alert"]');
    if (alert) {
      alert.hidden = true;
    }
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    let data;
    try {
      data = body(form, submitter);
    } catch (e) {
      showError(form, e.message, e.field);
      return;
    }
    const path = form.dataset.api.replace(/\{(\w+)\}/g, (_, name) => {
      const v = data[name];
      delete data[name];
      return encodeURIComponent(v == null ? "" : v);
    });
    const method = form.dataset.method || "POST";
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    let res, json;
    try {
      res = await fetch(path, {
        method: method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: method === "DELETE" ? undefined : JSON.stringify(data),
      });
      json = await res.json().catch(() => ({}));
    } catch (e) {
      buttons.forEach((b) => (b.disabled = false));
      showError(form, "The service did not answer: " + e.message);
      return;
    }
    buttons.forEach((b) => (b.disabled = false));
    if (res.status === 401 || res.status === 403) {
      showError(form, (json && json.error) || "Signed out: sign in again.");
      return;
    }
    if (!res.ok) {
      showError(form, (json && json.error) || "Refused (HTTP " + res.status + ")", json && json.field);
      return;
    }
    const then = form.dataset.then;
    if (then === "secret") {
      const box = form.querySelector("[data-secret]");
      const input = box.querySelector("[data-secret-value]");
      input.value = json.clientKey;
      box.hidden = false;
      input.focus();
      input.select();
      return;
    }
    if (then === "account" && json.id) {
      sessionStorage.setItem("solvegate-flash", "Account " + json.id + " created.");
      location.assign("/console/accounts/" + encodeURIComponent(json.id));
      return;
    }
    sessionStorage.setItem("solvegate-flash", form.dataset.done || "Done.");
    location.reload();
  }

  document.addEventListener("submit", (ev) => {
    const form = ev.target.closest("form[data-api]");
    if (!form) {
      return;
    }
    ev.preventDefault();
    submit(form, ev.submitter);
  });

  document.addEventListener("click", (ev) => {
    const copy = ev.target.closest("[data-copy]");
    if (copy) {
      const target = document.getElementById(copy.dataset.copy);
      const text = target.value !== undefined ? target.value : target.textContent;
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(
          () => (copy.textContent = "Copied"),
          () => select(target)
        );
      } else {
        select(target);
      }
      return;
    }
    if (ev.target.closest("[data-reload]")) {
      location.reload();
    }
  });

  function select(el) {
    if (el.select) {
      el.select();
      return;
    }
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  flash();
})();

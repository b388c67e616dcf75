// Does the run on screen match the form? The config a run was started with is kept beside the page's
// form; a form that differs marks the run as out of date (Play then starts the new one), and the code
// panel shows the code of the run on screen, never the form's.
import { t } from "./i18n.js";

// A config as JSON values only (undefined dropped, numbers as on the wire).
export function plain(config) {
  return config === null || config === undefined ? null : JSON.parse(JSON.stringify(config));
}

// Does the form's config `form` ask for the run `run`? With `exact` (a run this page sent) every key
// must match both ways; otherwise `run` is the server's canonical config, defaults filled in, and only
// the form's keys are compared.
export function sameConfig(form, run, exact = true) {
  if (form === run) return true;
  if (typeof form === "number" && typeof run === "number") {
    return Math.abs(form - run) <= 1e-12 * Math.max(Math.abs(form), Math.abs(run));
  }
  if (Array.isArray(form) || Array.isArray(run)) {
    return Array.isArray(form) && Array.isArray(run) && form.length === run.length
      && form.every((v, i) => sameConfig(v, run[i], exact));
  }
  if (!form || !run || typeof form !== "object" || typeof run !== "object") return false;
  const keys = exact ? new Set([...Object.keys(form), ...Object.keys(run)]) : Object.keys(form);
  for (const key of keys) {
    const a = form[key] ?? null;
    const b = run[key] ?? null;
    if (!sameConfig(a, b, exact)) return false;
  }
  return true;
}

// The page's code panel (`#code` in `#code-panel`): the script of the config that runs, fetched from the
// lab's code endpoint, with a note while the form differs from it.
export class CodePanel {
  constructor(url) {
    this.url = url;
    this.el = document.getElementById("code");
    this.panel = document.getElementById("code-panel");
    this.note = this.panel?.querySelector("[data-code-stale]");
    this.asked = 0; // only the latest answer is shown
    if (this.note) this.note.textContent = t("player.code_stale");
  }

  async show(config) {
    if (!this.el || !config) return;
    const ticket = ++this.asked;
    let text = "";
    try {
      const response = await fetch(this.url, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(config),
      });
      if (response.ok) text = (await response.json()).code ?? "";
    } catch {
      text = ""; // offline: an empty panel rather than another run's code
    }
    if (ticket !== this.asked) return;
    this.el.textContent = text;
    this.el.dataset.config = JSON.stringify(config); // what the code is of (read by the browser tests)
  }

  mark(stale) {
    if (this.note) this.note.hidden = !stale;
    this.panel?.classList.toggle("stale", stale);
  }
}

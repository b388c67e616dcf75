// What every live lab page shares: `livePlayer()` wires its socket and player (live_controller.js),
// `follow()`/`unfollow()` let the class layer show another run on it, and `bindForm()` builds its form
// from the lab's spec.
import { LiveController } from "./live_controller.js";
import { Player } from "./player.js";
import { bindKeys } from "./keys.js";
import { clampNumber, fieldSchema } from "./state.js";
import { trackRun } from "./export.js";
import { showValue } from "./typing.js";

export { Player };

let current = null; // this page's controller: there is one live run view per page

// Wire a lab page's player. `applyConfig(config)` writes a run's config into the page's state and form
// (for a watched or re-attached run); `onRestart(config)` is told the config of each run before it is
// drawn; `code` is the lab's code endpoint: the code panel then shows the code of the run on screen.
// Call `player.open()` once the page is ready.
export function livePlayer({ lab, getConfig, onFrame, onRestart, applyConfig, showError, root, code }) {
  const errorBox = document.getElementById("form-error");
  const report = showError ?? ((text) => { if (errorBox) errorBox.textContent = text; });
  current = new LiveController({
    lab, getConfig, onFrame, onRestart, applyConfig, report, root: root ?? document.getElementById("player"), code,
  });
  bindKeys(current.player);
  trackRun({ socket: current.socket, lab, getConfig }); // "Download config + code" exports the run on screen
  return { socket: current.socket, player: current.player };
}

// For the class layer: show run `run_id` on this page read-only, without a token. With `attach` (the
// default) the page attaches to it; with `attach: false` the server already sends its frames (a class
// presenting), and `config` is applied to the form. Returns false when this page is not that lab's.
export function follow(options) {
  return current ? current.follow(options) : false;
}

// Back to the page's own run (re-attached with its token, or re-shown after the server's release).
export function unfollow() {
  return current ? current.unfollow() : false;
}

// For the class layer: a scene sent to everyone opens as this page's own run (its config into the form,
// a fresh run paused at step 0). False when there is no live lab here or the page shows another's run.
export function openScene(config) {
  return current ? current.openScene(config) : false;
}

// The page's socket and player ({socket, player, lab, mode}), or null before `livePlayer`.
export function currentLive() {
  return current && { socket: current.socket, player: current.player, lab: current.lab, mode: current.mode };
}

// A form whose controls name a config field (`data-field="depth"`) takes its choices, bounds and
// step from the lab's spec, never from the template: a select gets the field's choices (labelled by
// `label(field, value)`), a number input its minimum and maximum. A change is clamped to the spec,
// written into `config`, and reported to `onChange(field, value)`.
export function bindForm(root, spec, config, { label = (_, v) => String(v), onChange = () => {} } = {}) {
  const controls = [...root.querySelectorAll("[data-field]")];
  for (const el of controls) {
    const name = el.dataset.field;
    const node = fieldSchema(spec, name);
    if (!node) throw new Error(`the spec has no field ${name}`);
    if (el.tagName === "SELECT") {
      el.replaceChildren(...node.enum.map((v) => new Option(label(name, v), v)));
    } else if (el.type === "number") {
      const low = node.minimum ?? node.exclusiveMinimum;
      if (low !== undefined) el.min = low;
      if (node.maximum !== undefined) el.max = node.maximum;
      el.step = node.type === "integer" ? "1" : "any";
    }
    el.addEventListener("change", () => {
      const value = readControl(el, node);
      if (value === undefined) {
        writeControl(el, config[name]); // not a value this field takes: show the one in force
        return;
      }
      config[name] = value;
      writeControl(el, value);
      onChange(name, value);
    });
  }
  writeForm(root, config);
}

export function writeForm(root, config) {
  for (const el of root.querySelectorAll("[data-field]")) writeControl(el, config[el.dataset.field]);
}

function readControl(el, node) {
  if (el.type === "checkbox") return el.checked;
  if (el.type === "number") {
    if (el.value === "") return node.nullable ? null : undefined;
    return clampNumber(node, Number(el.value));
  }
  return node.enum?.includes(el.value) ? el.value : undefined;
}

function writeControl(el, value) {
  if (el.type === "checkbox") el.checked = Boolean(value);
  else showValue(el, value ?? "");
}

// The Optimiser page's form: written from the page's state (`page.state`), read back into it. Fields with
// `data-field` are bound by bindForm; the surface (a named one or a formula), the start (a pair, or the
// surface's own) and the mode tabs here, each choice and bound from the lab's spec.
import { lang, t } from "../i18n.js";
import { bindForm, writeForm as writeFields } from "../controls.js";
import { clampNumber, fieldSchema } from "../state.js";
import { showValue } from "../typing.js";
import { currentStart, isCustom } from "./optimizers_state.js";

const $ = (id) => document.getElementById(id);

// The whole form from the state: on opening, for a scene, for a watched run.
export function writeForm(page, racerCards, ewa) {
  const { config } = page.state;
  writeFields($("lab-controls"), config);
  showValue($("surface"), isCustom(config) ? "custom" : config.surface);
  showValue($("expression"), config.expression ?? "");
  racerCards.render(config.optimizers);
  writeDerived(page, ewa);
}

// What follows from the config and the surface shown (the start in force, which panels show), written
// after a restart without touching a field the user may be typing in.
export function writeDerived(page, ewa) {
  const { config, view } = page.state;
  const start = currentStart(page);
  showValue($("start-x"), start ? start[0] : "");
  showValue($("start-y"), start ? start[1] : "");
  $("expression-field").hidden = !isCustom(config);
  $("expression-hint").hidden = !isCustom(config);
  $("swarm-panel").hidden = config.mode !== "swarm";
  $("basins-section").hidden = config.mode !== "swarm";
  $("start-field").hidden = config.mode === "swarm";
  $("start-hint").hidden = config.mode === "swarm";
  for (const b of document.querySelectorAll("#mode-tabs button")) b.setAttribute("aria-pressed", String(b.dataset.mode === config.mode));
  for (const b of document.querySelectorAll("#scenes button")) b.setAttribute("aria-pressed", String(b.dataset.scene === view.scene));
  const scene = page.scenes.find((s) => s.name === view.scene);
  $("scene-question").hidden = !scene;
  $("scene-question").textContent = scene ? scene.question[lang] ?? scene.question.en : "";
  ewa.write();
}

// The start: a pair of numbers, each clamped to the spec's bounds; both empty is the surface's own.
function readStart(page) {
  const { config } = page.state;
  const node = fieldSchema(page.spec, "start");
  const [x, y] = [$("start-x").value, $("start-y").value];
  if (x === "" && y === "") {
    config.start = null;
    return;
  }
  const pair = [x, y].map((v, i) => clampNumber(node.prefixItems[i], Number(v)));
  if (pair.every((v) => v !== undefined)) config.start = pair;
  // the value in force, shown at once (as bindForm does): a restart's later write of it ("-1000000" for
  // "-1000000.0" typed) would move the caret out of a selection the user is about to type over
  if (config.start) config.start.forEach((v, i) => showValue($(["start-x", "start-y"][i]), v));
}

// Every control of the form into the page's state; `changed()` after an edit of the config.
export function bindControls(page, changed) {
  const { spec } = page;
  const config = () => page.state.config;
  const select = $("surface");
  const enumeration = fieldSchema(spec, "surface").enum;
  const label = (name) => (t(`optimizers.surface.${name}`) === `optimizers.surface.${name}`
    ? name.replaceAll("_", " ") : t(`optimizers.surface.${name}`));
  select.replaceChildren(...enumeration.map((name) => new Option(label(name), name)),
    new Option(t("optimizers.custom"), "custom"));
  select.addEventListener("change", () => {
    if (select.value === "custom") {
      config().expression = $("expression").value || page.info?.formula || "";
      $("expression").value = config().expression; // the formula of the surface shown, to edit
    } else {
      Object.assign(config(), { surface: select.value, expression: null });
      $("expression").value = ""; // as a reload would show it: a formula is picked afresh from the surface
    }
    config().start = null;
    changed();
  });
  $("expression").maxLength = fieldSchema(spec, "expression").maxLength;
  $("expression").addEventListener("change", () => { config().expression = $("expression").value; changed(); });
  for (const id of ["start-x", "start-y"]) $(id).addEventListener("change", () => { readStart(page); changed(); });
  bindForm($("lab-controls"), spec, page.state.config, {
    label: (field, value) => t(`optimizers.layout.${value}`),
    onChange: changed,
  });
  const modes = fieldSchema(spec, "mode").enum;
  for (const b of document.querySelectorAll("#mode-tabs button")) {
    b.hidden = !modes.includes(b.dataset.mode);
    b.addEventListener("click", () => { config().mode = b.dataset.mode; changed(); });
  }
}

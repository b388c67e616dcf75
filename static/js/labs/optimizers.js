// The Optimiser lab page: `{config, view}` in the URL hash, the form from the lab's spec; each frame -> render().
import { errorText, lang, loadStrings, t } from "../i18n.js";
import { bindForm, livePlayer, writeForm as writeFields } from "../controls.js";
import { clampNumber, fieldSchema, loadSpec, loadState, saveState as saveHashState } from "../state.js";
import { LineChart, seriesStyle } from "../charts.js";
import { SurfaceViews } from "./optimizers_views.js";
import { EwaPanel, renderBasins, renderCounts, renderStateCards } from "./optimizers_panels.js";
import { RacerCards, withoutNulls } from "./optimizers_racers.js";
import { showValue } from "../typing.js";
import { conformView, oldFlatHash } from "./optimizers_state.js";

let spec = null; // GET /api/labs/optimizers/spec: the config's schema and defaults, the EWA panel's too
let state = null; // {config, view}; only config goes to the server
let surfaces = [];
let scenes = [];
let info = null; // the surface being shown: {name, formula, domain, start, minima}
let frame = null;
let ewaTimer = 0;
let ewaAsked = 0; // only the latest beta's answer is drawn
const $ = (id) => document.getElementById(id);
const saveState = () => saveHashState(state);

function custom() {
  return state.config.expression !== null && state.config.expression !== undefined;
}

// The start in force: the form's, else the surface's classic one, else where the paths began.
function currentStart() {
  return state.config.start ?? info?.start ?? frame?.racers?.[0]?.points?.[0] ?? null;
}

// The whole form from the state: on opening, for a scene, for a watched run.
function writeForm() {
  writeFields($("lab-controls"), state.config);
  showValue($("surface"), custom() ? "custom" : state.config.surface);
  showValue($("expression"), state.config.expression ?? "");
  racerCards.render(state.config.optimizers);
  writeDerived();
}

// What follows from the config and the surface shown (the start in force, which panels show), written
// after a restart without touching a field the user may be typing in.
function writeDerived() {
  const { config, view } = state;
  const start = currentStart();
  showValue($("start-x"), start ? start[0] : "");
  showValue($("start-y"), start ? start[1] : "");
  $("expression-field").hidden = !custom();
  $("expression-hint").hidden = !custom();
  $("swarm-panel").hidden = config.mode !== "swarm";
  $("basins-section").hidden = config.mode !== "swarm";
  $("start-field").hidden = config.mode === "swarm";
  $("start-hint").hidden = config.mode === "swarm";
  for (const b of document.querySelectorAll("#mode-tabs button")) b.setAttribute("aria-pressed", String(b.dataset.mode === config.mode));
  for (const b of document.querySelectorAll("#scenes button")) b.setAttribute("aria-pressed", String(b.dataset.scene === view.scene));
  const scene = scenes.find((s) => s.name === view.scene);
  $("scene-question").hidden = !scene;
  $("scene-question").textContent = scene ? scene.question[lang] ?? scene.question.en : "";
  $("ewa-beta").value = view.beta;
  $("ewa-bias").checked = view.bias;
}

function runConfig() {
  return state.config; // only the config goes to the server; the view stays here
}

async function post(path, body) {
  const response = await fetch(`/api/optimizers/${path}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  return { ok: response.ok, body: await response.json() };
}

function showError(detail) {
  const d = Array.isArray(detail) ? detail[0] : detail;
  $("form-error").textContent = d ? errorText(d) : "";
}

let surfacesAsked = 0; // two quick edits ask twice; the older answer may come last and must not be drawn

// The surface of the config into the views; false when it failed, or when a later edit asked again.
async function loadSurface() {
  const ticket = ++surfacesAsked;
  const surface = custom() ? { expression: state.config.expression } : { name: state.config.surface };
  const { ok, body } = await post("grid", { surface, resolution: 61 });
  if (ticket !== surfacesAsked) return false;
  if (!ok) {
    showError(body.detail);
    return false;
  }
  info = surfaces.find((s) => !custom() && s.name === state.config.surface) ?? {
    name: "custom", formula: state.config.expression, minima: [],
    domain: [[body.x[0], body.x[body.x.length - 1]], [body.y[0], body.y[body.y.length - 1]]],
  };
  views.setSurface(body, info);
  return true;
}

const views = new SurfaceViews($("contour"), $("surface3d"), $("arrow-note"), { onPick: pickStart });
const lossChart = new LineChart($("loss-chart"), { height: 330, robust: true }); // runaways off the axis
const ewaPanel = new EwaPanel($("ewa-chart"), $("ewa-window"));
let racerCards;
let player;

// "momentum lr=0.05" (the server's label) as "SGD + 动量 lr=0.05": the optimiser by the page's name for it.
function named(message) {
  for (const r of [...(message.racers ?? []), ...(message.clouds ?? [])]) {
    const [id, ...rest] = String(r.label ?? "").split(" ");
    const key = `optimizers.name.${id}`;
    if (t(key) !== key) r.label = [t(key), ...rest].join(" ");
  }
  return message;
}

// " (left the surface after step 40)" for a racer or cloud gone from the map, else nothing
function leftNote(step) {
  return step === null ? "" : ` (${t("optimizers.left_at", { step })})`;
}

function render() {
  views.render(frame, state.config.mode === "race" ? currentStart() : null);
  if (!frame) return;
  const race = frame.mode === "race";
  const lines = race
    ? frame.racers.map((r, i) => ({ name: r.label + leftNote(views.leftAt(r)), x: r.steps,
      y: views.clipped(r.points, r.values), color: seriesStyle(i).color, dash: seriesStyle(i).dash }))
    : frame.clouds.map((c, i) => ({ name: c.label + leftNote(views.cloudLeftAt(i)), x: c.curve.steps,
      y: c.curve.values, ...seriesStyle(i) }));
  const all = lines.flatMap((l) => l.y).filter((v) => v !== null);
  // a log axis when it helps; over more than ~5 decades its tick labels crowd out the curves
  const ratio = all.length ? Math.max(...all) / Math.min(...all) : 0;
  const logY = all.length > 0 && Math.min(...all) > 0 && ratio > 100 && ratio < 1e6;
  lossChart.update(lines, { title: t(race ? "optimizers.loss_title" : "optimizers.mean_loss_title"),
    xTitle: t("common.step"), yTitle: t("optimizers.value"), logY });
  $("state-title").textContent = t(race ? "optimizers.state_title" : "optimizers.counts_title", { step: frame.step });
  $("state-hint").textContent = t(race ? "optimizers.state_hint" : "optimizers.counts_hint");
  if (race) {
    renderStateCards($("state-panel"), frame.racers);
    return;
  }
  renderCounts($("state-panel"), frame.clouds, info.minima);
  const select = $("basin-of");
  if (select.options.length !== frame.clouds.length) {
    select.replaceChildren(...frame.clouds.map((c, i) => new Option(c.label, String(i))));
  }
  renderBasins($("basins"), frame.starts, frame.clouds[Number(select.value) || 0], info.domain);
}

// A new run from step 0: playing if the old one was (or if asked), else paused on the start. An edit
// restarts only if the run on screen is not already the form's (Play pressed meanwhile starts it).
async function restart(play = player.status === "running", always = false) {
  if (!(await loadSurface())) return;
  writeDerived();
  if (always || player.isStale()) player.start(!play);
}

function pickStart(point) {
  if (state.config.mode !== "race") return;
  state.config.start = point.map((v) => Math.round(v * 1000) / 1000);
  changed();
}

// A hyperparameter torch reads every step changes the run on screen; one read only when the state is
// made (amsgrad, centered, ...) marks it out of date, for the next Play.
function editRacer(index, key, value, live) {
  saveState();
  if (live) {
    player.setLive({ racers: [{ index, [key]: value }] }, (config) => {
      if (config.optimizers?.[index]) config.optimizers[index][key] = value;
    });
  }
}

// A change of the config: the scene's question no longer applies; a new run.
function changed() {
  state.view.scene = "";
  saveState();
  restart();
}

function refreshEwa() {
  clearTimeout(ewaTimer);
  const ticket = ++ewaAsked;
  ewaTimer = setTimeout(async () => {
    const { ok, body } = await post("ewa", { beta: state.view.beta });
    if (ok && ticket === ewaAsked) ewaPanel.render(body, state.view.bias);
  }, 120);
}

// A scene is a config of its own: the lab's defaults with the scene's fields.
function applyScene(scene) {
  state.config = { ...structuredClone(spec.defaults), ...structuredClone(scene.config) };
  state.config.optimizers = state.config.optimizers.map(withoutNulls);
  state.view.scene = scene.name;
  if (scene.ewa) state.view.beta = scene.ewa.beta;
  saveState();
  writeForm();
  refreshEwa();
  restart(true, true);
}

// A run's config (watched or re-attached) into the page's state; the surface follows.
function applyConfig(c) {
  Object.assign(state.config, structuredClone(c));
  state.config.optimizers = state.config.optimizers.map(withoutNulls);
  state.view.scene = "";
  saveState();
  loadSurface().then(() => { writeForm(); render(); });
}

function renderScenes() {
  $("scenes").replaceChildren(...scenes.map((s) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.scene = s.name;
    b.textContent = s.title[lang] ?? s.title.en;
    b.addEventListener("click", () => applyScene(s));
    return b;
  }));
}

// The start: a pair of numbers, each clamped to the spec's bounds; both empty is the surface's own.
function readStart() {
  const node = fieldSchema(spec, "start");
  const [x, y] = [$("start-x").value, $("start-y").value];
  if (x === "" && y === "") {
    state.config.start = null;
    return;
  }
  const pair = [x, y].map((v, i) => clampNumber(node.prefixItems[i], Number(v)));
  if (pair.every((v) => v !== undefined)) state.config.start = pair;
  // the value in force, shown at once (as bindForm does): a restart's later write of it ("-1000000" for
  // "-1000000.0" typed) would move the caret out of a selection the user is about to type over
  if (state.config.start) state.config.start.forEach((v, i) => showValue($(["start-x", "start-y"][i]), v));
}

function bindControls() {
  const select = $("surface");
  const enumeration = fieldSchema(spec, "surface").enum;
  const label = (name) => (t(`optimizers.surface.${name}`) === `optimizers.surface.${name}`
    ? name.replaceAll("_", " ") : t(`optimizers.surface.${name}`));
  select.replaceChildren(...enumeration.map((name) => new Option(label(name), name)),
    new Option(t("optimizers.custom"), "custom"));
  select.addEventListener("change", () => {
    if (select.value === "custom") {
      state.config.expression = $("expression").value || info?.formula || "";
      $("expression").value = state.config.expression; // the formula of the surface shown, to edit
    } else {
      Object.assign(state.config, { surface: select.value, expression: null });
      $("expression").value = ""; // as a reload would show it: a formula is picked afresh from the surface
    }
    state.config.start = null;
    changed();
  });
  $("expression").maxLength = fieldSchema(spec, "expression").maxLength;
  $("expression").addEventListener("change", () => { state.config.expression = $("expression").value; changed(); });
  for (const id of ["start-x", "start-y"]) $(id).addEventListener("change", () => { readStart(); changed(); });
  bindForm($("lab-controls"), spec, state.config, {
    label: (field, value) => t(`optimizers.layout.${value}`),
    onChange: changed,
  });
  const modes = fieldSchema(spec, "mode").enum;
  for (const b of document.querySelectorAll("#mode-tabs button")) {
    b.hidden = !modes.includes(b.dataset.mode);
    b.addEventListener("click", () => { state.config.mode = b.dataset.mode; changed(); });
  }
  $("basin-of").addEventListener("change", render);
  const beta = spec.tools.ewa.schema.properties.beta;
  Object.assign($("ewa-beta"), { min: beta.minimum, max: beta.maximum });
  $("ewa-beta").addEventListener("input", () => {
    state.view.beta = clampNumber(beta, Number($("ewa-beta").value)) ?? state.view.beta;
    saveState();
    refreshEwa();
  });
  $("ewa-bias").addEventListener("change", () => { state.view.bias = $("ewa-bias").checked; saveState(); refreshEwa(); });
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
}

async function main() {
  await loadStrings();
  const [loaded, surfaceList, kinds, sceneList] = await Promise.all([loadSpec("optimizers"),
    ...["surfaces", "optimizers", "presets"].map(async (p) => (await fetch(`/api/optimizers/${p}`)).json())]);
  spec = loaded;
  surfaces = surfaceList;
  scenes = sceneList;
  const flat = oldFlatHash();
  state = loadState(spec, { scene: "", beta: spec.tools.ewa.defaults.beta, bias: true });
  state.view = conformView(state.view, spec, scenes);
  state.config.optimizers = state.config.optimizers.map(withoutNulls);
  if (flat && flat.surface !== "custom") state.config.expression = null; // the old page kept a formula always
  racerCards = new RacerCards($("racers"), $("add-racer"), {
    kinds: Object.fromEntries(kinds.map((k) => [k.name, k])), spec, onEdit: editRacer, onStructure: changed,
  });
  renderScenes();
  ({ player } = livePlayer({
    lab: "optimizers",
    getConfig: runConfig,
    code: "/api/optimizers/code", // the code panel shows the run on screen
    onFrame: (message) => { frame = named(message); render(); },
    onRestart: () => { frame = null; },
    applyConfig,
  }));
  bindControls();
  await loadSurface();
  writeForm();
  saveState(); // the URL now shows the state in force, whatever the hash held
  refreshEwa();
  player.open(); // this tab's run, or the start paused at step 0
}

main();

// The Optimiser lab page: one state object, serialised to the URL hash; each frame -> render().
import { lang, loadStrings, t, errorText } from "../i18n.js";
import { livePlayer } from "../controls.js";
import { loadHash, saveHash } from "../state.js";
import { LineChart, seriesStyle } from "../charts.js";
import { SurfaceViews } from "./optimizers_views.js";
import { EwaPanel, renderBasins, renderCounts, renderStateCards } from "./optimizers_panels.js";
import { RESTART_ONLY, RacerCards } from "./optimizers_racers.js";

const NUMBER_FIELDS = ["steps", "swarm_size", "seed"];
const DEFAULTS = {
  mode: "race", surface: "saddle_bounded", expression: "x^2 - y^2 + 0.2*x*y", start: null, steps: 300,
  optimizers: [{ name: "sgd", lr: 0.02 }, { name: "momentum", lr: 0.02 }, { name: "adam", lr: 0.02 }],
  swarm_size: 2500, swarm_layout: "grid", seed: 0, beta: 0.9, bias: true, scene: null,
};

let state = loadState();
let surfaces = [];
let scenes = [];
let info = null; // the surface being shown: {name, formula, domain, start, minima}
let frame = null;
let ewaTimer = 0;
const $ = (id) => document.getElementById(id);

function loadState() {
  return loadHash(DEFAULTS);
}

function saveState() {
  saveHash(state);
}

function custom() {
  return state.surface === "custom";
}

function currentStart() {
  return state.start ?? info?.start ?? null;
}

function readForm() {
  state.surface = $("surface").value;
  state.expression = $("expression").value;
  state.swarm_layout = $("swarm_layout").value;
  for (const f of NUMBER_FIELDS) state[f] = Number($(f).value);
  const x = $("start-x").value;
  const y = $("start-y").value;
  if (x !== "" && y !== "") state.start = [Number(x), Number(y)];
  saveState();
}

function writeForm() {
  $("surface").value = state.surface;
  $("expression").value = state.expression;
  $("swarm_layout").value = state.swarm_layout;
  for (const f of NUMBER_FIELDS) $(f).value = state[f];
  const start = currentStart();
  $("start-x").value = start ? start[0] : "";
  $("start-y").value = start ? start[1] : "";
  $("expression-field").hidden = !custom();
  $("expression-hint").hidden = !custom();
  $("swarm-panel").hidden = state.mode !== "swarm";
  $("basins-section").hidden = state.mode !== "swarm";
  $("start-field").hidden = state.mode === "swarm";
  $("start-hint").hidden = state.mode === "swarm";
  for (const b of document.querySelectorAll("#mode-tabs button")) b.setAttribute("aria-pressed", String(b.dataset.mode === state.mode));
  for (const b of document.querySelectorAll("#scenes button")) b.setAttribute("aria-pressed", String(b.dataset.scene === state.scene));
  const scene = scenes.find((s) => s.name === state.scene);
  $("scene-question").hidden = !scene;
  $("scene-question").textContent = scene ? scene.question[lang] ?? scene.question.en : "";
  $("ewa-beta").value = state.beta;
  $("ewa-bias").checked = state.bias;
  racerCards.render(state.optimizers);
}

// The run config of the page's state (every control reads itself into the state on change). It reads no
// control itself: it is asked at any time (is the run on screen still the form's?), also while a scene's
// state waits for its surface before the form shows it.
function runConfig() {
  const config = {
    mode: state.mode, surface: custom() ? "saddle" : state.surface, expression: custom() ? state.expression : null,
    start: state.mode === "race" ? currentStart() : null, steps: state.steps, optimizers: state.optimizers,
  };
  if (state.mode === "swarm") Object.assign(config, { swarm_size: state.swarm_size, swarm_layout: state.swarm_layout, seed: state.seed });
  return config;
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

async function loadSurface() {
  const surface = custom() ? { expression: state.expression } : { name: state.surface };
  const { ok, body } = await post("grid", { surface, resolution: 61 });
  if (!ok) {
    showError(body.detail);
    return false;
  }
  const builtIn = surfaces.find((s) => s.name === state.surface);
  info = builtIn ?? { name: "custom", formula: state.expression, minima: [], start: [-2, 1.5],
    domain: [[body.x[0], body.x[body.x.length - 1]], [body.y[0], body.y[body.y.length - 1]]] };
  views.setSurface(body, info);
  return true;
}

const views = new SurfaceViews($("contour"), $("surface3d"), $("arrow-note"), { onPick: pickStart });
const lossChart = new LineChart($("loss-chart"), { height: 330, robust: true }); // runaways off the axis
const ewaPanel = new EwaPanel($("ewa-chart"), $("ewa-window"));
const racerCards = new RacerCards($("racers"), $("add-racer"), { kinds: {}, onEdit: editRacer, onStructure: changed });
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
  views.render(frame, state.mode === "race" ? currentStart() : null);
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
  writeForm();
  if (always || player.isStale()) player.start(!play);
}

function pickStart(point) {
  if (state.mode !== "race") return;
  state.start = point.map((v) => Math.round(v * 1000) / 1000);
  state.scene = null;
  writeForm();
  saveState();
  restart();
}

function editRacer(index, key, value) {
  saveState();
  if (!RESTART_ONLY.includes(key)) {
    player.setLive({ racers: [{ index, [key]: value }] }, (config) => {
      if (config.optimizers?.[index]) config.optimizers[index][key] = value;
    });
  }
}

function changed() {
  state.scene = null;
  saveState();
  restart();
}

function refreshEwa() {
  clearTimeout(ewaTimer);
  ewaTimer = setTimeout(async () => {
    const { ok, body } = await post("ewa", { beta: state.beta });
    if (ok) ewaPanel.render(body, state.bias);
  }, 120);
}

function applyScene(scene) {
  const c = scene.config;
  Object.assign(state, {
    mode: c.mode, surface: c.surface ?? "saddle", start: c.start ?? null, steps: c.steps,
    optimizers: structuredClone(c.optimizers), scene: scene.name,
    swarm_size: c.swarm_size ?? state.swarm_size, swarm_layout: c.swarm_layout ?? state.swarm_layout,
  });
  if (scene.ewa) state.beta = scene.ewa.beta;
  saveState();
  refreshEwa();
  restart(true, true);
}

// A run's config (watched or re-attached) into the page's state; the surface follows.
function applyConfig(c) {
  Object.assign(state, { mode: c.mode, surface: c.expression ? "custom" : c.surface, expression: c.expression ?? state.expression,
    start: c.start ?? null, steps: c.steps, optimizers: c.optimizers, scene: null });
  if (c.mode === "swarm") Object.assign(state, { swarm_size: c.swarm_size, swarm_layout: c.swarm_layout, seed: c.seed });
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

function bindForm() {
  $("surface").addEventListener("change", () => { readForm(); state.start = null; changed(); });
  $("expression").addEventListener("change", () => { readForm(); changed(); });
  for (const id of ["start-x", "start-y", "steps", "swarm_size", "swarm_layout", "seed"]) {
    $(id).addEventListener("change", () => { readForm(); changed(); });
  }
  for (const b of document.querySelectorAll("#mode-tabs button")) {
    b.addEventListener("click", () => { state.mode = b.dataset.mode; changed(); });
  }
  $("basin-of").addEventListener("change", render);
  $("ewa-beta").addEventListener("input", () => { state.beta = Number($("ewa-beta").value); saveState(); refreshEwa(); });
  $("ewa-bias").addEventListener("change", () => { state.bias = $("ewa-bias").checked; saveState(); refreshEwa(); });
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
}

async function main() {
  await loadStrings();
  const [surfaceList, kinds, sceneList] = await Promise.all(
    ["surfaces", "optimizers", "presets"].map(async (p) => (await fetch(`/api/optimizers/${p}`)).json()));
  surfaces = surfaceList;
  scenes = sceneList;
  racerCards.kinds = Object.fromEntries(kinds.map((k) => [k.name, k]));
  const select = $("surface");
  for (const s of surfaces) {
    const key = `optimizers.surface.${s.name}`;
    select.add(new Option(t(key) === key ? s.name.replaceAll("_", " ") : t(key), s.name));
  }
  select.add(new Option(t("optimizers.custom"), "custom"));
  renderScenes();
  ({ player } = livePlayer({
    lab: "optimizers",
    getConfig: runConfig,
    code: "/api/optimizers/code", // the code panel shows the run on screen
    onFrame: (message) => { frame = named(message); render(); },
    onRestart: () => { frame = null; },
    applyConfig,
  }));
  bindForm();
  await loadSurface();
  writeForm();
  refreshEwa();
  player.open(); // this tab's run, or the start paused at step 0
}

main();

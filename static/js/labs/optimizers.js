// The Optimiser lab page: `{config, view}` in the URL hash, the form from the lab's spec; each frame -> render().
import { errorText, lang, loadStrings, t } from "../i18n.js";
import { livePlayer } from "../controls.js";
import { loadSpec, loadState, saveState as saveHashState } from "../state.js";
import { LineChart } from "../charts.js";
import { SurfaceViews } from "./optimizers_views.js";
import { RacerCards, withoutNulls } from "./optimizers_racers.js";
import { conformView, oldFlatHash } from "./optimizers_state.js";
import { EwaControls, EwaPanel } from "./optimizers_ewa.js";
import { bindControls, writeDerived, writeForm as writeFormOf } from "./optimizers_form.js";
import { named, renderFrame } from "./optimizers_frame.js";
import { loadSurface as loadSurfaceOf } from "./optimizers_server.js";

const page = {
  spec: null, // GET /api/labs/optimizers/spec: the config's schema and defaults, the EWA panel's too
  state: null, // {config, view}; only config goes to the server
  surfaces: [],
  scenes: [],
  info: null, // the surface being shown: {name, formula, domain, start, minima}
  frame: null,
};
const $ = (id) => document.getElementById(id);
const saveState = () => saveHashState(page.state);

function runConfig() {
  return page.state.config; // only the config goes to the server; the view stays here
}

function showError(detail) {
  const d = Array.isArray(detail) ? detail[0] : detail;
  $("form-error").textContent = d ? errorText(d) : "";
}

const views = new SurfaceViews($("contour"), $("surface3d"), $("arrow-note"), { onPick: pickStart });
const lossChart = new LineChart($("loss-chart"), { height: 330, robust: true }); // runaways off the axis
const ewa = new EwaControls(new EwaPanel($("ewa-chart"), $("ewa-window")), $("ewa-beta"), $("ewa-bias"),
  () => page.state.view);
let racerCards;
let player;

const loadSurface = () => loadSurfaceOf(page, views, showError);
const writeForm = () => writeFormOf(page, racerCards, ewa);
const render = () => renderFrame(page, views, lossChart);

// A new run from step 0: playing if the old one was (or if asked), else paused on the start. An edit
// restarts only if the run on screen is not already the form's (Play pressed meanwhile starts it).
async function restart(play = player.status === "running", always = false) {
  if (!(await loadSurface())) return;
  writeDerived(page, ewa);
  if (always || player.isStale()) player.start(!play);
}

function pickStart(point) {
  if (page.state.config.mode !== "race") return;
  page.state.config.start = point.map((v) => Math.round(v * 1000) / 1000);
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
  page.state.view.scene = "";
  saveState();
  restart();
}

// A scene is a config of its own: the lab's defaults with the scene's fields.
function applyScene(scene) {
  const { state } = page;
  // in place: the form's fields write into this object (bindForm holds it), not into a copy
  for (const key of Object.keys(state.config)) delete state.config[key];
  Object.assign(state.config, structuredClone(page.spec.defaults), structuredClone(scene.config));
  state.config.optimizers = state.config.optimizers.map(withoutNulls);
  state.view.scene = scene.name;
  if (scene.ewa) state.view.beta = scene.ewa.beta;
  saveState();
  writeForm();
  ewa.refresh();
  restart(true, true);
}

// A run's config (watched or re-attached) into the page's state; the surface follows.
function applyConfig(c) {
  const { state } = page;
  Object.assign(state.config, structuredClone(c));
  state.config.optimizers = state.config.optimizers.map(withoutNulls);
  state.view.scene = "";
  saveState();
  loadSurface().then(() => { writeForm(); render(); });
}

function renderScenes() {
  $("scenes").replaceChildren(...page.scenes.map((s) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.scene = s.name;
    b.textContent = s.title[lang] ?? s.title.en;
    b.addEventListener("click", () => applyScene(s));
    return b;
  }));
}

async function main() {
  await loadStrings();
  const [spec, surfaces, kinds, scenes] = await Promise.all([loadSpec("optimizers"),
    ...["surfaces", "optimizers", "presets"].map(async (p) => (await fetch(`/api/optimizers/${p}`)).json())]);
  const flat = oldFlatHash();
  const state = loadState(spec, { scene: "", beta: spec.tools.ewa.defaults.beta, bias: true });
  Object.assign(page, { spec, surfaces, scenes, state });
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
    onFrame: (message) => { page.frame = named(message); render(); },
    onRestart: () => { page.frame = null; },
    applyConfig,
  }));
  bindControls(page, changed);
  $("basin-of").addEventListener("change", render);
  ewa.bind(spec, saveState);
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  await loadSurface();
  writeForm();
  saveState(); // the URL now shows the state in force, whatever the hash held
  ewa.refresh();
  player.open(); // this tab's run, or the start paused at step 0
}

main();

// The Training lab page: `{config, view}` in the URL hash, the form from the lab's spec; the scene over
// HTTP, training live on the socket.
import { loadStrings, t, errorText } from "../i18n.js";
import { bindForm, livePlayer, writeForm } from "../controls.js";
import { loadSpec } from "../state.js";
import {
  applyPreset, featureChecks, loadDatasets, loadPresets, loadState, readText, runConfig, saveState, showDataFields,
  writeText,
} from "./training_form.js";
import { Curves, Gradients, ModelView } from "./training_views.js";
import { NetworkView } from "./training_network.js";
import { PolynomialScene, VanishingScene } from "./training_scenes.js";
import { reportsUploadGone, showUploadGone } from "./training_upload.js";

let spec = null;
let state = null; // {config, view}
let frame = null;
let scene = null;
const $ = (id) => document.getElementById(id);
const views = [new ModelView($("view-0"), $("images-0")), new ModelView($("view-1"), $("images-1"))];
const curves = new Curves($("loss-chart"), $("acc-chart"));
const gradients = new Gradients($("grad-chart"), $("weights"));
const network = new NetworkView($("network"));
const showError = (text) => {
  if (reportsUploadGone(text)) showUploadGone(); // said in the Data panel, translated, with a re-upload
  $("form-error").textContent = reportsUploadGone(text) ? "" : text;
};
let polynomial = null;
let vanishing = null;
const statusLine = document.querySelector("[data-status-line]");

function drawCurves() {
  curves.update(frame, scene.task === "classification", statusLine.dataset.status);
}

// Play, Pause and a run's end come without a frame, yet change what an empty curve chart's note says
new MutationObserver(() => {
  if (frame && scene && curves.waiting) drawCurves();
}).observe(statusLine, { attributes: true, attributeFilter: ["data-status"] });

function config() {
  return runConfig(state); // only the config goes to the server; the view stays here
}

function seconds(s) {
  if (s === null || s === undefined) return "—";
  return s < 90 ? `${Math.ceil(s)} s` : `${Math.round(s / 60)} min`;
}

// The time left, from the pace frames arrive at here: a lab's frames carry no clock (the same
// config gives the same frames on a busy server and an idle one).
const pace = { run: null, time: 0, step: 0 };

function timeLeft(message, total) {
  const now = performance.now();
  if (pace.run !== message.run_id || message.step < pace.step) {
    Object.assign(pace, { run: message.run_id, time: now, step: message.step });
  }
  if (message.step >= total) return 0;
  const done = message.step - pace.step;
  return done > 0 ? ((now - pace.time) / 1000 / done) * (total - message.step) : null;
}

function render() {
  if (!frame || !scene) return;
  const total = frame.total_steps ?? scene.steps; // the engine writes total_steps into every frame
  $("progress").textContent = t("training.progress", {
    epoch: frame.epoch, epochs: frame.epochs, step: frame.step, steps: total, left: seconds(timeLeft(frame, total)),
  });
  $("progress-bar").style.width = `${((100 * frame.step) / total).toFixed(1)}%`;
  frame.runs.forEach((part, i) => views[i].update(part));
  drawCurves();
  gradients.update(frame, scene);
  const which = Math.min(Number($("net-run").value), frame.runs.length - 1);
  network.update(frame.runs[which], which);
}

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
  const data = await response.json();
  if (!response.ok) {
    const d = data.detail?.[0];
    showError(d ? errorText(d) : response.statusText);
    return null;
  }
  return data;
}

let scenesAsked = 0; // two quick restarts (presets clicked in turn) ask twice; the older answer may come last

async function loadScene(cfg) {
  const ticket = ++scenesAsked;
  const s = await post("/api/training/scene", cfg); // the code panel is the live controller's
  if (!s || ticket !== scenesAsked) return;
  scene = s;
  const two = s.runs.length > 1;
  views[1].el.parentElement.hidden = !two;
  $("views").style.gridTemplateColumns = two ? "" : "minmax(0, 1fr)";
  views.forEach((v) => v.setScene(s));
  network.setScene(s);
  $("net-run").hidden = !two;
  if (!two) $("net-run").value = "0";
  if (!two) views[1].clear();
  render();
}

async function upload(file) {
  $("upload-info").textContent = t("training.uploading");
  const response = await fetch("/api/training/upload?task=auto", { method: "POST", body: await file.arrayBuffer(),
    headers: { "Content-Type": "text/csv" } });
  const data = await response.json();
  if (!response.ok) {
    const d = data.detail?.[0];
    $("upload-info").textContent = "";
    showError(`${file.name}: ${d ? errorText({ ...d, loc: null }) : response.statusText}`);
    return;
  }
  showError("");
  state.config.upload = data.upload;
  saveState(state);
  $("upload-info").textContent = t("training.uploaded", { name: file.name, rows: data.rows,
    task: t(`training.task.${data.task}`), classes: data.classes.join(", ") });
}

function showTab(tab) {
  state.view.tab = tab;
  saveState(state);
  for (const b of document.querySelectorAll("#view-tabs button")) b.setAttribute("aria-pressed", String(b.dataset.tab === tab));
  for (const page of document.querySelectorAll(".tab-page")) page.hidden = page.id !== `tab-${tab}`;
  if (tab === "polynomial" && !polynomial.data) polynomial.load();
  if (tab === "vanishing") vanishing.load();
  window.dispatchEvent(new Event("resize")); // charts drawn while hidden take their width now
}

async function main() {
  const datasets = loadDatasets(); // asked for at once, awaited below
  [spec] = await Promise.all([loadSpec("training"), loadStrings(), loadPresets()]);
  state = loadState(spec);
  polynomial = new PolynomialScene(state, showError);
  vanishing = new VanishingScene(state, showError);
  await Promise.all([polynomial.open(), vanishing.open()]); // their questions' defaults and bounds
  saveState(state); // the URL now shows the state in force, whatever the hash held
  const form = $("lab-controls");
  const { player } = livePlayer({
    lab: "training",
    getConfig: config,
    code: "/api/training/code", // the code panel shows the run on screen
    showError,
    onFrame: (message) => {
      frame = message;
      render();
    },
    onRestart: (c) => {
      frame = null;
      scene = null;
      loadScene(c); // the scene of the run on screen (a reload's form may hold edits not yet started)
    },
    applyConfig: (c) => {
      Object.assign(state.config, c);
      writeForm(form, state.config);
      writeText(state);
      saveState(state);
    },
  });
  const changed = (field, value) => {
    showError("");
    saveState(state);
    showDataFields(state);
    if (spec.live.includes(field)) player.setLive({ [field]: value });
  };
  bindForm(form, spec, state.config, {
    label: (field, value) => t(`training.${{ dataset: "ds", activation: "act", optimizer: "opt" }[field] ?? field}.${value}`),
    onChange: changed,
  });
  for (const d of await datasets) {
    const option = $("dataset").querySelector(`option[value=${d.name}]`);
    option.disabled = !d.available;
    if (!d.available) option.textContent += ` (${t("training.not_offered")})`;
  }
  featureChecks(spec, state, changed);
  for (const id of ["hidden", "compare"]) {
    $(id).addEventListener("change", () => {
      try {
        readText(spec, state, id); // widths this server does not take: the ones in force are shown
        writeText(state);
        changed(id);
      } catch (error) {
        showError(error.message);
      }
    });
  }
  writeText(state);
  polynomial.write();
  vanishing.write();
  $("csv-file").addEventListener("change", (event) => { if (event.target.files[0]) upload(event.target.files[0]); });
  for (const b of document.querySelectorAll("button[data-preset]")) {
    b.addEventListener("click", () => {
      applyPreset(spec, state, b.dataset.preset);
      const look = $("preset-look");
      look.textContent = t(`training.look.${b.dataset.preset}`);
      look.hidden = false;
      writeForm(form, state.config);
      writeText(state);
      showTab("train");
      player.start();
    });
  }
  for (const b of document.querySelectorAll("#compare-quick button")) {
    b.addEventListener("click", () => {
      $("compare").value = b.dataset.compare;
      $("compare").dispatchEvent(new Event("change"));
    });
  }
  for (const b of document.querySelectorAll("#view-tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  polynomial.bind(() => saveState(state));
  vanishing.bind(() => saveState(state));
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  $("net-run").addEventListener("change", render);
  showTab(state.view.tab);
  player.open(); // this tab's run, or the untrained model paused at step 0
}

main();

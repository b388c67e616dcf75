// The Gradient-descent lab page: one state object in the URL hash; the scene over HTTP, the race live.
import { loadStrings, t } from "../i18n.js";
import { livePlayer } from "../controls.js";
import { loadHash, saveHash } from "../state.js";
import { LineChart, PALETTE, formatValue } from "../charts.js";
import { ContourPaths, FitChart, LossPerUpdate } from "./descent_charts.js";

const VARIANTS = ["batch", "stochastic", "minibatch"];
const COLORS = { batch: PALETTE[0], stochastic: PALETTE[1], minibatch: PALETTE[3] };
const NUMBER_FIELDS = ["batch_size", "epochs", "lr", "samples", "seed"];
const DEFAULTS = { variants: [...VARIANTS], batch_size: 20, epochs: 50, lr: 0.01, samples: 100, seed: 0 };
const DEFAULT_SPEED = 7; // 200 ticks/s: the notes' race lasts about half a minute

let state = loadState();
let frame = null;
const $ = (id) => document.getElementById(id);

function loadState() {
  return loadHash(DEFAULTS);
}

function saveState() {
  saveHash(state);
}

function readForm() {
  state.variants = VARIANTS.filter((v) => document.querySelector(`#variants input[value=${v}]`).checked);
  for (const f of NUMBER_FIELDS) state[f] = Number($(f).value);
  saveState();
}

function writeForm() {
  for (const v of VARIANTS) {
    const input = document.querySelector(`#variants input[value=${v}]`);
    input.checked = state.variants.includes(v);
    input.parentElement.style.setProperty("--swatch", COLORS[v]);
  }
  for (const f of NUMBER_FIELDS) $(f).value = state[f];
}

function runConfig() {
  readForm();
  if (!state.variants.length) {
    $("form-error").textContent = t("descent.pick_one");
    return null;
  }
  return { ...state };
}

const contour = new ContourPaths($("contour"));
const fit = new FitChart($("fit"));
const lossUpdate = new LossPerUpdate($("loss-update"));
const lossEpoch = new LineChart($("loss-epoch"), { height: 320, logY: true });

function named(v) {
  return { ...v, name: t(`descent.v.${v.variant}`), color: COLORS[v.variant] };
}

function render() {
  if (!frame) return;
  const variants = frame.variants.map(named);
  contour.update(variants);
  fit.update(variants);
  lossUpdate.update(variants);
  lossEpoch.update(variants.map((v) => ({
    name: v.name, x: v.epoch_losses.map((_, i) => i), y: v.epoch_losses, color: v.color, mode: "lines+markers",
  })), { title: t("descent.loss_epoch_title"), xTitle: t("descent.epoch"), yTitle: t("descent.full_mse") });
  $("progress").textContent = t("descent.progress", {
    epoch: formatValue(frame.epoch), epochs: frame.epochs, tick: frame.step, ticks: frame.total_steps, // the engine writes both into every frame
    examples: frame.examples_seen,
  });
  renderTable(variants);
}

function renderTable(variants) {
  const head = [t("descent.col.variant"), t("descent.col.batch"), t("descent.col.per_epoch"), t("descent.col.updates"),
    "w", "b", t("descent.col.distance")];
  const table = document.createElement("table");
  table.className = "numbers";
  const tr = table.createTHead().insertRow();
  for (const h of head) tr.append(Object.assign(document.createElement("th"), { textContent: h }));
  const body = table.createTBody();
  const ls = frame.least_squares;
  for (const v of variants) {
    const row = body.insertRow();
    row.dataset.variant = v.variant;
    const perEpoch = v.updates_total / frame.epochs;
    const name = row.insertCell();
    const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
    swatch.style.background = v.color;  // through the CSSOM: an inline style attribute is refused by the CSP
    name.append(swatch);
    name.append(v.name + (v.diverged ? ` (${t("common.diverged")})` : ""));
    const cells = [String(v.batch_size), `${state.samples} / ${v.batch_size} → ${perEpoch}`,
      `${v.updates} / ${v.updates_total}`, formatValue(v.w), formatValue(v.b),
      formatValue(Math.hypot(v.w - ls.w, v.b - ls.b))];
    for (const c of cells) row.insertCell().textContent = c;
  }
  const target = body.insertRow();
  target.insertCell().textContent = t("descent.least_squares");
  for (const c of ["", "", "", formatValue(ls.w), formatValue(ls.b), "0"]) target.insertCell().textContent = c;
  $("updates-table").replaceChildren(table);
}

async function post(path, config) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(config),
  });
  const body = await response.json();
  if (!response.ok) {
    const d = body.detail?.[0];
    $("form-error").textContent = d ? `${d.loc.slice(1).join(".")}: ${d.msg}` : response.statusText;
    return null;
  }
  return body;
}

async function loadScene(config) {
  const [scene, code] = await Promise.all([post("/api/descent/scene", config), post("/api/descent/code", config)]);
  if (scene) {
    contour.setScene(scene);
    fit.setScene(scene);
    render();
  }
  $("code").textContent = code ? code.code : "";
}

async function main() {
  await loadStrings();
  writeForm();
  document.querySelector("#player [data-action=speed]").value = String(DEFAULT_SPEED);
  const { player } = livePlayer({
    lab: "descent",
    getConfig: runConfig,
    onFrame: (message) => {
      frame = message;
      render();
    },
    onRestart: () => {
      frame = null;
      loadScene(runConfig());
    },
  });
  for (const input of document.querySelectorAll("aside input")) input.addEventListener("change", readForm);
  $("lr").addEventListener("change", () => player.setLive({ lr: Number($("lr").value) }));
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  player.start(true); // open on the start of the race, paused at tick 0
}

main();

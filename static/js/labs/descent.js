// The Gradient-descent lab page: `{config}` in the URL hash, the form from the lab's spec; the scene over
// HTTP, the race live.
import { loadStrings, t, errorText } from "../i18n.js";
import { bindForm, livePlayer, writeForm } from "../controls.js";
import { loadSpec, loadState, saveState } from "../state.js";
import { LineChart, formatValue, seriesStyle } from "../charts.js";
import { ContourPaths, FitChart, LossPerUpdate } from "./descent_charts.js";

// each variant's colour, dash and marker, kept by name: batch and mini-batch differ in more than colour
const STYLE_INDEX = { batch: 0, stochastic: 1, minibatch: 3 };

let spec = null;
let state = null; // {config, view}: this page has no view settings of its own
let frame = null;
const $ = (id) => document.getElementById(id);
const style = (variant) => seriesStyle(STYLE_INDEX[variant] ?? 5);
const color = (variant) => style(variant).color;
const save = () => saveState(state);

// The variant checkboxes, one per choice the spec lists, each in its colour.
function variantChecks() {
  const box = $("variants");
  const choices = spec.schema.properties.variants.items.enum;
  box.querySelectorAll("label").forEach((label) => label.remove());
  for (const v of choices) {
    const input = Object.assign(document.createElement("input"), { type: "checkbox", value: v });
    input.checked = state.config.variants.includes(v);
    input.addEventListener("change", () => {
      state.config.variants = choices.filter((c) => box.querySelector(`input[value=${c}]`).checked);
      save();
    });
    const label = document.createElement("label");
    label.dataset.variant = v;
    label.style.setProperty("--swatch", color(v));
    label.append(input, ` ${t(`descent.v.${v}`)}`);
    box.append(label);
  }
}

// The trade-offs table: a row per variant the spec lists, its cells from the strings.
// Each cell carries its column's heading: on a phone a row is shown as a card of labelled lines (descent.css).
function tradeoffs() {
  const headings = [...document.querySelectorAll("table.tradeoffs thead th")].map((th) => th.textContent);
  const rows = spec.schema.properties.variants.items.enum.map((v) => {
    const row = document.createElement("tr");
    row.dataset.variant = v;
    const keys = [`descent.v.${v}`, ...["data", "stable", "speed", "minima"].map((c) => `descent.${v}.${c}`)];
    keys.forEach((key, i) => {
      row.append(Object.assign(document.createElement("td"), { textContent: t(key) }));
      row.lastChild.dataset.label = headings[i] ?? "";
    });
    return row;
  });
  $("tradeoffs").replaceChildren(...rows);
}

function runConfig() {
  if (!state.config.variants.length) {
    $("form-error").textContent = t("descent.pick_one");
    return null;
  }
  return state.config; // only the config goes to the server
}

const contour = new ContourPaths($("contour"));
const fit = new FitChart($("fit"));
const lossUpdate = new LossPerUpdate($("loss-update"));
const lossEpoch = new LineChart($("loss-epoch"), { height: 320, logY: true });

function named(v) {
  return { ...v, name: t(`descent.v.${v.variant}`), ...style(v.variant) };
}

function render() {
  if (!frame) return;
  const variants = frame.variants.map(named);
  contour.update(variants);
  fit.update(variants);
  lossUpdate.update(variants);
  lossEpoch.update(variants.map((v) => ({
    name: v.name, x: v.epoch_losses.map((_, i) => i), y: v.epoch_losses, color: v.color, dash: v.dash, symbol: v.symbol,
    mode: "lines+markers",
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
    const cells = [String(v.batch_size), `${state.config.samples} / ${v.batch_size} → ${perEpoch}`,
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
    // a 422 names its field; a 503 (the server's one-shot limiter) or a 413 says why in a sentence
    const d = Array.isArray(body.detail) ? body.detail[0] : null;
    $("form-error").textContent = d ? errorText(d) : String(body.detail ?? response.statusText);
    return null;
  }
  return body;
}

let scenesAsked = 0; // two quick edits ask twice; the older answer may come last and must not be drawn

async function loadScene(config) {
  const ticket = ++scenesAsked;
  const scene = await post("/api/descent/scene", config);
  if (scene && ticket === scenesAsked) {
    contour.setScene(scene);
    fit.setScene(scene);
    render();
  }
}

async function main() {
  await loadStrings();
  spec = await loadSpec("descent");
  state = loadState(spec, {});
  save(); // the URL now shows the state in force, whatever the hash held
  const { player } = livePlayer({
    lab: "descent",
    getConfig: runConfig,
    code: "/api/descent/code", // the code panel shows the run on screen
    onFrame: (message) => {
      frame = message;
      render();
    },
    onRestart: (config) => {
      frame = null;
      loadScene(config); // the scene of the run on screen (a reload's form may hold edits not yet started)
    },
    applyConfig: (config) => {
      Object.assign(state.config, config);
      writeForm($("descent-form"), state.config);
      variantChecks();
      save();
    },
  });
  variantChecks();
  tradeoffs();
  bindForm($("descent-form"), spec, state.config, {
    onChange: (field, value) => {
      save();
      if (spec.live.includes(field)) player.setLive({ [field]: value });
    },
  });
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  player.open(); // this tab's run, or the start of the race paused at tick 0
}

main();

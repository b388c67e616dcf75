// The Initialisation lab page: one state object, serialised to the URL hash; each frame -> render().
import { loadStrings, t } from "../i18n.js";
import { livePlayer } from "../controls.js";
import { HistogramGrid, LineChart, PALETTE, formatValue } from "../charts.js";
import { table } from "../tables.js";
import { loadHash, saveHash } from "../state.js";

const NUMBER_FIELDS = ["depth", "width", "batch_size", "lr", "steps", "seed"];
const PRESETS = {
  tanh: { activation: "tanh", methods: [{ method: "normal" }, { method: "xavier_normal" }, { method: "kaiming_normal", nonlinearity: "relu" }] },
  relu: { activation: "relu", methods: [{ method: "normal", std: 0.01 }, { method: "xavier_normal" }, { method: "kaiming_normal", nonlinearity: "relu" }] },
  symmetry: { activation: "tanh", methods: [{ method: "zeros" }, { method: "constant", val: 0.77 }, { method: "xavier_uniform" }] },
};
const DEFAULTS = { activation: "tanh", depth: 10, width: 256, batch_size: 128, lr: 0.05, steps: 1000, seed: 0,
  methods: PRESETS.tanh.methods, quantity: "weight" };
const ARGUMENT_DEFAULTS = { val: 0.77, a: 0, b: 1, mean: 0, std: 1, gain: 1, mode: "fan_in", nonlinearity: "leaky_relu" };

let methodArguments = {};
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
  state.activation = $("activation").value;
  for (const f of NUMBER_FIELDS) state[f] = Number($(f).value);
  saveState();
}

function writeForm() {
  $("activation").value = state.activation;
  for (const f of NUMBER_FIELDS) $(f).value = state[f];
  renderMethodCards();
}

function renderMethodCards() {
  const box = $("methods");
  box.replaceChildren();
  state.methods.forEach((m, i) => {
    const card = document.createElement("div");
    card.className = "method-card";
    card.style.setProperty("--swatch", PALETTE[i]);
    const select = document.createElement("select");
    for (const name of Object.keys(methodArguments)) {
      const option = new Option(t(`initialization.m.${name}`), name, false, name === m.method);
      select.add(option);
    }
    select.addEventListener("change", () => {
      state.methods[i] = { method: select.value };
      renderMethodCards();
      saveState();
    });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "×";
    remove.title = t("common.remove");
    remove.disabled = state.methods.length <= 1;
    remove.addEventListener("click", () => {
      state.methods.splice(i, 1);
      renderMethodCards();
      saveState();
    });
    card.append(remove, select);
    for (const arg of methodArguments[m.method] || []) card.append(argumentField(m, arg));
    box.append(card);
  });
  $("add-method").disabled = state.methods.length >= 4;
}

function argumentField(m, arg) {
  const label = document.createElement("label");
  label.className = "field";
  label.append(`${arg}`);
  let input;
  if (arg === "mode" || arg === "nonlinearity") {
    input = document.createElement("select");
    const choices = arg === "mode" ? ["fan_in", "fan_out"] : ["relu", "leaky_relu", "tanh", "sigmoid", "linear", "selu"];
    for (const c of choices) input.add(new Option(c, c, false, (m[arg] ?? ARGUMENT_DEFAULTS[arg]) === c));
  } else {
    input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    input.value = m[arg] ?? ARGUMENT_DEFAULTS[arg];
  }
  input.dataset.arg = arg;
  input.addEventListener("change", () => {
    m[arg] = input.tagName === "SELECT" ? input.value : Number(input.value);
    saveState();
  });
  label.append(input);
  return label;
}

function runConfig() {
  readForm();
  const { quantity, sharedY, ...config } = state; // view settings stay on the page
  return config;
}

const lossChart = new LineChart($("loss-chart"), { height: 330 });
const stdChart = new LineChart($("std-chart"), { height: 330, logY: true });
const histograms = new HistogramGrid($("histograms"));

function render() {
  if (!frame) return;
  const methods = frame.methods;
  const colors = methods.map((_, i) => PALETTE[i]);
  lossChart.update(
    methods.map((m, i) => ({
      name: m.label + (m.diverged ? ` (${t("common.diverged")})` : ""),
      x: m.loss_curve.map((p) => p[0]),
      y: m.loss_curve.map((p) => p[1]),
      color: colors[i],
    })),
    { title: `${t("initialization.loss_title")} · ${t("common.step")} ${frame.step}`, xTitle: t("common.step"), yTitle: t("common.loss") },
  );
  const q = state.quantity;
  const layerIdx = frame.layers.map((l) => l.index);
  const stdSeries = methods.map((m, i) => ({
    name: m.label, x: layerIdx, y: m.layers.map((l) => l[q].std), color: colors[i], mode: "lines+markers",
  }));
  if (q === "weight") {
    methods.forEach((m, i) => stdSeries.push({
      name: `${m.label} · ${t("initialization.theory")}`, x: layerIdx, y: m.layers.map((l) => l.theory_weight_std),
      color: colors[i], dash: "dot", width: 1.5,
    }));
  }
  stdChart.update(stdSeries, {
    title: t(`initialization.std_title.${q}`), xTitle: t("common.layer"), yTitle: t("initialization.std_axis"),
  });
  histograms.update({
    rows: frame.layers,
    columns: methods.map((m) => m.label),
    cells: frame.layers.map((_, li) => methods.map((m) => m.layers[li][q])),
    colors,
    rowLabel: (l) => `${t("common.layer")} ${l.index}<br>${l.fan_in}→${l.fan_out}`,
    title: `${t(`initialization.q.${q}`)} · ${t("common.step")} ${frame.step}`,
    sharedY: state.sharedY !== false,
  });
  renderTables(methods);
}

function renderTables(methods) {
  const headers = [t("common.layer"), ...methods.flatMap((m, i) => [
    { text: `${m.label} · ${t("initialization.theory")}`, color: PALETTE[i] },
    { text: t("initialization.measured"), color: PALETTE[i] },
  ])];
  const rows = frame.layers.map((l, li) => [String(l.index), ...methods.flatMap((m) => [
    formatValue(m.layers[li].theory_weight_std), formatValue(m.layers[li].weight.std),
  ])]);
  $("theory-table").replaceChildren(table(headers, rows));
  const symHeaders = [t("common.layer"), ...methods.map((m, i) => ({ text: m.label, color: PALETTE[i] }))];
  const symRows = frame.layers.map((l, li) => [String(l.index), ...methods.map((m) => {
    const k = m.layers[li].distinct_neurons;
    return { text: `${k} / ${l.fan_out}`, className: k === 1 && l.fan_out > 1 ? "flag" : "" };
  })]);
  $("symmetry-table").replaceChildren(table(symHeaders, symRows));
}

async function showCode(config) {
  const response = await fetch("/api/init/code", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(config),
  });
  const body = await response.json();
  $("code").textContent = response.ok ? body.code : "";
}

async function main() {
  await loadStrings();
  const methodList = await (await fetch("/api/init/methods")).json();
  methodArguments = Object.fromEntries(methodList.map((m) => [m.name, m.arguments]));
  writeForm();
  const { player } = livePlayer({
    lab: "initialization",
    getConfig: runConfig,
    onFrame: (message) => {
      frame = message;
      render();
    },
    onRestart: () => {
      frame = null;
      showCode(runConfig());
    },
  });
  for (const f of ["activation", ...NUMBER_FIELDS]) $(f).addEventListener("change", readForm);
  $("lr").addEventListener("change", () => player.setLive({ lr: Number($("lr").value) }));
  $("add-method").addEventListener("click", () => {
    if (state.methods.length < 4) state.methods.push({ method: "kaiming_uniform" });
    renderMethodCards();
    saveState();
  });
  for (const b of document.querySelectorAll("#presets button")) {
    b.addEventListener("click", () => {
      Object.assign(state, structuredClone(PRESETS[b.dataset.preset]));
      writeForm();
      saveState();
      player.start();
    });
  }
  $("shared-y").checked = state.sharedY !== false;
  $("shared-y").addEventListener("change", () => {
    state.sharedY = $("shared-y").checked;
    saveState();
    render();
  });
  for (const b of document.querySelectorAll("#quantity-tabs button")) {
    b.setAttribute("aria-pressed", String(b.dataset.quantity === state.quantity));
    b.addEventListener("click", () => {
      state.quantity = b.dataset.quantity;
      for (const o of document.querySelectorAll("#quantity-tabs button")) {
        o.setAttribute("aria-pressed", String(o === b));
      }
      saveState();
      render();
    });
  }
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  showCode(runConfig());
  player.start(true); // open on the initial state, paused at step 0
}

main();

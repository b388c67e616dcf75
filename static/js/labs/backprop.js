// The Back-propagation page: the network's values in one state object (URL hash), the worked example
// from POST /api/backprop/example, the walk-through, and training on through /ws/runs.
import { loadStrings, t } from "../i18n.js";
import { livePlayer } from "../controls.js";
import { LineChart, PALETTE } from "../charts.js";
import { $, api, fixed, loadHash, saveHash, table } from "./losses_util.js";
import { renderTex } from "./tex_mathml.js";
import { NetworkGraph } from "./backprop_graph.js";
import { Walkthrough, renderTables } from "./backprop_walk.js";

const NOTES = {
  i1: 0.05, i2: 0.1, t1: 0.01, t2: 0.99,
  w1: 0.15, w2: 0.2, w3: 0.25, w4: 0.3, w5: 0.4, w6: 0.45, w7: 0.5, w8: 0.55,
  b_h1: 0.35, b_h2: 0.35, b_o1: 0.6, b_o2: 0.6,
};
const DEFAULTS = { values: NOTES, activation: "sigmoid", lr: 0.5, steps: 10000, walk: [0, 0] };
const state = loadHash(DEFAULTS);
const save = () => saveHash(state);
const inputs = () => [...document.querySelectorAll("[data-value]")];

function readForm() {
  for (const input of inputs()) state.values[input.dataset.value] = Number(input.value);
  state.activation = $("activation").value;
  state.lr = Number($("lr").value);
  state.steps = Number($("steps").value);
  save();
}

function writeForm() {
  for (const input of inputs()) input.value = state.values[input.dataset.value];
  $("activation").value = state.activation;
  $("lr").value = state.lr;
  $("steps").value = state.steps;
}

function request() {
  const v = state.values;
  const pick = (names) => Object.fromEntries(names.map((n) => [n, v[n]]));
  return {
    inputs: [v.i1, v.i2], targets: [v.t1, v.t2],
    weights: pick(["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"]),
    biases: pick(["b_h1", "b_h2", "b_o1", "b_o2"]),
    lr: state.lr, activation: state.activation,
  };
}

const graph = new NetworkGraph($("graph"));
const walk = new Walkthrough(graph, (position) => { state.walk = position; save(); });
const lossChart = new LineChart($("train-loss"), { height: 320, logY: true });
const outputChart = new LineChart($("train-outputs"), { height: 320 });

async function refresh() {
  readForm();
  $("form-error").textContent = "";
  try {
    const [example, code] = await Promise.all([
      api("/api/backprop/example", request()),
      api("/api/backprop/code", { ...request(), steps: state.steps }),
    ]);
    graph.update(example);
    renderTables(example);
    walk.setExample(example, state.walk);
    $("code").textContent = code.code;
    $("graph").dataset.loss = String(example.loss);
  } catch (error) {
    $("form-error").textContent = error.message;
  }
}

function renderFrame(frame) {
  const h = frame.history;
  lossChart.update([{ name: "E", x: h.step, y: h.loss, color: PALETTE[1] }], {
    // before the first step there is no error yet (NaN on the server, null on the wire)
    title: `${t("backprop.loss_chart")} · ${t("common.step")} ${frame.step}${frame.loss === null ? "" : ` · E = ${fixed(frame.loss, 6)}`}`,
    xTitle: t("common.step"), yTitle: "E",
  });
  const last = h.step.length ? h.step[h.step.length - 1] : 0;
  outputChart.update([
    { name: `o1 = ${fixed(frame.outputs.o1)}`, x: h.step, y: h.o1, color: PALETTE[0] },
    { name: `o2 = ${fixed(frame.outputs.o2)}`, x: h.step, y: h.o2, color: PALETTE[3] },
    { name: t("backprop.target", { name: "t1" }), x: [0, last], y: [frame.targets.t1, frame.targets.t1], color: PALETTE[0], dash: "dot", width: 1.5 },
    { name: t("backprop.target", { name: "t2" }), x: [0, last], y: [frame.targets.t2, frame.targets.t2], color: PALETTE[3], dash: "dot", width: 1.5 },
  ], { title: t("backprop.outputs_chart"), xTitle: t("common.step"), yTitle: "o" });
}

function initLive() {
  const { player } = livePlayer({
    lab: "backprop",
    getConfig: () => { readForm(); return { ...request(), steps: state.steps }; },
    onFrame: renderFrame,
    onRestart: refresh,
    applyConfig: (c) => {
      const [i1, i2] = c.inputs;
      const [t1, t2] = c.targets;
      Object.assign(state, { activation: c.activation, lr: c.lr, steps: c.steps });
      Object.assign(state.values, { i1, i2, t1, t2 }, c.weights, c.biases);
      writeForm();
      save();
    },
  });
  $("lr").addEventListener("change", () => player.setLive({ lr: Number($("lr").value) }));
  player.open();
}

async function chainRule() {
  const r = await api("/api/backprop/chain-rule", {});
  $("chain-table").replaceChildren(table(
    ["z = wx + b", "σ(z)", "σ'(z)", "∂f/∂w", "∂f/∂b", `${t("backprop.autograd")} ∂f/∂w, ∂f/∂b`],
    [[fixed(r.z), fixed(r.value), fixed(r.df_dz), fixed(r.grad_w), fixed(r.grad_b), `${fixed(r.autograd.grad_w)}, ${fixed(r.autograd.grad_b)}`]],
  ));
}

async function main() {
  await loadStrings();
  renderTex();
  writeForm();
  for (const input of [...inputs(), $("activation"), $("lr"), $("steps")]) input.addEventListener("change", refresh);
  $("notes-values").addEventListener("click", () => {
    Object.assign(state, structuredClone({ values: NOTES, activation: "sigmoid", lr: 0.5 }));
    writeForm();
    refresh();
  });
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  await Promise.all([refresh(), chainRule()]);
  initLive();
  document.body.dataset.ready = "true"; // the browser tests wait for this
}

main();

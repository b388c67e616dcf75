// The Back-propagation page: `{config, view}` in the URL hash, the form from the lab's spec; the worked
// example from POST /api/backprop/example, the walk-through, and training on through /ws/runs.
import { loadStrings, t } from "../i18n.js";
import { bindForm, livePlayer, writeForm } from "../controls.js";
import { LineChart, PALETTE } from "../charts.js";
import { loadSpec, loadState, saveState } from "../state.js";
import { $, api, fixed, table } from "./losses_util.js";
import { renderTex } from "./tex_mathml.js";
import { NetworkGraph } from "./backprop_graph.js";
import { Walkthrough, renderTables } from "./backprop_walk.js";
import { ValueInputs, spelledOut } from "./backprop_form.js";

const VIEW = { walk: [0, 0] }; // the walk-through's parameter and factor; never sent to the server

let spec = null;
let state = null; // {config, view}
let values = null; // the form's inputs for inputs, targets, weights and biases
const save = () => saveState(state);

// The example answers the network's question: the run's config but its length.
function question() {
  const { steps, ...network } = state.config;
  return network;
}

// A walk position is two whole numbers (a hand-edited URL may hold anything).
function walkPosition(walk) {
  const ok = Array.isArray(walk) && walk.length === 2 && walk.every((n) => Number.isInteger(n) && n >= 0);
  return ok ? walk : structuredClone(VIEW.walk);
}

const graph = new NetworkGraph($("graph"));
const walk = new Walkthrough(graph, (position) => { state.view.walk = position; save(); });
const lossChart = new LineChart($("train-loss"), { height: 320, logY: true });
const outputChart = new LineChart($("train-outputs"), { height: 320 });

let asked = 0; // refreshes asked for: an answer to an older one is stale (the form changed since)

async function refresh() {
  const mine = ++asked;
  $("form-error").textContent = "";
  try {
    const example = await api("/api/backprop/example", question()); // the code panel is the run's
    if (mine !== asked) return;
    spelledOut(state.config, example.config); // null and b1/b2 as the values they stand for
    values.write();
    save();
    graph.update(example);
    renderTables(example);
    walk.setExample(example, state.view.walk);
    $("graph").dataset.loss = String(example.loss);
  } catch (error) {
    if (mine === asked) $("form-error").textContent = error.message;
  }
}

function renderFrame(frame) {
  const h = frame.history;
  lossChart.update([{ name: "E", x: h.step, y: h.loss, color: PALETTE[1] }], {
    // before the first step there is no error yet (NaN on the server, null on the wire)
    title: `${t("backprop.loss_chart")} · ${t("common.step")} ${frame.step}${frame.loss === null ? "" : ` · E = ${fixed(frame.loss, 6)}`}`,
    xTitle: t("common.step"), yTitle: "E", waiting: t("common.wait_first_step"),
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
  const form = $("network-form");
  const { player } = livePlayer({
    lab: "backprop",
    getConfig: () => state.config, // only the config goes to the server; the view stays here
    code: "/api/backprop/code", // the code panel shows the run on screen
    onFrame: renderFrame,
    onRestart: refresh,
    applyConfig: (config) => {
      Object.assign(state.config, config);
      writeForm(form, state.config);
      values.write();
      save();
      refresh();
    },
  });
  bindForm(form, spec, state.config, {
    label: (field, value) => t(`backprop.act.${value}`),
    onChange: (field, value) => {
      save();
      if (spec.live.includes(field)) player.setLive({ [field]: value });
      refresh();
    },
  });
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
  spec = await loadSpec("backprop");
  state = loadState(spec, VIEW);
  state.view.walk = walkPosition(state.view.walk);
  save(); // the URL now shows the state in force, whatever the hash held
  renderTex();
  values = new ValueInputs($("network-form"), spec, state.config, () => {
    save();
    refresh();
  });
  $("notes-values").addEventListener("click", () => {
    // the notes' network: every value the spec declares by default, the run's length kept
    Object.assign(state.config, structuredClone(spec.defaults), { steps: state.config.steps });
    writeForm($("network-form"), state.config);
    values.write();
    save();
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

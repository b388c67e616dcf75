// The Loss-functions page: one state object in the URL hash; the live outlier fit; the one-shot panels.
import { loadStrings, t } from "../i18n.js";
import { livePlayer } from "../controls.js";
import { LineChart, seriesStyle } from "../charts.js";
import { $, api, fixed, loadHash, saveHash, table } from "./losses_util.js";
import { renderTex } from "./tex_mathml.js";
import { initRegression } from "./losses_regression.js";
import { initClassification } from "./losses_classify.js";
import { initInformation } from "./losses_info.js";

const FIT_FIELDS = ["samples", "outliers", "outlier_offset", "noise", "lr", "beta", "steps", "seed"];
// each loss's colour and dash, by name (the regression panel's too)
const FIT_STYLES = { l1: seriesStyle(0), mse: seriesStyle(1), smooth_l1: seriesStyle(3), huber: seriesStyle(4) };
const DEFAULTS = {
  fit: { losses: ["l1", "mse", "smooth_l1"], samples: 30, outliers: 4, outlier_offset: 8, noise: 0.3,
    optimizer: "sgd", lr: 0.05, beta: 1, steps: 3000, seed: 0 },
  curves: { beta: 1, delta: 1 },
  logits: [[1.5, 2.0, 0.5], [0.5, 1.0, 1.5]],
  labels: [1, 2],
  bceTarget: 0,
  p: [0.5, 0.25, 0.15, 0.1],
  q: [0.25, 0.25, 0.25, 0.25],
  unit: "nats",
};

const state = loadHash(DEFAULTS);
const save = () => saveHash(state);
let frame = null;

function readFitForm() {
  for (const f of FIT_FIELDS) state.fit[f] = Number($(f).value);
  state.fit.optimizer = $("optimizer").value;
  state.fit.losses = [...document.querySelectorAll("#fit-losses input:checked")].map((i) => i.value);
  save();
}

function writeFitForm() {
  for (const f of FIT_FIELDS) $(f).value = state.fit[f];
  $("optimizer").value = state.fit.optimizer;
  for (const box of document.querySelectorAll("#fit-losses input")) box.checked = state.fit.losses.includes(box.value);
}

function fitConfig() {
  readFitForm();
  if (!state.fit.losses.length) {
    $("form-error").textContent = `${t("losses.outliers.losses")}: ≥ 1`;
    return null;
  }
  return { ...state.fit };
}

const fitChart = new LineChart($("fit-chart"), { height: 340 });
const historyChart = new LineChart($("fit-history"), { height: 340, logY: true });

function renderFit() {
  if (!frame) return;
  const { x, y, outlier } = frame.points;
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  const pick = (flag) => x.map((_, i) => i).filter((i) => outlier[i] === flag);
  const series = [
    { name: t("losses.outliers.points"), x: pick(false).map((i) => x[i]), y: pick(false).map((i) => y[i]), mode: "markers", color: "#5b6475" },
    { name: t("losses.outliers.outlier_points"), x: pick(true).map((i) => x[i]), y: pick(true).map((i) => y[i]), mode: "markers", color: "#b42318" },
    { name: t("losses.outliers.true_line"), x: [lo, hi], y: [lo, hi].map((v) => frame.true_line.w * v + frame.true_line.b), color: "#999", dash: "dot", width: 1.5 },
  ];
  for (const f of frame.fits) {
    if (f.w === null || f.b === null) continue;
    series.push({ name: t(`losses.loss.${f.loss}`), x: [lo, hi], y: [lo, hi].map((v) => f.w * v + f.b),
      color: FIT_STYLES[f.loss].color, dash: FIT_STYLES[f.loss].dash });
  }
  fitChart.update(series, { title: `${t("losses.outliers.fit_title")} · ${t("common.step")} ${frame.step}`, xTitle: "x", yTitle: "y" });
  historyChart.update(frame.fits.map((f) => ({
    name: t(`losses.loss.${f.loss}`), x: f.history.step, y: f.history.loss,
    color: FIT_STYLES[f.loss].color, dash: FIT_STYLES[f.loss].dash,
  })), { title: t("losses.outliers.history_title"), xTitle: t("common.step"), yTitle: t("common.loss") });
  $("fit-table").replaceChildren(table(
    [t("losses.outliers.losses"), "w", "b", t("losses.outliers.table_loss")],
    frame.fits.map((f) => [t(`losses.loss.${f.loss}`), fixed(f.w), fixed(f.b),
      f.diverged ? { text: t("losses.outliers.diverged"), className: "flag" } : f.value === null ? "—" : fixed(f.value)]),
  ));
}

function initLive() {
  writeFitForm();
  const { player } = livePlayer({
    lab: "losses",
    getConfig: fitConfig,
    code: "/api/losses/code", // the code panel shows the run on screen
    onFrame: (message) => { frame = message; renderFit(); },
    onRestart: () => { frame = null; },
    applyConfig: (config) => { Object.assign(state.fit, config); writeFitForm(); save(); },
  });
  for (const f of [...FIT_FIELDS, "optimizer"]) $(f).addEventListener("change", readFitForm);
  for (const box of document.querySelectorAll("#fit-losses input")) box.addEventListener("change", readFitForm);
  $("lr").addEventListener("change", () => player.setLive({ lr: Number($("lr").value) }));
  player.open();
}

async function main() {
  await loadStrings();
  renderTex();
  for (const link of document.querySelectorAll(".section-nav a")) {
    link.addEventListener("click", (event) => {
      event.preventDefault(); // the hash holds the page state, not the section
      $(link.dataset.section).scrollIntoView({ behavior: "smooth" });
    });
  }
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  initLive();
  const examples = await api("/api/losses/examples");
  $("examples-code").textContent = examples.code;
  await Promise.all([
    initRegression(state, save, examples),
    initClassification(state, save),
    initInformation(state, save),
  ]);
  document.body.dataset.ready = "true"; // the browser tests wait for this
}

main();

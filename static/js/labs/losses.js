// The Loss-functions page: `{config, view}` in the URL hash (config: the live outlier fit, from the lab's
// spec; view: the one-shot panels' questions), the fit's form from the spec; the one-shot panels.
import { loadStrings, t } from "../i18n.js";
import { bindForm, livePlayer, writeForm } from "../controls.js";
import { LineChart, seriesStyle } from "../charts.js";
import { fieldSchema, loadSpec, saveState } from "../state.js";
import { $, api, fixed, table } from "./losses_util.js";
import { renderTex } from "./tex_mathml.js";
import { initRegression } from "./losses_regression.js";
import { initClassification } from "./losses_classify.js";
import { initInformation } from "./losses_info.js";
import { loadLossesState, sliderRanges } from "./losses_state.js";

// each loss's colour and dash, by name (the regression panel's too)
const FIT_STYLES = { l1: seriesStyle(0), mse: seriesStyle(1), smooth_l1: seriesStyle(3), huber: seriesStyle(4) };

let spec = null;
let state = null; // {config, view}; only config goes to the server
const save = () => saveState(state);
let frame = null;

function fitConfig() {
  return state.config; // only the config goes to the server; the view stays here
}

// The losses fitted side by side: a checkbox per choice the spec gives, at least minItems ticked.
function bindLosses(onChange) {
  const node = fieldSchema(spec, "losses");
  const box = $("fit-losses");
  const boxes = node.items.enum.map((name) => {
    const input = Object.assign(document.createElement("input"), { type: "checkbox", value: name });
    const label = document.createElement("label");
    label.append(input, ` ${t(`losses.loss.${name}`)}`);
    box.append(label);
    return input;
  });
  for (const input of boxes) {
    input.addEventListener("change", () => {
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      if (chosen.length < (node.minItems ?? 1)) {
        input.checked = true; // the last one stays: a fit needs a loss
        return;
      }
      state.config.losses = chosen;
      onChange();
    });
  }
}

function writeLosses() {
  for (const box of document.querySelectorAll("#fit-losses input")) box.checked = state.config.losses.includes(box.value);
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
  })), { title: t("losses.outliers.history_title"), xTitle: t("common.step"), yTitle: t("common.loss"),
    waiting: t("common.wait_first_step") });
  $("fit-table").replaceChildren(table(
    [t("losses.outliers.losses"), "w", "b", t("losses.outliers.table_loss")],
    frame.fits.map((f) => [t(`losses.loss.${f.loss}`), fixed(f.w), fixed(f.b),
      f.diverged ? { text: t("losses.outliers.diverged"), className: "flag" } : f.value === null ? "—" : fixed(f.value)]),
  ));
}

function initLive() {
  const form = $("fit-form");
  const { player } = livePlayer({
    lab: "losses",
    getConfig: fitConfig,
    code: "/api/losses/code", // the code panel shows the run on screen
    onFrame: (message) => { frame = message; renderFit(); },
    onRestart: () => { frame = null; },
    applyConfig: (config) => { Object.assign(state.config, config); writeForm(form, state.config); writeLosses(); save(); },
  });
  bindLosses(save);
  bindForm(form, spec, state.config, {
    label: (field, value) => t(`losses.opt.${value}`),
    onChange: (field, value) => {
      save();
      if (spec.live.includes(field)) player.setLive({ [field]: value });
    },
  });
  writeLosses();
  player.open();
}

async function main() {
  await loadStrings();
  spec = await loadSpec("losses");
  state = loadLossesState(spec);
  save(); // the URL now shows the state in force, whatever the hash held
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
    initRegression(state.view, save, examples, sliderRanges(spec)),
    initClassification(state.view, save, spec.tools.cross_entropy.defaults, sliderRanges(spec).logit),
    initInformation(state.view, save, spec.tools.information.schema.properties.unit.enum, sliderRanges(spec).probability),
  ]);
  document.body.dataset.ready = "true"; // the browser tests wait for this
}

main();

// Regression losses on the Loss-functions page: loss and gradient curves, the notes' examples, the guide.
import { t, lang } from "../i18n.js";
import { LineChart, PALETTE } from "../charts.js";
import { $, api, fixed, table } from "./losses_util.js";

const COLORS = { l1: PALETTE[0], mse: PALETTE[1], smooth_l1: PALETTE[3], huber: PALETTE[4] };

// `ranges`: the β and δ sliders' ends (losses_state.js)
export async function initRegression(state, save, examples, ranges) {
  const lossChart = new LineChart($("curve-loss"), { height: 320 });
  const gradChart = new LineChart($("curve-grad"), { height: 320 });
  let pending = 0;

  async function draw() {
    const ticket = ++pending;
    // the error range and points are the request's own defaults (the lab's CurvesConfig)
    const c = await api("/api/losses/curves", { beta: state.curves.beta, delta: state.curves.delta });
    if (ticket !== pending) return; // a later slider move already asked again
    const series = (key) => Object.entries(c.losses).map(([name, v]) => ({
      name: t(`losses.loss.${name}`) + (name === "smooth_l1" ? ` β=${c.beta}` : name === "huber" ? ` δ=${c.delta}` : ""),
      x: c.error, y: v[key], color: COLORS[name], dash: name === "huber" ? "dash" : "solid",
    }));
    lossChart.update(series("loss"), { title: t("losses.regression.loss_title"), xTitle: t("losses.regression.error"), yTitle: t("common.loss") });
    gradChart.update(series("grad"), { title: t("losses.regression.grad_title"), xTitle: t("losses.regression.error"), yTitle: t("losses.regression.gradient") });
  }

  for (const name of ["beta", "delta"]) {
    const input = $(`curve-${name}`);
    Object.assign(input, ranges[name]);
    input.value = state.curves[name];
    $(`curve-${name}-out`).textContent = state.curves[name];
    input.addEventListener("input", () => {
      state.curves[name] = Number(input.value);
      $(`curve-${name}-out`).textContent = input.value;
      save();
      draw();
    });
  }

  $("examples-table").replaceChildren(table(
    [t("losses.examples.note"), t("losses.examples.loss"), t("losses.examples.input"), t("losses.examples.target"), t("losses.examples.value")],
    examples.regression.map((e) => [
      e.note, t(`losses.loss.${e.loss}`), JSON.stringify(e.input), JSON.stringify(e.target),
      { text: fixed(e.value), className: "label-cell" },
    ]),
  ));
  const language = lang === "zh" ? "zh" : "en";
  $("guide-table").replaceChildren(table(
    [t("losses.guide.task"), t("losses.guide.output"), t("losses.guide.loss"), "torch", t("losses.guide.why")],
    examples.guide.map((g) => [g.task[language], t(`losses.output.${g.output_layer}`), t(`losses.loss.${g.loss}`),
      { text: g.torch, className: "api-name" },
      { text: g.why[language], className: "guide-why" }]),
  ));
  await draw();
}

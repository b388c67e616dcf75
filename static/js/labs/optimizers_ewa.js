// The EWA panel: the exponentially weighted average of a noisy series at the β of its slider, beside
// Adam's exp_avg and SGD's momentum buffer. β and the bias correction are the page's view, not the run's;
// the slider's bounds and step come from the lab's spec (its tools' EWA schema).
import { t } from "../i18n.js";
import { LineChart, PALETTE, formatValue } from "../charts.js";
import { clampNumber } from "../state.js";
import { renderTexText } from "./tex_mathml.js";
import { post } from "./optimizers_server.js";

export class EwaPanel {
  constructor(chartEl, windowEl) {
    this.chart = new LineChart(chartEl, { height: 320 });
    this.windowEl = windowEl;
    renderTexText(chartEl.closest("section") ?? document); // the hint's S_{t−1} and β^t as formulas
  }

  render(data, bias) {
    const window = formatValue(data.window);
    this.windowEl.textContent = t("optimizers.window", { window });
    const series = [
      { name: t("optimizers.series"), x: data.t, y: data.series, color: "#b8bfcc", mode: "markers" },
      { name: t("optimizers.average"), x: data.t, y: data.average, color: PALETTE[0] },
      { name: t("optimizers.adam_exp_avg"), x: data.t, y: data.adam_exp_avg, color: "#1d2433", dash: "dot", width: 1.5 },
      { name: t("optimizers.momentum_buffer"), x: data.t, y: data.momentum_buffer, color: PALETTE[2], dash: "dash", width: 1.5 },
    ];
    if (bias) series.splice(2, 0, { name: t("optimizers.corrected"), x: data.t, y: data.corrected, color: PALETTE[1] });
    this.chart.update(series, {
      title: t("optimizers.ewa_chart", { beta: data.beta, window }), xTitle: t("optimizers.day"), yTitle: "Y",
    });
  }
}

// 10^-d for the most decimals d among the bounds: a slider step that reaches both (0.001 for 0.5..0.999).
function stepReaching(node) {
  const decimals = (v) => (String(v).split(".")[1] ?? "").length;
  return 10 ** -Math.max(decimals(node.minimum), decimals(node.maximum));
}

// The slider and the checkbox bound to the page's view (`view()`), and the panel redrawn with the answer
// to the latest β asked (a pause in the slider's motion first); `onChange` saves the view.
export class EwaControls {
  constructor(panel, betaEl, biasEl, view) {
    this.panel = panel;
    this.view = view;
    this.betaEl = betaEl;
    this.biasEl = biasEl;
    this.timer = 0;
    this.asked = 0; // only the latest beta's answer is drawn
  }

  bind(spec, onChange) {
    const view = this.view;
    const beta = spec.tools.ewa.schema.properties.beta;
    Object.assign(this.betaEl, { min: beta.minimum, max: beta.maximum, step: stepReaching(beta) });
    this.betaEl.addEventListener("input", () => {
      view().beta = clampNumber(beta, Number(this.betaEl.value)) ?? view().beta;
      onChange();
      this.refresh();
    });
    this.biasEl.addEventListener("change", () => { view().bias = this.biasEl.checked; onChange(); this.refresh(); });
  }

  write() {
    this.betaEl.value = this.view().beta;
    this.biasEl.checked = this.view().bias;
  }

  refresh() {
    clearTimeout(this.timer);
    const ticket = ++this.asked;
    this.timer = setTimeout(async () => {
      const { ok, body } = await post("ewa", { beta: this.view().beta });
      if (ok && ticket === this.asked) this.panel.render(body, this.view().bias);
    }, 120);
  }
}

// The class experiment's picture: one point per student's run, a setting against a result, anonymous.
import { t } from "./i18n.js";
import { PALETTE } from "./charts.js";

// Settings worth trying per lab, offered in the field box (any config path may be typed).
export const FIELDS = {
  training: ["lr", "batch_size", "dropout", "weight_decay", "init", "optimizer", "activation", "epochs", "seed"],
  initialization: ["lr", "depth", "width", "activation", "batch_size", "seed"],
  descent: ["lr", "batch_size", "epochs", "samples"],
  optimizers: ["steps", "surface", "optimizers[0].lr", "optimizers[0].name"],
  backprop: ["lr", "activation", "steps"],
  losses: ["lr", "optimizer", "outliers", "steps"],
};

export function fillFields(datalist, lab) {
  datalist.replaceChildren(...(FIELDS[lab] ?? []).map((f) => Object.assign(document.createElement("option"), { value: f })));
}

export function drawExperiment(root, experiment) {
  if (!experiment) {
    window.Plotly.purge(root);
    delete root.dataset.points; // the chart is hidden until the teacher picks an experiment
    return;
  }
  const pts = experiment.points;
  root.dataset.points = String(pts.length);
  const categorical = pts.some((p) => typeof p.x === "string" || typeof p.x === "boolean");
  const trace = {
    type: "scatter",
    mode: "markers",
    x: pts.map((p) => (typeof p.x === "boolean" ? String(p.x) : p.x)),
    y: pts.map((p) => p.y),
    marker: { size: 11, color: pts.map((p) => (p.status === "diverged" ? "#b42318" : PALETTE[0])), opacity: 0.8 },
    hovertemplate: "%{x}: %{y:.4g}<extra></extra>",
  };
  const positive = pts.length > 0 && pts.every((p) => typeof p.x === "number" && p.x > 0);
  const spread = positive ? Math.max(...pts.map((p) => p.x)) / Math.min(...pts.map((p) => p.x)) : 1;
  window.Plotly.react(root, [trace], {
    height: 340,
    margin: { l: 60, r: 20, t: 30, b: 50 },
    title: { text: t("class.points", { n: pts.length }), font: { size: 13 } },
    xaxis: {
      title: { text: experiment.field },
      type: categorical ? "category" : spread > 20 ? "log" : "linear",
      ...(spread > 20 && !categorical ? { dtick: 1 } : {}), // a log axis: powers of ten only, no minor labels
    },
    yaxis: { title: { text: t(`class.metric.${experiment.metric}`) } },
  }, { displayModeBar: false, responsive: true });
}

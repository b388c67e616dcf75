// The class experiment's picture: one point per student's run, a setting against a result, anonymous.
import { t } from "./i18n.js";
import { PALETTE } from "./charts.js";
import { loadSpec, resolve } from "./state.js";

// The settings a class experiment may plot for a lab, as config paths: every field of the lab's spec with one
// value (a number, a flag or a choice; a free text or a list of numbers is no point on an axis), the first
// item's of a list of settings objects ("optimizers[0].lr"), the hyperparameters a run may change live first.
// Any other path may still be typed.
export function fieldPaths(spec) {
  const root = spec.schema;
  const single = (node) => fieldNode(node, root);
  const plotted = (node) => ["number", "integer", "boolean"].includes(node?.type) || Boolean(node?.enum);
  const paths = [];
  for (const [name, raw] of Object.entries(root.properties ?? {})) {
    const node = single(raw);
    if (plotted(node)) paths.push(name);
    const item = node?.type === "array" ? single(node.items) : null;
    for (const [key, sub] of Object.entries(item?.properties ?? {})) if (plotted(single(sub))) paths.push(`${name}[0].${key}`);
  }
  const live = spec.live ?? [];
  return [...paths.filter((p) => live.includes(p)), ...paths.filter((p) => !live.includes(p))];
}

// A field's schema without its $ref and, when nullable, without its null.
function fieldNode(node, root) {
  const found = resolve(node, root);
  const branch = found?.anyOf?.find((b) => b.type !== "null");
  return branch ? resolve(branch, root) : found;
}

const specs = new Map(); // lab -> its spec, asked once
let asked = 0; // a quick change of lab asks twice: only the latest answer fills the box

export async function fillFields(datalist, lab) {
  const ticket = ++asked;
  if (!specs.has(lab)) specs.set(lab, loadSpec(lab).catch(() => null)); // no spec: only typed paths
  const spec = await specs.get(lab);
  if (ticket !== asked) return;
  datalist.replaceChildren(...(spec ? fieldPaths(spec) : []).map((f) => Object.assign(document.createElement("option"), { value: f })));
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

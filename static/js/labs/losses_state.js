// The Loss-functions page's state `{config, view}`: `config` is the live outlier fit's (the lab's spec),
// `view` the one-shot panels' questions, each checked against the request the lab declares for it (the
// spec's tools) so an old or hand-edited URL never breaks a panel.
import { clampNumber, conform, loadState } from "../state.js";

export const BCE_TARGETS = [0, 1]; // a binary target: the BCE panel's choices

function readHash() {
  try {
    const raw = JSON.parse(decodeURIComponent(location.hash.slice(1)) || "{}");
    return raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {};
  } catch {
    return {};
  }
}

// The one-shot panels' slider ends, declared here once. They are the view's, not bounds of the lab: the lab
// takes any β ≥ 0, δ > 0, score or weight, but a slider needs two ends. Where the spec speaks they come from
// it: the lower ends are β's and δ's own bounds (δ's exclusive 0 one step up), and both reach the error range
// the curves are drawn over (the request's default: past it a curve is all quadratic and shows nothing new).
// Probabilities go from 0 to 1 (each distribution is scaled to sum to 1). Scores stop at ±5: softmax is
// saturated well before (e^10 ≈ 22,000 to 1). The view is clamped to these ends, so a slider shows it.
const CURVE_STEP = 0.05;

export function sliderRanges(spec) {
  const curves = spec.tools.curves;
  const low = (node) => node.minimum ?? node.exclusiveMinimum + CURVE_STEP;
  const reach = curves.defaults.error_range;
  return {
    beta: { min: low(curves.schema.properties.beta), max: reach, step: CURVE_STEP },
    delta: { min: low(curves.schema.properties.delta), max: reach, step: CURVE_STEP },
    logit: { min: -5, max: 5, step: 0.1 },
    probability: { min: 0, max: 1, step: 0.01 },
  };
}

const within = ({ min, max }, v) => Math.min(max, Math.max(min, v));

// The view's defaults: the lab's defaults for each panel's request.
export function viewDefaults(spec) {
  const { curves, cross_entropy: ce, information } = spec.tools;
  return {
    curves: { beta: curves.defaults.beta, delta: curves.defaults.delta },
    logits: ce.defaults.logits, labels: ce.defaults.labels, bceTarget: BCE_TARGETS[0],
    p: information.defaults.p, q: information.defaults.q, unit: information.defaults.unit,
  };
}

export function loadLossesState(spec) {
  const defaults = viewDefaults(spec);
  const raw = readHash();
  const state = loadState(spec, defaults);
  if (!("config" in raw) && raw.fit) { // the page's older hash kept the fit under "fit"
    state.config = { ...structuredClone(spec.defaults), ...conform(spec.schema, raw.fit) };
  }
  state.view = conformView(spec, state.view, defaults);
  return state;
}

function conformView(spec, view, defaults) {
  const { curves, cross_entropy: ce, information } = spec.tools;
  const ranges = sliderRanges(spec);
  const out = structuredClone(defaults);
  for (const key of ["beta", "delta"]) {
    const value = clampNumber(curves.schema.properties[key], view.curves?.[key]);
    if (value !== undefined) out.curves[key] = within(ranges[key], value);
  }
  const logits = conform(ce.schema.properties.logits, view.logits, ce.schema)
    ?.map((row) => row.map((v) => within(ranges.logit, v)));
  const labels = conform(ce.schema.properties.labels, view.labels, ce.schema);
  const square = logits?.length && logits.every((row) => row.length === logits[0].length && row.length >= 2);
  if (square && labels?.length === logits.length && labels.every((l) => l >= 0 && l < logits[0].length)) {
    Object.assign(out, { logits, labels });
  }
  if (BCE_TARGETS.includes(view.bceTarget)) out.bceTarget = view.bceTarget;
  const [p, q] = ["p", "q"].map((key) => conform(information.schema.properties[key], view[key], information.schema)
    ?.map((v) => (v >= 0 ? within(ranges.probability, v) : v)));
  const fits = (d) => d?.length === p?.length && d.every((v) => v >= 0);
  if (fits(p) && fits(q)) Object.assign(out, { p, q }); // P and Q over the same outcomes
  if (information.schema.properties.unit.enum.includes(view.unit)) out.unit = view.unit;
  return out;
}

// The Loss-functions page's state `{config, view}`: `config` is the live outlier fit's (the lab's spec),
// `view` the one-shot panels' questions, each checked against the request the lab declares for it (the
// spec's tools) so an old or hand-edited URL never breaks a panel.
import { clampNumber, conform, loadState } from "../state.js";

const BCE_TARGETS = [0, 1];

function readHash() {
  try {
    const raw = JSON.parse(decodeURIComponent(location.hash.slice(1)) || "{}");
    return raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {};
  } catch {
    return {};
  }
}

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
  const out = structuredClone(defaults);
  for (const key of ["beta", "delta"]) {
    const value = clampNumber(curves.schema.properties[key], view.curves?.[key]);
    if (value !== undefined) out.curves[key] = value;
  }
  const logits = conform(ce.schema.properties.logits, view.logits, ce.schema);
  const labels = conform(ce.schema.properties.labels, view.labels, ce.schema);
  const square = logits?.length && logits.every((row) => row.length === logits[0].length && row.length >= 2);
  if (square && labels?.length === logits.length && labels.every((l) => l >= 0 && l < logits[0].length)) {
    Object.assign(out, { logits, labels });
  }
  if (BCE_TARGETS.includes(view.bceTarget)) out.bceTarget = view.bceTarget;
  const p = conform(information.schema.properties.p, view.p, information.schema);
  const q = conform(information.schema.properties.q, view.q, information.schema);
  const fits = (d) => d?.length === p?.length && d.every((v) => v >= 0);
  if (fits(p) && fits(q)) Object.assign(out, { p, q }); // P and Q over the same outcomes
  if (information.schema.properties.unit.enum.includes(view.unit)) out.unit = view.unit;
  return out;
}

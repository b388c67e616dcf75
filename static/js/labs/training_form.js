// The training lab's form: the state object <-> the sidebar inputs, the comparison text, the presets.
import { t } from "../i18n.js";
import { loadHash, saveHash } from "../state.js";

export const DEFAULTS = {
  dataset: "moons", upload: null, samples: 400, noise: 0.1, test_fraction: 0.5, data_seed: 0,
  hidden: [16, 16], activation: "relu", init: "default", batch_norm: false, residual: false,
  optimizer: "adam", lr: 0.01, batch_size: 16, epochs: 60, seed: 0,
  weight_decay: 0, l1: 0, dropout: 0, clip_norm: 0, compare: "", features: ["x1", "x2"], network_view: true,
  tab: "train", degree: 3,
  poly: { small: 15, large: 100, noise: 0.1, weight_decay: 0, seed: 0 },
  van: { nets: ["sigmoid", "relu_kaiming", "sigmoid_batchnorm"], depth: 10, width: 32, seed: 0 },
};
const NUMBERS = ["samples", "noise", "test_fraction", "data_seed", "lr", "batch_size", "epochs", "seed",
  "weight_decay", "l1", "dropout", "clip_norm"];
const CHOICES = ["dataset", "activation", "init", "optimizer"];
const FLAGS = ["batch_norm", "residual", "network_view"];
const PLANE = ["moons", "circle", "xor", "gauss", "spiral", "csv"]; // sets drawn on the plane: features apply
export const LIVE = ["lr", "weight_decay", "l1", "dropout", "clip_norm"];

// The scenes are declared once, in app/labs/training/presets.py, where tests hold each to its lesson.
let PRESETS = {};

export async function loadPresets() {
  const response = await fetch("/api/training/presets");
  if (response.ok) PRESETS = await response.json();
}

// {"weight_decay": 0} -> "weight_decay=0"; {"hidden": [8, 8]} -> "hidden=[8; 8]"
function compareText(changes) {
  return Object.entries(changes ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join("; ")}]` : v}`).join(", ");
}

const $ = (id) => document.getElementById(id);

export function loadState() {
  return loadHash(DEFAULTS);
}

export function saveState(state) {
  saveHash(state);
}

export function applyPreset(state, name) {
  const keep = { tab: state.tab, degree: state.degree, poly: state.poly, van: state.van };
  const preset = structuredClone(PRESETS[name] ?? {});
  preset.compare = compareText(preset.compare);
  Object.assign(state, structuredClone(DEFAULTS), preset, keep);
}

export function readForm(state) {
  for (const f of NUMBERS) state[f] = Number($(f).value);
  for (const f of CHOICES) state[f] = $(f).value;
  for (const f of FLAGS) state[f] = $(f).checked;
  state.hidden = $("hidden").value.split(/[\s,;]+/).filter(Boolean).map(Number);
  state.compare = $("compare").value.trim();
  state.features = [...document.querySelectorAll("input[name=features]:checked")].map((i) => i.value);
}

export function writeForm(state) {
  for (const f of NUMBERS) $(f).value = state[f];
  for (const f of CHOICES) $(f).value = state[f];
  for (const f of FLAGS) $(f).checked = state[f];
  $("hidden").value = state.hidden.join(", ");
  $("compare").value = state.compare;
  for (const box of document.querySelectorAll("input[name=features]")) box.checked = state.features.includes(box.value);
  showDataFields(state);
}

export function showDataFields(state) {
  $("upload-box").hidden = state.dataset !== "csv";
  $("features-box").hidden = !PLANE.includes(state.dataset);
}

function parseValue(field, text) {
  if (field === "hidden") return text.replace(/[[\]]/g, "").split(/[\s;]+/).filter(Boolean).map(Number);
  if (["batch_norm", "residual"].includes(field)) return ["true", "on", "1", "yes"].includes(text.toLowerCase());
  if (["activation", "init", "optimizer"].includes(field)) return text;
  return Number(text);
}

// "weight_decay=0" or "activation=relu, init=kaiming_normal"; hidden lists as [8; 8] or 8 8.
export function parseCompare(text) {
  if (!text) return null;
  const changes = {};
  for (const part of text.split(/,(?![^[]*\])/)) {
    const [field, value] = part.split("=").map((s) => s.trim());
    if (!field || value === undefined) throw new Error(t("training.compare_syntax"));
    changes[field] = parseValue(field, value);
  }
  return changes;
}

export function runConfig(state) {
  const { tab, degree, poly, van, compare, upload, ...config } = state;
  if (config.dataset === "csv") config.upload = upload;
  if (!PLANE.includes(config.dataset)) delete config.features; // the digits and the curve take their own inputs
  const changes = parseCompare(compare);
  if (changes) config.compare = changes;
  return config;
}

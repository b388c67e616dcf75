// The training lab's form: `{config, view}` from the lab's spec (GET /api/labs/training/spec). Controls with
// `data-field` are bound by bindForm (choices, bounds, values); the hidden widths, the feature checkboxes
// and the comparison (typed as "weight_decay=0", kept as the object the server takes) are bound here.
import { t } from "../i18n.js";
import { conform, fieldSchema, loadState as loadPageState, saveState as savePageState } from "../state.js";

// How the page shows a run; never sent. The scenes' questions (poly, vanishing) are filled from their
// endpoints' schemas (training_scenes.js).
export const VIEW = { tab: "train", degree: 3, poly: {}, van: {} };
const VIEW_CHOICES = { tab: ["train", "polynomial", "vanishing"] };
// The sets drawn on the plane, where feature inputs apply (the lab refuses features for the others): each
// set's `plane` in GET /api/training/datasets, declared in app/labs/training/config.py.
let PLANE = [];

// The scenes are declared once, in app/labs/training/presets.py, where tests hold each to its lesson.
let PRESETS = {};

export async function loadPresets() {
  const response = await fetch("/api/training/presets");
  if (response.ok) PRESETS = await response.json();
}

// The data sets with what the page needs of each (name, available, plane).
export async function loadDatasets() {
  const datasets = await (await fetch("/api/training/datasets")).json();
  PLANE = datasets.filter((d) => d.plane).map((d) => d.name);
  return datasets;
}

const $ = (id) => document.getElementById(id);

let order = []; // the comparison's fields in the spec's order: the text reads the same after a reload

// {"weight_decay": 0} -> "weight_decay=0"; {"hidden": [8, 8]} -> "hidden=[8; 8]"
export function compareText(changes) {
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(changes ?? {}).sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join("; ")}]` : v}`).join(", ");
}

function parseValue(node, text) {
  if (node?.type === "array") return text.replace(/[[\]]/g, "").split(/[\s;]+/).filter(Boolean).map(Number);
  if (node?.type === "boolean") return ["true", "on", "1", "yes"].includes(text.toLowerCase());
  if (node?.enum || node?.type === "string") return text;
  return Number(text);
}

// "weight_decay=0" or "activation=relu, init=kaiming_normal"; hidden lists as [8; 8] or 8 8. Each value is
// read as the type its field has in the spec; the server names a field it refuses.
export function parseCompare(spec, text) {
  if (!text) return null;
  const changes = {};
  for (const part of text.split(/,(?![^[]*\])/)) {
    const [field, value] = part.split("=").map((s) => s.trim());
    if (!field || value === undefined) throw new Error(t("training.compare_syntax"));
    changes[field] = parseValue(fieldSchema(spec, field), value);
  }
  return changes;
}

// `{config, view}` from the URL hash. An old flat hash held the comparison as text: it is parsed first.
export function loadState(spec) {
  order = Object.keys(fieldSchema(spec, "compare")?.properties ?? {});
  const state = loadPageState(spec, VIEW, VIEW_CHOICES, (raw) => {
    const config = "config" in raw ? raw.config : raw;
    if (typeof config?.compare === "string") {
      try {
        config.compare = parseCompare(spec, config.compare);
      } catch {
        delete config.compare;
      }
    }
    return raw;
  });
  return state;
}

export function saveState(state) {
  savePageState(state);
}

export function applyPreset(spec, state, name) {
  Object.assign(state.config, structuredClone(spec.defaults), structuredClone(PRESETS[name] ?? {}));
}

// The feature checkboxes, one per choice the spec lists, before the fieldset's hint.
export function featureChecks(spec, state, onChange) {
  const box = $("features-box");
  box.querySelector(".hint").before(...fieldSchema(spec, "features").items.enum.map((f) => {
    const input = Object.assign(document.createElement("input"), { type: "checkbox", name: "features", value: f });
    input.addEventListener("change", () => {
      const picked = [...box.querySelectorAll("input:checked")].map((i) => i.value);
      if (picked.length) state.config.features = picked;
      else input.checked = true; // at least one: the model must see something
      onChange("features");
    });
    const label = document.createElement("label");
    label.append(input, ` ${t(`training.feat.${f}`)}`);
    return label;
  }));
}

// The hidden widths and the comparison, typed as text, into the config; false when the text is refused.
export function readText(spec, state, id) {
  if (id === "hidden") {
    const widths = $("hidden").value.split(/[\s,;]+/).filter(Boolean).map(Number);
    const value = conform(fieldSchema(spec, "hidden"), widths, spec.schema);
    if (value === undefined || value.length !== widths.length) return false;
    state.config.hidden = value;
    return true;
  }
  state.config.compare = parseCompare(spec, $("compare").value.trim()); // throws a sentence the page shows
  return true;
}

export function writeText(state) {
  $("hidden").value = state.config.hidden.join(", ");
  $("compare").value = compareText(state.config.compare);
  for (const box of document.querySelectorAll("input[name=features]")) {
    box.checked = state.config.features.includes(box.value);
  }
  showDataFields(state);
}

export function showDataFields(state) {
  $("upload-box").hidden = state.config.dataset !== "csv";
  $("features-box").hidden = !PLANE.includes(state.config.dataset);
}

// What a run is started with: the config, the upload only with a CSV, features only on the plane.
export function runConfig(state) {
  const config = structuredClone(state.config);
  if (config.dataset !== "csv") config.upload = null;
  if (!PLANE.includes(config.dataset)) delete config.features; // the digits and the curve take their own inputs
  return config;
}

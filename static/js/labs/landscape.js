// The Loss-landscape page: `{config, view}` in the URL hash, the form from the lab's spec (defaults,
// choices, limits: GET /api/labs/landscape/spec); each frame -> render().
import { loadStrings, t } from "../i18n.js";
import { bindForm, livePlayer, writeForm } from "../controls.js";
import { formatValue } from "../charts.js";
import { conform, loadSpec, loadState, resolve, saveState } from "../state.js";
import { drawContour, drawCurves, drawLine, drawSurface, panels, sharedRange } from "./landscape_views.js";

const $ = (id) => document.getElementById(id);
const VIEW = { preset: "" };
let spec;
let presets = [];
let state;
let frame = null;
const drawn = new Map(); // chart id -> what it shows: a chart whose data did not change is not redrawn
const SURFACE_3D_EVERY = 1000; // ms between redraws of a 3D view while it fills in (WebGL is costly)
let last3d = 0;

// Draw only when the key (what the chart would show) changed since its last drawing.
function once(id, key, draw) {
  if (drawn.get(id) === key) return;
  drawn.set(id, key);
  draw();
}

// The comparison's own schema: each field a twin may change, its choices and bounds.
function compareSchema() {
  const node = resolve(spec.schema.properties.compare, spec.schema);
  return resolve(node.anyOf.find((b) => b.type !== "null"), spec.schema);
}

function choicesOf(node) {
  const n = resolve(node, spec.schema);
  return n?.enum ?? n?.anyOf?.map((b) => resolve(b, spec.schema)).find((b) => b?.enum)?.enum;
}

function writeExtras() {
  $("hidden").value = state.config.hidden.join(", ");
  const [field] = Object.keys(state.config.compare ?? {});
  $("compare-field").value = field ?? "";
  compareControl(field, state.config.compare?.[field]);
  $("normalization").disabled = state.config.directions === "pca";
  const preset = presets.find((p) => p.name === state.view.preset);
  $("preset-look").textContent = preset ? t(`landscape.preset.${preset.name}.look`) : "";
  for (const b of document.querySelectorAll("#presets button")) {
    b.setAttribute("aria-pressed", String(b.dataset.preset === state.view.preset));
  }
}

function save() {
  saveState(state);
}

// The comparison: one field of the twin, with a control of its kind.
function compareControl(field, value) {
  const box = $("compare-value-box");
  let input;
  const choices = field ? choicesOf(compareSchema().properties[field]) : null;
  const kind = typeof spec.defaults[field];
  if (!field) {
    input = document.createElement("span");
  } else if (choices || kind === "boolean") {
    input = document.createElement("select");
    const values = choices ?? [true, false];
    input.replaceChildren(...values.map((v) => new Option(
      typeof v === "boolean" ? t(`landscape.${v ? "on" : "off"}`) : t(`landscape.${field}.${v}`), String(v))));
    const fallback = kind === "boolean" ? !state.config[field] : values.find((v) => v !== state.config[field]);
    input.value = String(value ?? fallback);
  } else {
    input = document.createElement("input");
    input.type = field === "hidden" ? "text" : "number";
    input.step = "any";
    const fallback = field === "hidden" ? state.config.hidden.join(", ") : state.config[field];
    input.value = Array.isArray(value) ? value.join(", ") : String(value ?? fallback);
  }
  input.id = "compare-value";
  input.addEventListener?.("change", readCompare);
  box.replaceChildren(input);
}

function readCompare() {
  const field = $("compare-field").value;
  let changes = null;
  if (field) {
    const raw = $("compare-value")?.value ?? "";
    let value = raw;
    if (field === "hidden") value = raw.split(/[\s,]+/).filter(Boolean).map(Number);
    else if (typeof spec.defaults[field] === "boolean") value = raw === "true";
    else if (typeof spec.defaults[field] === "number") value = Number(raw);
    changes = conform(compareSchema(), { [field]: value }, spec.schema);
  }
  state.config.compare = changes && Object.keys(changes).length ? changes : null;
  state.view.preset = "";
  save();
}

function readHidden() {
  const widths = $("hidden").value.split(/[\s,]+/).filter(Boolean).map(Number);
  const fitted = conform(spec.schema.properties.hidden, widths, spec.schema);
  if (fitted) state.config.hidden = fitted;
  $("hidden").value = state.config.hidden.join(", ");
  state.view.preset = "";
  save();
}

function runConfig() {
  return state.config;
}

function labels(runs) {
  return runs.map((r) => (r.label === "run" ? t("landscape.this_run")
    : Object.entries(r.changes).map(([k, v]) => `${t(`landscape.f.${k}`)} = ${compareText(k, v)}`).join(", ")));
}

function compareText(field, v) {
  if (typeof v === "boolean") return t(`landscape.${v ? "on" : "off"}`);
  if (Array.isArray(v)) return v.join("-");
  return choicesOf(compareSchema().properties[field]) ? t(`landscape.${field}.${v}`) : String(v);
}

function render() {
  if (!frame) return;
  const runs = frame.runs;
  const names = labels(runs);
  const phase = frame.phase;
  const r0 = runs[0];
  const rows = r0.surface?.rows_done ?? 0;
  $("progress").textContent = phase === "training"
    ? t("landscape.phase.training", { epoch: Math.max(...runs.map((r) => r.epoch)), epochs: frame.epochs })
    : phase === "surface" ? t("landscape.phase.surface", { rows, grid: frame.grid }) : t("landscape.phase.done");
  $("progress-bar").style.width = `${Math.round(frame.progress * 100)}%`;
  $("facts").replaceChildren(...runs.map((r, i) => facts(r, names[i])));
  const range = sharedRange(runs);
  const contours = panels($("contours"), runs.length, "contour");
  const surfaces = panels($("surfaces"), runs.length, "surface");
  const now = performance.now();
  const redraw3d = phase === "done" || now - last3d > SURFACE_3D_EVERY;
  const rangeKey = String(range);
  runs.forEach((r, i) => {
    const path = r.surface?.trajectory ?? r.path?.trajectory ?? null;
    const rowsDone = r.surface?.rows_done ?? 0;
    const key = `${frame.run_id}|${rangeKey}|${rowsDone}|${path?.length}|${names[i]}`;
    once(contours[i].id, key, () => {
      drawContour(contours[i], r, `${names[i]}<br><sup>${t("landscape.contour_title")}</sup>`, range, path);
      contours[i].dataset.rows = rowsDone; // what is drawn, for tests and tools
      contours[i].dataset.path = path?.length ?? 0;
    });
    if (redraw3d) {
      once(surfaces[i].id, key, () => drawSurface(surfaces[i], r, `${names[i]}<br><sup>${t("landscape.surface_title")}</sup>`, range));
    }
  });
  if (redraw3d) last3d = now;
  const lineKey = `${frame.run_id}|${runs.map((r) => Boolean(r.surface)).join()}|${names}`;
  once("line-chart", lineKey, () => drawLine($("line-chart"), runs, names));
  const curveKey = `${frame.run_id}|${runs.map((r) => r.curves.epoch.length).join()}|${names}`;
  once("curve-chart", curveKey, () => drawCurves($("curve-chart"), runs, names));
}

function facts(run, name) {
  const box = document.createElement("div");
  const s = run.surface;
  const ev = s?.explained_variance ?? run.path?.explained_variance;
  const parts = [`<b>${name}</b>`, t("landscape.parameters", { n: run.parameters }),
    t("landscape.weight_norm", { value: formatValue(run.weight_norm) })];
  if (run.diverged) parts.push(t("common.diverged"));
  if (s) parts.push(`${t("landscape.center_loss")} ${formatValue(s.center_loss)}`);
  if (ev) {
    parts.push(`<span data-explained>${t("landscape.explained", { pc1: (ev[0] * 100).toFixed(1),
      pc2: (ev[1] * 100).toFixed(1) })}</span>`);
  }
  if (s?.sharpness !== null && s?.sharpness !== undefined) {
    parts.push(`<span data-sharpness>${t("landscape.sharpness", { value: formatValue(s.sharpness) })}</span>`);
  }
  if (s?.roughness !== null && s?.roughness !== undefined) {
    parts.push(`<span data-roughness>${t("landscape.roughness", { value: (s.roughness * 100).toFixed(1) })}</span>`);
  }
  box.innerHTML = parts.join(" · ");
  return box;
}

function buildPresets() {
  $("presets").replaceChildren(...presets.map((p) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.preset = p.name;
    b.textContent = t(`landscape.preset.${p.name}`);
    return b;
  }));
  $("compare-field").replaceChildren(new Option(t("landscape.compare_none"), ""),
    ...Object.keys(compareSchema().properties).map((f) => new Option(t(`landscape.f.${f}`), f)));
}

async function main() {
  await loadStrings();
  [spec, presets] = await Promise.all([loadSpec("landscape"), fetch("/api/landscape/presets").then((r) => r.json())]);
  state = loadState(spec, VIEW, { preset: ["", ...presets.map((p) => p.name)] });
  buildPresets();
  const form = document.querySelector("aside");
  const { player } = livePlayer({
    lab: "landscape",
    getConfig: runConfig,
    code: "/api/landscape/code", // the code panel shows the run on screen
    onFrame: (message) => {
      frame = message;
      render();
    },
    onRestart: () => {
      frame = null;
      drawn.clear();
    },
    applyConfig: (config) => {
      for (const key of Object.keys(state.config)) delete state.config[key]; // in place, as a preset does
      Object.assign(state.config, config);
      state.view.preset = "";
      writeForm(form, state.config);
      writeExtras();
      save();
    },
  });
  bindForm(form, spec, state.config, {
    label: (field, value) => t(`landscape.${field}.${value}`),
    onChange: (field, value) => {
      state.view.preset = "";
      writeExtras();
      save();
      if (spec.live.includes(field)) player.setLive({ [field]: value });
    },
  });
  writeExtras();
  save(); // the URL now shows the state in force, whatever the hash held
  $("hidden").addEventListener("change", readHidden);
  $("compare-field").addEventListener("change", () => {
    compareControl($("compare-field").value);
    readCompare();
  });
  for (const b of $("presets").querySelectorAll("button")) {
    b.addEventListener("click", () => {
      const preset = presets.find((p) => p.name === b.dataset.preset);
      // in place: the form's controls hold this very object
      for (const key of Object.keys(state.config)) delete state.config[key];
      Object.assign(state.config, structuredClone(spec.defaults), structuredClone(preset.config));
      state.view.preset = preset.name;
      writeForm(form, state.config);
      writeExtras();
      save();
      player.start();
    });
  }
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  player.open(); // this tab's run, or paused at step 0: Play trains, then the surface fills in
}

main();

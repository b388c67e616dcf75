// The Loss-landscape page: the form is built from the served spec (defaults, choices, limits); one state
// object lives in the URL hash; each frame -> render().
import { loadStrings, t } from "../i18n.js";
import { livePlayer } from "../controls.js";
import { formatValue } from "../charts.js";
import { loadHash, saveHash } from "../state.js";
import { drawContour, drawCurves, drawLine, drawSurface, panels, sharedRange } from "./landscape_views.js";

const $ = (id) => document.getElementById(id);
const NUMBERS = ["lr", "batch_size", "weight_decay", "epochs", "seed", "grid", "span"];
const CHECKS = ["residual", "batch_norm"];
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

async function getJson(url) {
  const response = await fetch(url);
  return response.json();
}

function fillSelect(select, field, values) {
  select.replaceChildren(...values.map((v) => new Option(t(`landscape.${field}.${v}`), v)));
}

function readForm() {
  for (const f of Object.keys(spec.choices)) state[f] = $(f).value;
  for (const f of NUMBERS) state[f] = Number($(f).value);
  for (const f of CHECKS) state[f] = $(f).checked;
  state.hidden = $("hidden").value.split(/[\s,]+/).filter(Boolean).map(Number);
  state.compare = readCompare();
  saveHash(state);
}

function writeForm() {
  for (const f of Object.keys(spec.choices)) $(f).value = state[f];
  for (const f of NUMBERS) $(f).value = state[f];
  for (const f of CHECKS) $(f).checked = Boolean(state[f]);
  $("hidden").value = state.hidden.join(", ");
  const [field] = Object.keys(state.compare ?? {});
  $("compare-field").value = field ?? "";
  compareControl(field, state.compare?.[field]);
  $("normalization").disabled = state.directions === "pca";
  const preset = presets.find((p) => p.name === state.preset);
  $("preset-look").textContent = preset ? t(`landscape.preset.${preset.name}.look`) : "";
  for (const b of document.querySelectorAll("#presets button")) {
    b.setAttribute("aria-pressed", String(b.dataset.preset === state.preset));
  }
}

// The comparison: one field of the twin, with a control of its kind.
function compareControl(field, value) {
  const box = $("compare-value-box");
  let input;
  if (!field) {
    input = document.createElement("span");
  } else if (spec.choices[field] || typeof spec.defaults[field] === "boolean") {
    input = document.createElement("select");
    const values = spec.choices[field] ?? [true, false];
    input.replaceChildren(...values.map((v) => new Option(
      typeof v === "boolean" ? t(`landscape.${v ? "on" : "off"}`) : t(`landscape.${field}.${v}`), String(v))));
    const fallback = typeof spec.defaults[field] === "boolean" ? !spec.defaults[field] : values.find((v) => v !== state[field]);
    input.value = String(value ?? fallback);
  } else {
    input = document.createElement("input");
    input.type = field === "hidden" ? "text" : "number";
    input.step = "any";
    const fallback = field === "hidden" ? state.hidden.join(", ") : state[field];
    input.value = Array.isArray(value) ? value.join(", ") : String(value ?? fallback);
  }
  input.id = "compare-value";
  input.addEventListener?.("change", readForm);
  box.replaceChildren(input);
}

function readCompare() {
  const field = $("compare-field").value;
  if (!field) return null;
  const raw = $("compare-value")?.value ?? "";
  let value = raw;
  if (field === "hidden") value = raw.split(/[\s,]+/).filter(Boolean).map(Number);
  else if (typeof spec.defaults[field] === "boolean") value = raw === "true";
  else if (typeof spec.defaults[field] === "number") value = Number(raw);
  return { [field]: value };
}

function runConfig() {
  readForm();
  const { preset, ...config } = state;
  return config;
}

function labels(runs) {
  return runs.map((r) => (r.label === "run" ? t("landscape.this_run")
    : Object.entries(r.changes).map(([k, v]) => `${t(`landscape.f.${k}`)} = ${compareText(k, v)}`).join(", ")));
}

function compareText(field, v) {
  if (typeof v === "boolean") return t(`landscape.${v ? "on" : "off"}`);
  if (Array.isArray(v)) return v.join("-");
  return spec.choices[field] ? t(`landscape.${field}.${v}`) : String(v);
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
  const parts = [`<b>${name}</b>`, `${t("landscape.parameters")} ${run.parameters}`];
  if (run.diverged) parts.push(t("common.diverged"));
  if (s) parts.push(`${t("landscape.center_loss")} ${formatValue(s.center_loss)}`);
  if (ev) {
    parts.push(`<span data-explained>${t("landscape.explained", { pc1: (ev[0] * 100).toFixed(1),
      pc2: (ev[1] * 100).toFixed(1) })}</span>`);
  }
  if (s?.roughness !== null && s?.roughness !== undefined) {
    parts.push(`<span data-roughness>${t("landscape.roughness", { value: (s.roughness * 100).toFixed(1) })}</span>`);
  }
  box.innerHTML = parts.join(" · ");
  return box;
}

async function showCode(config) {
  const response = await fetch("/api/landscape/code", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(config),
  });
  const body = await response.json();
  $("code").textContent = response.ok ? body.code : "";
}

function buildForm() {
  for (const [field, values] of Object.entries(spec.choices)) fillSelect($(field), field, values);
  for (const [field, limit] of Object.entries(spec.limits)) if ($(field)?.type === "number") $(field).max = limit;
  $("compare-field").replaceChildren(new Option(t("landscape.compare_none"), ""),
    ...spec.comparable.map((f) => new Option(t(`landscape.f.${f}`), f)));
  $("presets").replaceChildren(...presets.map((p) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.preset = p.name;
    b.textContent = t(`landscape.preset.${p.name}`);
    return b;
  }));
}

async function main() {
  await loadStrings();
  [spec, presets] = await Promise.all([getJson("/api/landscape/spec"), getJson("/api/landscape/presets")]);
  state = loadHash({ ...spec.defaults, preset: "" });
  buildForm();
  writeForm();
  const { player } = livePlayer({
    lab: "landscape",
    getConfig: runConfig,
    onFrame: (message) => {
      frame = message;
      render();
    },
    onRestart: () => {
      frame = null;
      drawn.clear();
      showCode(runConfig());
    },
  });
  for (const el of document.querySelectorAll("[data-field]")) {
    el.addEventListener("change", () => {
      state.preset = "";
      readForm();
      writeForm();
    });
  }
  $("compare-field").addEventListener("change", () => {
    compareControl($("compare-field").value);
    readForm();
  });
  $("lr").addEventListener("change", () => player.setLive({ lr: Number($("lr").value) }));
  for (const b of $("presets").querySelectorAll("button")) {
    b.addEventListener("click", () => {
      const preset = presets.find((p) => p.name === b.dataset.preset);
      state = { ...structuredClone(spec.defaults), ...structuredClone(preset.config), preset: preset.name };
      writeForm();
      saveHash(state);
      player.start();
    });
  }
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  showCode(runConfig());
  player.start(true); // open paused at step 0: Play trains, then the surface fills in
}

main();

// The Initialisation lab page: `{config, view}` in the URL hash, the form from the lab's spec; each frame -> render().
import { loadStrings, t } from "../i18n.js";
import { bindForm, livePlayer, writeForm } from "../controls.js";
import { HistogramGrid, LineChart, PALETTE, formatValue, seriesStyle } from "../charts.js";
import { table } from "../tables.js";
import { clampNumber, loadSpec, loadState, resolve, saveState } from "../state.js";

let PRESETS = {}; // declared in app/labs/initialization/presets.py, fetched once
const VIEW = { quantity: "weight", sharedY: true }; // how the page shows a run; never sent to the server
const VIEW_CHOICES = { quantity: ["weight", "activation", "gradient"] };

let spec = null;
let state = null; // {config, view}
let methodArguments = {};
let frame = null;
let player = null;
const $ = (id) => document.getElementById(id);
const save = () => saveState(state);

function methodSchema() {
  return resolve(spec.schema.properties.methods.items, spec.schema);
}

function renderMethodCards() {
  const box = $("methods");
  const methods = state.config.methods;
  const schema = methodSchema();
  box.replaceChildren();
  methods.forEach((m, i) => {
    m.method ??= schema.properties.method.default; // a card always names its method
    const card = document.createElement("div");
    card.className = "method-card";
    card.style.setProperty("--swatch", PALETTE[i]);
    const select = document.createElement("select");
    select.dataset.arg = "method";
    for (const name of schema.properties.method.enum) {
      select.add(new Option(t(`initialization.m.${name}`), name, false, name === m.method));
    }
    select.addEventListener("change", () => {
      methods[i] = { method: select.value };
      cardsChanged();
    });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "×";
    remove.title = t("common.remove");
    remove.disabled = methods.length <= (spec.schema.properties.methods.minItems ?? 1);
    remove.addEventListener("click", () => {
      methods.splice(i, 1);
      cardsChanged();
    });
    card.append(remove, select);
    for (const arg of methodArguments[m.method] || []) card.append(argumentField(m, arg, schema));
    box.append(card);
  });
  $("add-method").disabled = methods.length >= spec.schema.properties.methods.maxItems;
}

// The charts' columns are the method cards: a changed card restarts the run (playing if it was), so no
// chart keeps showing a method the cards no longer hold.
function cardsChanged() {
  renderMethodCards();
  save();
  player?.restart();
}

// One argument of a method, its choices, bounds and default from the spec's InitSpec.
function argumentField(m, arg, schema) {
  const node = schema.properties[arg];
  const number = node.anyOf?.find((b) => b.type !== "null") ?? node;
  const label = document.createElement("label");
  label.className = "field";
  label.append(t(`initialization.arg.${arg}`));
  label.title = `torch.nn.init: ${arg}`;
  let input;
  if (node.enum) {
    input = document.createElement("select");
    for (const c of node.enum) input.add(new Option(c, c, false, (m[arg] ?? node.default) === c));
  } else {
    input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    const low = number.minimum ?? number.exclusiveMinimum;
    if (low !== undefined) input.min = low;
    input.value = m[arg] ?? node.default ?? "";
  }
  input.dataset.arg = arg;
  input.addEventListener("change", () => {
    if (input.tagName === "SELECT") {
      m[arg] = input.value;
    } else {
      const value = input.value === "" && node.anyOf ? null : clampNumber(number, Number(input.value));
      if (value === undefined) {
        input.value = m[arg] ?? node.default ?? "";
        return;
      }
      m[arg] = value;
      input.value = value ?? "";
    }
    save();
    player?.restart();
  });
  label.append(input);
  return label;
}

function runConfig() {
  return state.config; // only the config goes to the server; the view stays here
}

const lossChart = new LineChart($("loss-chart"), { height: 330 });
const stdChart = new LineChart($("std-chart"), { height: 330, logY: true });
const histograms = new HistogramGrid($("histograms"));

function render() {
  if (!frame) return;
  const methods = frame.methods;
  const colors = methods.map((_, i) => PALETTE[i]);
  lossChart.update(
    methods.map((m, i) => ({
      name: m.label + (m.diverged ? ` (${t("common.diverged")})` : ""),
      x: m.loss_curve.map((p) => p[0]),
      y: m.loss_curve.map((p) => p[1]),
      color: colors[i],
      dash: seriesStyle(i).dash,
    })),
    { title: `${t("initialization.loss_title")} · ${t("common.step")} ${frame.step}`, xTitle: t("common.step"), yTitle: t("common.loss"),
      waiting: t("common.wait_first_step") },
  );
  const q = state.view.quantity;
  const layerIdx = frame.layers.map((l) => l.index);
  const stdSeries = methods.map((m, i) => ({
    name: m.label, x: layerIdx, y: m.layers.map((l) => l[q].std), color: colors[i], symbol: seriesStyle(i).symbol,
    mode: "lines+markers",
  }));
  if (q === "weight") {
    methods.forEach((m, i) => stdSeries.push({
      name: `${m.label} · ${t("initialization.theory")}`, x: layerIdx, y: m.layers.map((l) => l.theory_weight_std),
      color: colors[i], dash: "dot", width: 1.5,
    }));
  }
  stdChart.update(stdSeries, {
    title: t(`initialization.std_title.${q}`), xTitle: t("common.layer"), yTitle: t("initialization.std_axis"),
  });
  histograms.update({
    rows: frame.layers,
    columns: methods.map((m) => m.label),
    cells: frame.layers.map((_, li) => methods.map((m) => m.layers[li][q])),
    colors,
    rowLabel: (l) => `${t("common.layer")} ${l.index}<br>${l.fan_in}→${l.fan_out}`,
    title: `${t(`initialization.q.${q}`)} · ${t("common.step")} ${frame.step}`,
    sharedY: state.view.sharedY,
  });
  renderTables(methods);
}

function renderTables(methods) {
  const headers = [t("common.layer"), ...methods.flatMap((m, i) => [
    { text: `${m.label} · ${t("initialization.theory")}`, color: PALETTE[i] },
    { text: t("initialization.measured"), color: PALETTE[i] },
  ])];
  const rows = frame.layers.map((l, li) => [String(l.index), ...methods.flatMap((m) => [
    formatValue(m.layers[li].theory_weight_std), formatValue(m.layers[li].weight.std),
  ])]);
  $("theory-table").replaceChildren(table(headers, rows));
  const symHeaders = [t("common.layer"), ...methods.map((m, i) => ({ text: m.label, color: PALETTE[i] }))];
  const symRows = frame.layers.map((l, li) => [String(l.index), ...methods.map((m) => {
    const k = m.layers[li].distinct_neurons;
    return { text: `${k} / ${l.fan_out}`, className: k === 1 && l.fan_out > 1 ? "flag" : "" };
  })]);
  $("symmetry-table").replaceChildren(table(symHeaders, symRows));
}

async function main() {
  await loadStrings();
  const [loaded, methodList, presets] = await Promise.all([
    loadSpec("initialization"), fetch("/api/init/methods").then((r) => r.json()),
    fetch("/api/init/presets").then((r) => r.json()),
  ]);
  PRESETS = presets;
  spec = loaded;
  state = loadState(spec, VIEW, VIEW_CHOICES);
  methodArguments = Object.fromEntries(methodList.map((m) => [m.name, m.arguments]));
  const form = $("run-form");
  ({ player } = livePlayer({
    lab: "initialization",
    getConfig: runConfig,
    code: "/api/init/code", // the code panel shows the run on screen
    onFrame: (message) => {
      frame = message;
      render();
    },
    onRestart: () => {
      frame = null;
    },
    applyConfig: (config) => {
      Object.assign(state.config, config);
      writeForm(form, state.config);
      renderMethodCards();
      save();
    },
  }));
  bindForm(form, spec, state.config, {
    label: (field, value) => t(`initialization.${field === "activation" ? "act" : field}.${value}`),
    onChange: (field, value) => {
      save();
      if (spec.live.includes(field)) player.setLive({ [field]: value });
    },
  });
  renderMethodCards();
  save(); // the URL now shows the state in force, whatever the hash held
  $("add-method").addEventListener("click", () => {
    if (state.config.methods.length < spec.schema.properties.methods.maxItems) {
      state.config.methods.push({ method: "kaiming_uniform" });
    }
    cardsChanged();
  });
  for (const b of document.querySelectorAll("#presets button")) {
    b.addEventListener("click", () => {
      Object.assign(state.config, structuredClone(PRESETS[b.dataset.preset]));
      $("preset-look").textContent = t(`initialization.look.${b.dataset.preset}`);
      $("preset-look").hidden = false;
      writeForm(form, state.config);
      renderMethodCards();
      save();
      player.start();
    });
  }
  $("shared-y").checked = state.view.sharedY;
  $("shared-y").addEventListener("change", () => {
    state.view.sharedY = $("shared-y").checked;
    save();
    render();
  });
  for (const b of document.querySelectorAll("#quantity-tabs button")) {
    b.setAttribute("aria-pressed", String(b.dataset.quantity === state.view.quantity));
    b.addEventListener("click", () => {
      state.view.quantity = b.dataset.quantity;
      for (const o of document.querySelectorAll("#quantity-tabs button")) {
        o.setAttribute("aria-pressed", String(o === b));
      }
      save();
      render();
    });
  }
  document.querySelector("[data-action=copy-code]").addEventListener("click", async (event) => {
    await navigator.clipboard?.writeText($("code").textContent);
    event.target.textContent = t("common.copied");
  });
  player.open(); // this tab's run, or the initial state paused at step 0
}

main();

// The one-shot scenes of the training lab: under/over-fitting by polynomial degree, and vanishing gradients.
// Each scene's question lives in the page's view; its defaults and bounds are its endpoint's request
// schema in the OpenAPI (derived there from the lab's declarations), never retyped here.
/* global Plotly */
import { t, errorText } from "../i18n.js";
import { LineChart, PALETTE, baseLayout, formatValue, plot } from "../charts.js";
import { clampNumber, conform, resolve } from "../state.js";

const CONFIG = { displaylogo: false, responsive: true };
const $ = (id) => document.getElementById(id);
let openapi = null;

// {schema, defaults} of a request model, from the server's OpenAPI (its caps resolved there).
async function requestSpec(name) {
  openapi ??= fetch("/openapi.json").then((r) => r.json());
  const schemas = (await openapi).components.schemas;
  const schema = { ...schemas[name], $defs: schemas };
  const defaults = Object.fromEntries(Object.entries(schema.properties)
    .filter(([, node]) => "default" in node).map(([key, node]) => [key, node.default]));
  return { schema, defaults };
}

// The view's question conformed to the request's schema over its defaults (a hand-edited URL may hold anything).
async function question(state, key, name) {
  const spec = await requestSpec(name);
  state.view[key] = { ...structuredClone(spec.defaults), ...conform(spec.schema, state.view[key] ?? {}) };
  return spec;
}

// Number inputs `[data-<kind>=field]` bound to `values[field]`: bounds from the schema, clamped on change.
function bindNumbers(kind, spec, values, onChange) {
  for (const input of document.querySelectorAll(`[data-${kind}]`)) {
    const key = input.dataset[kind];
    const node = resolve(spec.schema.properties[key], spec.schema);
    const low = node.minimum ?? node.exclusiveMinimum;
    if (low !== undefined) input.min = low;
    if (node.maximum !== undefined) input.max = node.maximum;
    input.step = node.type === "integer" ? "1" : "any";
    input.addEventListener("change", () => {
      const value = clampNumber(node, Number(input.value));
      if (input.value !== "" && value !== undefined) values()[key] = value;
      input.value = values()[key];
      onChange();
    });
  }
}

async function post(path, body) {  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
  const data = await response.json();
  if (!response.ok) {
    const d = data.detail?.[0];
    throw new Error(d ? errorText(d) : response.statusText);
  }
  return data;
}

export class PolynomialScene {
  constructor(state, onError) {
    this.state = state;
    this.onError = onError;
    this.data = null;
    this.asked = 0; // only the latest question's answer is drawn
    this.errors = new LineChart($("poly-errors"), { height: 380, logY: true });
  }

  async open() {
    this.spec = await question(this.state, "poly", "PolynomialRequest");
    const view = this.state.view;
    // the degrees the scene computes, 1..max_degree: the least is the least max_degree the request takes
    const least = this.spec.schema.properties.max_degree.minimum;
    view.degree = Math.min(Math.max(least, Math.round(Number(view.degree)) || least), view.poly.max_degree);
    Object.assign($("poly-degree"), { min: least, max: view.poly.max_degree });
  }

  bind(onChange) {
    bindNumbers("poly", this.spec, () => this.state.view.poly, () => { onChange(); this.load(); });
    $("poly-degree").addEventListener("input", () => {
      this.state.view.degree = Number($("poly-degree").value);
      $("poly-degree-out").textContent = this.state.view.degree;
      onChange();
      this.render();
    });
  }

  write() {
    for (const input of document.querySelectorAll("[data-poly]")) input.value = this.state.view.poly[input.dataset.poly];
    $("poly-degree").value = this.state.view.degree;
    $("poly-degree-out").textContent = this.state.view.degree;
  }

  async load() {
    const ticket = ++this.asked; // two quick edits ask twice; the older answer may come last
    try {
      const data = await post("/api/training/polynomial", this.state.view.poly);
      if (ticket !== this.asked) return;
      this.data = data;
      this.render();
    } catch (error) {
      if (ticket === this.asked) this.onError(error.message);
    }
  }

  render() {
    const d = this.data;
    if (!d) return;
    const series = d.samples.flatMap((s, i) => [
      { name: t("training.poly.train", { n: s.n }), x: d.degrees, y: s.train_mse, color: PALETTE[i], mode: "lines+markers" },
      { name: t("training.poly.test", { n: s.n }), x: d.degrees, y: s.test_mse, color: PALETTE[i], dash: "dot", mode: "lines+markers" },
    ]);
    series.push({ name: t("training.poly.floor"), x: [1, d.degrees.length], y: [d.noise_floor, d.noise_floor],
      color: "#888", dash: "dash", width: 1 });
    this.errors.update(series, { title: t("training.poly.errors_title"), xTitle: t("training.poly.degree"), yTitle: "MSE" });
    // an interpolating fit has a training error of 1e-25: numerically zero, and off this scale
    const top = Math.max(...d.samples.flatMap((s) => s.test_mse));
    Plotly.relayout(this.errors.el, { "yaxis.range": [-4, Math.log10(top) + 0.3], "yaxis.dtick": 1 });
    const k = this.state.view.degree - 1;
    d.samples.forEach((s, i) => this.fit($(i ? "poly-fit-large" : "poly-fit-small"), d, s, k, PALETTE[i]));
  }

  fit(el, d, s, k, color) {
    const ys = [...s.points.y, ...d.truth];
    const lo = Math.min(...ys);
    const hi = Math.max(...ys);
    const pad = 0.25 * (hi - lo);
    plot(el, [
      { type: "scatter", mode: "lines", x: d.x, y: d.truth, name: t("training.poly.truth"), line: { color: "#1d2433", dash: "dash", width: 1.5 } },
      { type: "scatter", mode: "markers", x: d.test_points.x, y: d.test_points.y, name: t("training.points.test"),
        marker: { color: "#bbb", size: 4 } },
      { type: "scatter", mode: "markers", x: s.points.x, y: s.points.y, name: t("training.points.train"), marker: { color, size: 7 } },
      { type: "scatter", mode: "lines", x: d.x, y: s.curves[k], name: t("training.poly.fit", { degree: k + 1 }), line: { color, width: 2.5 } },
    ], baseLayout({
      height: 320,
      title: { text: t("training.poly.fit_title", { n: s.n, degree: k + 1, train: formatValue(s.train_mse[k]),
        test: formatValue(s.test_mse[k]) }), font: { size: 13 } },
      yaxis: { range: [lo - pad, hi + pad] }, xaxis: { title: { text: "x" } }, uirevision: "keep",
    }), CONFIG);
  }
}

export class VanishingScene {
  constructor(state, onError) {
    this.state = state;
    this.onError = onError;
    this.asked = 0; // only the latest question's answer is drawn
    this.chart = new LineChart($("van-chart"), { height: 380, logY: true });
  }

  async open() {
    this.spec = await question(this.state, "van", "VanishingRequest");
  }

  // The nets to compare, one checkbox per choice the schema lists; depth, width and seed as numbers.
  bind(onChange) {
    const box = $("van-nets");
    const choices = resolve(this.spec.schema.properties.nets, this.spec.schema).items.enum;
    box.replaceChildren(...choices.map((n) => {
      const input = Object.assign(document.createElement("input"), { type: "checkbox", value: n });
      input.addEventListener("change", () => {
        const picked = choices.filter((c) => box.querySelector(`input[value=${c}]`).checked);
        if (picked.length) this.state.view.van.nets = picked;
        else input.checked = true; // at least one net
        onChange();
        this.load();
      });
      const label = document.createElement("label");
      label.append(input, ` ${t(`training.van.${n}`)}`);
      return label;
    }));
    bindNumbers("van", this.spec, () => this.state.view.van, () => { onChange(); this.load(); });
    this.write();
  }

  write() {
    const v = this.state.view.van;
    for (const input of document.querySelectorAll("#van-nets input")) input.checked = v.nets.includes(input.value);
    for (const input of document.querySelectorAll("[data-van]")) input.value = v[input.dataset.van];
  }

  async load() {
    const ticket = ++this.asked; // a deep net's answer asked before a shallow one's may come last
    try {
      const d = await post("/api/training/vanishing", this.state.view.van);
      if (ticket !== this.asked) return;
      this.chart.update(d.nets.map((n, i) => ({
        name: t(`training.van.${n.name}`), x: d.layers, y: n.grad_norms, color: PALETTE[i], mode: "lines+markers",
      })), { title: t("training.van.chart_title"), xTitle: t("training.van.layer_axis"), yTitle: t("training.grad_axis") });
      const table = document.createElement("table");
      table.className = "numbers";
      const head = table.createTHead().insertRow();
      for (const h of [t("training.van.net"), t("training.van.first"), t("training.van.last"), t("training.van.ratio")]) {
        head.append(Object.assign(document.createElement("th"), { textContent: h }));
      }
      const body = table.createTBody();
      for (const n of d.nets) {
        const row = body.insertRow();
        for (const c of [t(`training.van.${n.name}`), formatValue(n.grad_norms[0]),
          formatValue(n.grad_norms[n.grad_norms.length - 1]), formatValue(n.first_over_last)]) row.insertCell().textContent = c;
      }
      $("van-table").replaceChildren(table);
    } catch (error) {
      if (ticket === this.asked) this.onError(error.message);
    }
  }
}

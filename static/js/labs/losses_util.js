// Small helpers the Loss-functions and Back-propagation pages share: JSON POST, tables, bar charts.
import { baseLayout, formatValue, plot } from "../charts.js";
import { errorText } from "../i18n.js";

export const $ = (id) => document.getElementById(id);

export async function api(url, body) {
  const response = await fetch(url, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) {
    const d = data.detail?.[0];
    const error = new Error(d ? errorText(d) : response.statusText);
    error.detail = d;
    throw error;
  }
  return data;
}

// Fixed digits for the notes' numbers (0.6422, −0.6041) rather than charts.js's 4 significant figures.
export function fixed(v, digits = 4) {
  if (v === null || v === undefined) return "∞";
  if (v !== 0 && Math.abs(v) < 10 ** -digits) return v.toExponential(2);
  return v.toFixed(digits);
}

export { formatValue };

export { table } from "../tables.js";

export function slider({ label, min, max, step, value, onInput, id = "" }) {
  const wrap = document.createElement("label");
  wrap.className = "field";
  const input = document.createElement("input");
  Object.assign(input, { type: "range", min, max, step, value });
  if (id) input.id = id;
  const out = document.createElement("output");
  out.textContent = Number(value).toFixed(2);
  input.addEventListener("input", () => {
    out.textContent = Number(input.value).toFixed(2);
    onInput(Number(input.value));
  });
  wrap.append(label, input, out);
  return wrap;
}

// Grouped bars; owns its Plotly calls like the charts.js widgets.
export class BarChart {
  constructor(el, { height = 280 } = {}) {
    this.el = el;
    this.height = height;
  }

  update(categories, series, { title = "", yTitle = "", yRange = null } = {}) {
    const traces = series.map((s) => ({
      type: "bar", name: s.name, x: categories, y: s.y, marker: { color: s.color },
      text: s.y.map((v) => fixed(v, 3)), textposition: "outside", cliponaxis: false,
    }));
    plot(this.el, traces, baseLayout({
      height: this.height, barmode: "group", title: { text: title, font: { size: 14 } },
      yaxis: { title: { text: yTitle }, ...(yRange ? { range: yRange } : {}) }, uirevision: "keep",
    }), { displaylogo: false, responsive: true });
  }
}

export { loadHash, saveHash } from "../state.js";

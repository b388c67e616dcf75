// Chart widgets that own their Plotly calls: each redraws with Plotly.react, never newPlot per frame.
import { t } from "./i18n.js";
import "./export.js"; // a CSV button on every chart; Plotly itself arrives after the first paint (plotly_loader.js)
import "./chart_table.js"; // every chart gets a "Data table" view of its traces
import { plot, wrap } from "./chart_fit.js";

// Every chart draws through plot(): Plotly.react with the layout fitted to the chart's box (titles clear
// of the modebar, legends clear of the axis titles, tick labels inside the figure).
export { plot };

// Okabe & Ito's palette for colour-blind readers (tests/browser/test_lesson_colour.py holds every pair apart
// under simulated protanopia and deuteranopia); its yellow, faint on white, comes last. Where colour alone
// would tell series apart, DASHES and SYMBOLS (by the same index) tell them apart too.
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
export const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash"];
export const SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "triangle-down", "cross", "star"];

// The look of series `i` of a set: its colour, dash and marker symbol.
export function seriesStyle(i) {
  const k = i % PALETTE.length;
  return { color: PALETTE[k], dash: DASHES[k], symbol: SYMBOLS[k] };
}
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
const FONT = { family: getComputedStyle(document.documentElement).fontFamily, size: 12 };

export function baseLayout(extra = {}) {
  return {
    font: FONT,
    margin: { l: 60, r: 15, t: 35, b: 40 },
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
    legend: { orientation: "h", x: 0, y: -0.22, yanchor: "top", font: { size: 11 } },
    ...extra,
  };
}

// The note a chart `el` with nothing drawn yet shows instead of bare axes: what it waits for, centred in
// the plot area (`y` higher where a marker sits in the centre), muted, in lines of even length that fit
// between the axes (a phone's plot is some 270 px wide). An annotation, not page text, so that exports and
// screenshots of the chart carry it too.
const NOTE_SIZE = 13;
export function waitingNote(el, text, y = 0.5) {
  // the plot area as last drawn; before a first drawing, the chart less the usual margins (60 + 15 px)
  const room = (el._fullLayout?._size?.w ?? el.clientWidth - 80) - 16;
  return { text: evenLines(text, room).join("<br>"), xref: "paper", yref: "paper", x: 0.5, y, showarrow: false,
    font: { size: NOTE_SIZE, color: "#667" } };
}

// `text` in as few lines as fit `room` px, as even as they can be: no last line of a single word.
function evenLines(text, room) {
  if (!(room > 0)) return [text]; // a hidden chart: drawn again when shown
  const lines = wrap(text, NOTE_SIZE, room, room);
  let [lo, hi] = [0, room];
  while (lines.length > 1 && hi - lo > 4) { // the narrowest width that takes no more lines
    const mid = (lo + hi) / 2;
    if (wrap(text, NOTE_SIZE, mid, mid).length > lines.length) lo = mid;
    else hi = mid;
  }
  return wrap(text, NOTE_SIZE, hi, hi);
}

// Whether scatter traces draw anything: a line needs two finite points (a run's first curve point, the
// untrained model's, alone draws nothing), a marker one.
export function drawsAnything(traces) {
  return traces.some((tr) => {
    const finite = (tr.y ?? []).filter((v) => v !== null && Number.isFinite(v)).length;
    return finite >= ((tr.mode ?? "lines").includes("markers") ? 1 : 2);
  });
}

export class LineChart {
  // `waiting`: the note shown while no series draws anything (see waitingNote)
  constructor(el, { title = "", xTitle = "", yTitle = "", logY = false, height = 300, robust = false, waiting = "" } = {}) {
    this.el = el;
    this.options = { title, xTitle, yTitle, logY, height, robust, waiting };
    this.empty = true; // nothing drawn but, perhaps, the waiting note
  }

  update(series, options = {}) {
    Object.assign(this.options, options);
    const { title, xTitle, yTitle, logY, height, robust, waiting } = this.options;
    const traces = series.map((s) => ({
      type: "scatter",
      mode: s.mode || "lines",
      name: s.name,
      x: s.x,
      y: s.y,
      line: { color: s.color, dash: s.dash || "solid", width: s.width || 2 },
      marker: { color: s.color, size: s.symbol ? 7 : 6, ...(s.symbol ? { symbol: s.symbol } : {}) },
      connectgaps: false,
    }));
    this.empty = !drawsAnything(traces);
    plot(this.el, traces, baseLayout({
      height,
      title: { text: title, font: { size: 14 } },
      xaxis: { title: { text: xTitle }, zeroline: false },
      yaxis: { title: { text: yTitle }, type: logY ? "log" : "linear", exponentformat: "power",
        ...(logY ? logTicks(series) : {}), ...(robust ? robustRange(series.flatMap((s) => s.y), logY) : {}) },
      annotations: this.empty && waiting ? [waitingNote(this.el, waiting)] : [],
      uirevision: "keep",
    }), CONFIG);
  }
}

// A y range that ignores runaway values: the bulk of the finite values (5th to 95th percentile, on the
// axis's own scale) and up to 20 times its spread beyond (3 decades on a log axis), so a first steep
// drop stays in view while a runaway's 1e231, which would flatten every other curve, does not. No range
// (Plotly's autorange) when nothing runs away.
export function robustRange(values, log = false) {
  const scale = (v) => (log ? Math.log10(v) : v);
  const finite = values.filter((v) => v !== null && Number.isFinite(v) && (!log || v > 0)).map(scale).sort((a, b) => a - b);
  if (finite.length < 2) return {};
  const at = (q) => finite[Math.min(finite.length - 1, Math.floor(q * (finite.length - 1)))];
  const lo = at(0.05);
  const hi = at(0.95);
  const spread = log ? 3 : 20 * Math.max(hi - lo, Math.abs(hi) * 1e-3, 1e-12);
  const low = Math.max(finite[0], lo - spread);
  const high = Math.min(finite[finite.length - 1], hi + spread);
  if (low === finite[0] && high === finite[finite.length - 1]) return {};
  const pad = (high - low) * 0.05;
  return { range: [low - pad, high + pad], autorange: false };
}

// Log axes labelled at 1, 2 and 5 times powers of ten, written out in one format, not as bare digits.
function logTicks(series) {
  return logAxisTicks(series.flatMap((s) => s.y));
}

// The ticks of a log axis over `values` (its positive finite ones); `bottom` a floor for them.
export function logAxisTicks(values, bottom = 0) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v > bottom && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return {};
  const decades = Math.log10(hi) - Math.log10(lo);
  const mantissas = decades > 6 ? [1] : decades > 2 ? [1, 3] : [1, 2, 5];
  const tickvals = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
    for (const m of mantissas) tickvals.push(m * 10 ** e);
  }
  return { tickmode: "array", tickvals, ticktext: tickText(tickvals, lo, hi) };
}

// One format for every tick of an axis: plain numbers when all that show are between 0.001 and 10,000,
// else every one as a power of ten (2×10⁻⁴), never "0.001" beside "1.00e-4".
function tickText(tickvals, lo = 0, hi = Infinity) {
  const shown = tickvals.filter((v) => v >= lo / 10 && v <= hi * 10);
  if (shown.every((v) => v >= 1e-3 && v < 1e4)) return tickvals.map((v) => Number(v.toPrecision(3)).toString());
  return tickvals.map(powerOfTen);
}

export function powerOfTen(v) {
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = Math.round(v / 10 ** e);
  const power = `10<sup>${String(e).replace("-", "−")}</sup>`;
  return m === 1 ? power : `${m}×${power}`;
}

function formatValue(v) {
  if (v === null || v === undefined) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}
export { formatValue };

// Small multiples: one histogram per (row, column), rows sharing x and y ranges so shapes compare.
// A summary with `spike` set is drawn as a single line at that value, labelled with it.
export class HistogramGrid {
  constructor(el) {
    this.el = el;
  }

  update({ rows, columns, cells, colors, rowLabel, title = "", sharedY = true }) {
    const nr = rows.length;
    const nc = columns.length;
    const traces = [];
    const annotations = [];
    const cellPx = ((this.el.clientWidth || 800) - 75) / nc;
    const titleSize = cellPx < 130 ? 10 : 12; // a phone's narrow cells take smaller titles
    const titles = columns.map((text) => fitTitle(text, cellPx, titleSize));
    const extraLines = Math.max(0, ...titles.map((text) => text.split("<br>").length - 1));
    const layout = baseLayout({
      height: Math.max(260, 95 * nr + 70 + 13 * extraLines),
      margin: { l: 60, r: 15, t: 60 + 13 * extraLines, b: 30 },
      showlegend: false,
      title: { text: title, font: { size: 14 }, x: 0, xanchor: "left", y: 0.995, yanchor: "top" },
      grid: { rows: nr, columns: nc, pattern: "independent", xgap: 0.06, ygap: 0.28 },
      bargap: 0,
      uirevision: "keep",
    });
    for (let r = 0; r < nr; r++) {
      let rowMax = 1;
      for (let c = 0; c < nc; c++) {
        const s = cells[r][c];
        if (s && s.histogram && s.histogram.counts.length && s.spike === null) {
          rowMax = Math.max(rowMax, ...s.histogram.counts);
        }
      }
      const range = rowRange(cells[r]);
      for (let c = 0; c < nc; c++) {
        const i = r * nc + c + 1;
        const ax = i === 1 ? "" : String(i);
        const s = cells[r][c];
        const xaxis = `x${ax}`;
        const yaxis = `y${ax}`;
        const name = `${columns[c]} · ${rowLabel(rows[r]).replaceAll("<br>", " ")}`; // the cell, in its CSV
        layout[`xaxis${ax}`] = { range, tickfont: { size: 9 }, nticks: 5, exponentformat: "e", showgrid: false };
        const cellMax = s && s.spike === null && s.histogram?.counts.length ? Math.max(...s.histogram.counts) : rowMax;
        const top = sharedY ? rowMax : cellMax;
        layout[`yaxis${ax}`] = { range: [0, top * 1.08], showticklabels: false, showgrid: false, fixedrange: true };
        if (c === 0) {
          layout[`yaxis${ax}`].title = { text: rowLabel(rows[r]), font: { size: 10 } };
        }
        if (r === 0) {
          annotations.push({
            text: `<b>${titles[c]}</b>`, xref: `${xaxis} domain`, yref: `${yaxis} domain`,
            x: 0.5, y: 1.25, yanchor: "bottom", showarrow: false, font: { size: titleSize, color: colors[c] },
          });
        }
        if (!s) continue;
        if (s.spike !== null && s.spike !== undefined) {
          traces.push({
            type: "scatter", mode: "lines", name, x: [s.spike, s.spike], y: [0, top], xaxis, yaxis,
            line: { color: colors[c], width: 3 }, hovertemplate: `${t("common.spike", { value: formatValue(s.spike) })}<extra></extra>`,
          });
          annotations.push({
            text: t("common.spike", { value: formatValue(s.spike) }), xref: xaxis, yref: `${yaxis} domain`,
            x: s.spike, y: 0.85, showarrow: false, font: { size: 10, color: colors[c] }, bgcolor: "rgba(255,255,255,0.8)",
          });
          continue;
        }
        const h = s.histogram;
        if (!h || !h.counts.length) {
          annotations.push({ text: t("common.diverged"), xref: `${xaxis} domain`, yref: `${yaxis} domain`,
            x: 0.5, y: 0.5, showarrow: false, font: { color: "#b42318" } });
          continue;
        }
        const centers = h.counts.map((_, k) => (h.edges[k] + h.edges[k + 1]) / 2);
        const widths = h.counts.map((_, k) => h.edges[k + 1] - h.edges[k]);
        traces.push({
          type: "bar", name, x: centers, y: h.counts, width: widths, xaxis, yaxis,
          marker: { color: colors[c], line: { width: 0 } }, opacity: 0.85,
          hovertemplate: "%{x:.3g}: %{y}<extra></extra>",
        });
      }
    }
    layout.annotations = annotations;
    plot(this.el, traces, layout, CONFIG);
  }
}

// A column title that fits its cell (a bold character is about 0.6 of the font size wide): broken
// before "(" and after ", " when too long, so that on a phone neighbouring titles do not run together.
function fitTitle(text, px, size) {
  const perLine = Math.max(6, Math.floor(px / (0.6 * size)));
  if (text.length <= perLine) return text;
  const lines = [];
  let line = "";
  for (const part of text.split(/(?=\()|(?<=, )/)) {
    if (line && line.length + part.length > perLine) {
      lines.push(line);
      line = "";
    }
    line += part;
  }
  return [...lines, line].join("<br>");
}

function rowRange(summaries) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of summaries) {
    if (!s) continue;
    if (s.spike !== null && s.spike !== undefined) {
      lo = Math.min(lo, s.spike);
      hi = Math.max(hi, s.spike);
    } else if (s.histogram && s.histogram.edges.length) {
      lo = Math.min(lo, s.histogram.edges[0]);
      hi = Math.max(hi, s.histogram.edges[s.histogram.edges.length - 1]);
    }
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.5 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

// The Loss-landscape lab's charts: a contour and a 3D surface per network in one colour scale, the
// 1D line from the initial to the trained weights, and the training curves.
import { t } from "../i18n.js";
import { PALETTE, baseLayout, drawsAnything, formatValue, plot, waitingNote } from "../charts.js";
import { FLOOR } from "../scene_ticks.js";

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
const COLORSCALE = "Viridis";
const LOG_TICKS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100];

// The losses' shared range, as log10 (the picture of Li et al.): every network in the same colours.
export function sharedRange(runs) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of runs) {
    for (const row of r.surface?.loss ?? []) {
      for (const v of row) {
        if (v !== null && v > 0) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
  }
  if (!Number.isFinite(lo)) return null;
  return [Math.log10(lo), Math.log10(Math.max(hi, lo * 1.01))];
}

// The grid with rows not yet computed as nulls, so the picture fills in from the bottom.
function paddedLog(surface) {
  const z = surface.loss.map((row) => row.map((v) => (v !== null && v > 0 ? Math.log10(v) : null)));
  while (z.length < surface.betas.length) z.push(surface.alphas.map(() => null));
  return z;
}

// Ticks of a log10 axis labelled with the loss itself: 1-3-10 steps, or five even steps when the
// range is narrower than that (a net that barely trained spans 0.69 to 0.70).
// `floor`: none in the lowest FLOOR of the range (a 3D scene's z axis, see scene_ticks.js).
function lossTicks(range, floor = false) {
  const lo = floor ? range[0] + FLOOR * (range[1] - range[0]) : range[0];
  let vals = LOG_TICKS.map(Math.log10).filter((v) => v >= lo - 1e-9 && v <= range[1] + 1e-9);
  if (vals.length < 3) vals = [0, 1, 2, 3, 4].map((k) => lo + (k / 4) * (range[1] - lo));
  return { tickvals: vals, ticktext: vals.map((v) => formatValue(Number((10 ** v).toPrecision(3)))) };
}

function colorbar(range) {
  return { title: { text: t("landscape.loss_log"), side: "right" }, ...lossTicks(range), thickness: 12 };
}

// One panel per network, created when the number of networks changes.
export function panels(container, count, kind) {
  if (container.children.length === count) return [...container.querySelectorAll(".chart")];
  container.replaceChildren();
  container.classList.toggle("single", count === 1);
  for (let i = 0; i < count; i++) {
    const panel = document.createElement("section");
    panel.className = "panel";
    const chart = document.createElement("div");
    chart.className = "chart";
    chart.id = `${kind}-${i}`;
    panel.append(chart);
    container.append(panel);
  }
  return [...container.querySelectorAll(".chart")];
}

export function drawContour(el, run, title, range, path) {
  const traces = [];
  const s = run.surface;
  if (s && range) {
    traces.push({ type: "contour", x: s.alphas, y: s.betas, z: paddedLog(s), zmin: range[0], zmax: range[1],
      colorscale: COLORSCALE, ncontours: 24, contours: { coloring: "heatmap" }, colorbar: colorbar(range),
      connectgaps: false, hovertemplate: "α %{x:.3f}<br>β %{y:.3f}<br>log₁₀ loss %{z:.3f}<extra></extra>" });
  }
  if (path) {
    const xs = path.map((p) => p[0]);
    const ys = path.map((p) => p[1]);
    traces.push({ type: "scatter", mode: "lines+markers", x: xs, y: ys, name: t("landscape.path"),
      line: { color: "#fff", width: 2 }, marker: { color: PALETTE[1], size: 6, line: { color: "#fff", width: 1 } } });
    traces.push({ type: "scatter", mode: "markers", x: [xs[0]], y: [ys[0]], name: t("landscape.start"),
      marker: { symbol: "circle-open", size: 12, color: PALETTE[4], line: { width: 3 } } });
  }
  traces.push({ type: "scatter", mode: "markers", x: [0], y: [0], name: t("landscape.trained"),
    marker: { symbol: "star", size: 13, color: PALETTE[4], line: { color: "#000", width: 1 } } });
  // above the centre, where the trained weights' star sits
  const waiting = !s ? [waitingNote(el, t(path ? "landscape.wait_path" : "landscape.wait_surface"), 0.75)] : [];
  plot(el, traces, baseLayout({
    height: 370, title: { text: title, font: { size: 14 } }, showlegend: false, margin: { l: 60, r: 15, t: 55, b: 40 },
    xaxis: { title: { text: "α (d1)" }, zeroline: false, ...(s ? { range: [s.alphas[0], s.alphas.at(-1)] } : {}) },
    yaxis: { title: { text: "β (d2)" }, zeroline: false, ...(s ? { range: [s.betas[0], s.betas.at(-1)] } : {}) },
    annotations: waiting, uirevision: "keep",
  }), CONFIG);
}

export function drawSurface(el, run, title, range) {
  const s = run.surface;
  const traces = [];
  if (s && range) {
    traces.push({ type: "surface", x: s.alphas, y: s.betas, z: paddedLog(s), cmin: range[0], cmax: range[1],
      colorscale: COLORSCALE, showscale: false, connectgaps: false,
      hovertemplate: "α %{x:.3f}<br>β %{y:.3f}<br>log₁₀ loss %{z:.3f}<extra></extra>" });
    if (s.trajectory && s.trajectory_loss) {
      traces.push({ type: "scatter3d", mode: "lines+markers", x: s.trajectory.map((p) => p[0]),
        y: s.trajectory.map((p) => p[1]), z: s.trajectory_loss.map((v) => (v > 0 ? Math.log10(v) : null)),
        line: { color: PALETTE[1], width: 5 }, marker: { size: 3, color: PALETTE[1] }, name: t("landscape.path") });
    }
  }
  if (!traces.length) { // before the surface: the contour's words, not an empty 2D grid under a "3D" title
    plot(el, [], baseLayout({
      height: 370, title: { text: title, font: { size: 14 } }, showlegend: false,
      xaxis: { visible: false }, yaxis: { visible: false }, annotations: [waitingNote(el, t("landscape.wait_surface"))],
    }), CONFIG);
    return;
  }
  // a phone (gradlab.css's narrowest width): the cube's z labels and title ran off its box's left edge
  const narrow = window.matchMedia("(max-width: 600px)").matches;
  plot(el, traces, baseLayout({
    height: 370, title: { text: title, font: { size: 14 } }, showlegend: false, margin: { l: 0, r: 0, t: 55, b: 0 },
    scene: { xaxis: { title: { text: "α" } }, yaxis: { title: { text: "β" } },
      zaxis: { title: { text: t("landscape.loss_log") }, ...(range ? { range, ...lossTicks(range, true) } : {}) },
      // a lower eye, looking a little below the centre: the cube fills its box, its lowest labels inside;
      // on a phone a centre moved off the middle too: the cube shifts right, its z labels into the box
      camera: { eye: { x: 1.45, y: -1.45, z: 0.75 }, center: { x: narrow ? -0.12 : 0, y: narrow ? -0.12 : 0, z: -0.2 } } },
    uirevision: "keep",
  }), CONFIG);
}

export function drawLine(el, runs, labels) {
  const traces = [];
  runs.forEach((r, i) => {
    const line = r.surface?.line;
    if (!line) return;
    for (const [part, dash] of [["train", "solid"], ["test", "dot"]]) {
      traces.push({ type: "scatter", mode: "lines", x: line.alphas, y: line[`${part}_loss`],
        name: `${labels[i]} · ${t(`landscape.${part}`)}`, line: { color: PALETTE[i], dash, width: 2 } });
    }
  });
  const marks = [0, 1].map((x) => ({ type: "line", x0: x, x1: x, yref: "paper", y0: 0, y1: 1,
    line: { color: "#999", dash: "dash", width: 1 } }));
  const notes = [[0, "landscape.initial"], [1, "landscape.trained"]].map(([x, key]) => ({ x, yref: "paper", y: 0.99,
    text: t(key), showarrow: false, yanchor: "top", xanchor: "left", font: { size: 11, color: "#555" } }));
  plot(el, traces, baseLayout({
    height: 320, title: { text: t("landscape.line_title"), font: { size: 14 } },
    xaxis: { title: { text: "α" }, zeroline: false }, yaxis: { title: { text: t("common.loss") }, type: "log" },
    // before the surface: no marks of α = 0 and 1 on an empty plot, but what it waits for
    shapes: traces.length ? marks : [], annotations: traces.length ? notes : [waitingNote(el, t("landscape.wait_line"))],
    uirevision: "keep",
  }), CONFIG);
}

export function drawCurves(el, runs, labels) {
  const traces = [];
  runs.forEach((r, i) => {
    for (const [part, dash] of [["train", "solid"], ["test", "dot"]]) {
      traces.push({ type: "scatter", mode: "lines", x: r.curves.epoch, y: r.curves[`${part}_loss`],
        name: `${labels[i]} · ${t(`landscape.${part}`)}`, line: { color: PALETTE[i], dash, width: 2 } });
    }
  });
  plot(el, traces, baseLayout({
    height: 320, title: { text: t("landscape.curves_title"), font: { size: 14 } },
    xaxis: { title: { text: t("landscape.epoch") }, zeroline: false },
    yaxis: { title: { text: t("common.loss") }, type: "log" },
    annotations: drawsAnything(traces) ? [] : [waitingNote(el, t("landscape.wait_epoch"))], uirevision: "keep",
  }), CONFIG);
}

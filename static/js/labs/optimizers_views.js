// The surface views: a contour map and a 3D surface, with every path (or cloud) drawn as it grows.
/* global Plotly */
import { t } from "../i18n.js";
import { PALETTE, baseLayout, formatValue } from "../charts.js";

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
const ARROW = 0.08; // arrow length as a share of the plotting box

export function hasWebGL() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl") || canvas.getContext("experimental-webgl"));
  } catch {
    return false;
  }
}

// Wide-ranging surfaces (Rosenbrock spans 0 to 2,500 and its valley is ~0) are coloured by
// log10(f − min) so the valley shows; the hover still gives f itself.
function heightScale(z) {
  const values = z.flat().filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (!values.length) return { log: false, f: (v) => v };
  const lo = values[0];
  const hi = values[values.length - 1];
  const median = values[Math.floor(values.length / 2)];
  const log = hi - lo > 50 * (median - lo) && hi > lo;
  const eps = (hi - lo) * 1e-6 || 1e-12;
  return { log, f: log ? (v) => (v === null ? null : Math.log10(Math.max(v - lo, 0) + eps)) : (v) => v };
}

export class SurfaceViews {
  constructor(contourEl, surfaceEl, noteEl, { onPick }) {
    this.contourEl = contourEl;
    this.surfaceEl = surfaceEl;
    this.noteEl = noteEl;
    this.onPick = onPick;
    this.webgl = hasWebGL();
    this.clickBound = false;
  }

  setSurface(grid, info) {
    this.info = info;
    this.key = `${info.name}:${info.formula}`;
    this.scale = heightScale(grid.z);
    const zt = grid.z.map((row) => row.map(this.scale.f));
    this.contour = {
      type: "contour", x: grid.x, y: grid.y, z: zt, customdata: grid.z, colorscale: "YlGnBu", reversescale: true,
      showscale: false, opacity: 0.75, contours: { coloring: "heatmap", showlines: true }, line: { width: 0.5 },
      hovertemplate: "x=%{x:.3f}<br>y=%{y:.3f}<br>f=%{customdata:.4g}<extra></extra>", name: "f",
      showlegend: false,
    };
    this.minima = {
      type: "scatter", mode: "markers", name: t("optimizers.minimum"), x: info.minima.map((m) => m[0]),
      y: info.minima.map((m) => m[1]), marker: { symbol: "star", size: 13, color: "#fff", line: { color: "#1d2433", width: 1.5 } },
      hoverinfo: "x+y+name",
    };
    this.surface = {
      type: "surface", x: grid.x, y: grid.y, z: zt, customdata: grid.z, colorscale: "YlGnBu", reversescale: true,
      showscale: false, opacity: 0.85, hovertemplate: "x=%{x:.3f}<br>y=%{y:.3f}<br>f=%{customdata:.4g}<extra></extra>",
    };
  }

  height(v) {
    return v === null || v === undefined ? null : this.scale.f(v);
  }

  // On a surface unbounded below a racer that leaves the map heads for −∞; the views show the map
  // (with a quarter of its size around it), so one runaway does not flatten everything else.
  onMap(p) {
    if (!p || p[0] === null || p[1] === null) return false;
    const [[x0, x1], [y0, y1]] = this.info.domain;
    const mx = (x1 - x0) / 4;
    const my = (y1 - y0) / 4;
    return p[0] >= x0 - mx && p[0] <= x1 + mx && p[1] >= y0 - my && p[1] <= y1 + my;
  }

  clipped(points, values) {
    return values.map((v, k) => (this.onMap(points[k]) ? v : null));
  }

  render(frame, start) {
    if (!this.contour) return;
    const racers = frame?.racers || [];
    const clouds = frame?.clouds || [];
    const traces = [this.contour, this.minima];
    const traces3d = [this.surface];
    racers.forEach((r, i) => {
      const color = PALETTE[i % PALETTE.length];
      const x = r.points.map((p) => p[0]);
      const y = r.points.map((p) => p[1]);
      const name = r.label + (r.diverged ? ` (${t("optimizers.diverged")})` : "");
      traces.push({ type: "scatter", mode: "lines+markers", name, x, y, line: { color, width: 2.5 },
        marker: { color, size: 3 }, legendgroup: String(i), customdata: r.steps,
        hovertemplate: `${r.label}<br>${t("common.step")} %{customdata}<br>(%{x:.4f}, %{y:.4f})<extra></extra>` });
      traces.push({ type: "scatter", mode: "markers", x: x.slice(-1), y: y.slice(-1), showlegend: false,
        legendgroup: String(i), marker: { color, size: 11, line: { color: "#fff", width: 1.5 } }, hoverinfo: "skip" });
      if (r.diverged && x.length) { // where and when it left: its last finite point, marked
        const left = t("optimizers.left_at", { step: r.steps[r.steps.length - 1] });
        traces.push({ type: "scatter", mode: "markers+text", x: x.slice(-1), y: y.slice(-1), showlegend: false,
          legendgroup: String(i), text: [left], textposition: "top center", textfont: { color, size: 12 },
          marker: { symbol: "x-thin", size: 16, line: { color, width: 3 } }, hoverinfo: "text" });
      }
      traces3d.push({ type: "scatter3d", mode: "lines", name: r.label, x, y,
        z: this.clipped(r.points, r.values).map((v) => this.height(v)),
        line: { color, width: 6 }, showlegend: false });
    });
    clouds.forEach((c, i) => {
      const color = PALETTE[i % PALETTE.length];
      const x = c.points.map((p) => p[0]);
      const y = c.points.map((p) => p[1]);
      traces.push({ type: "scatter", mode: "markers", name: c.label, x, y, hoverinfo: "skip",
        marker: { color, size: 4, opacity: 0.7 } });
      traces3d.push({ type: "scatter3d", mode: "markers", name: c.label, x, y,
        z: this.clipped(c.points, c.values || []).map((v) => this.height(v)),
        marker: { color, size: 2 }, showlegend: false });
    });
    if (start && !clouds.length) {
      traces.push({ type: "scatter", mode: "markers", name: t("optimizers.start_marker"), x: [start[0]], y: [start[1]],
        marker: { symbol: "x-thin", size: 12, color: "#1d2433", line: { width: 2.5, color: "#1d2433" } } });
    }
    const [[x0, x1], [y0, y1]] = this.info.domain;
    const step = frame ? frame.step : 0;
    Plotly.react(this.contourEl, traces, baseLayout({
      height: 440,
      title: { text: t("optimizers.contour_title", { step }), font: { size: 14 } },
      xaxis: { range: [x0, x1], title: { text: "x" }, zeroline: false },
      yaxis: { range: [y0, y1], title: { text: "y" }, zeroline: false },
      annotations: this.arrows(racers),
      uirevision: this.key,
    }), CONFIG);
    this.bindClick();
    this.render3d(traces3d);
  }

  // −gradient at fixed length and the last step scaled to be visible, both from the racer's point
  arrows(racers) {
    const [[x0, x1], [y0, y1]] = this.info.domain;
    const sx = x1 - x0;
    const sy = y1 - y0;
    const size = (v) => Math.hypot(v[0] / sx, v[1] / sy);
    const live = racers.filter((r) => r.state && !r.diverged && r.state.step > 0 && this.onMap(r.state.point));
    const biggest = Math.max(0, ...live.map((r) => size(r.state.update)));
    // blown up at most ×100: past that a converged racer's tiny steps would look like strides
    const scale = biggest > 0 ? Math.min(ARROW / biggest, 100) : 1;
    this.noteEl.textContent = live.length ? t("optimizers.arrows", { scale: formatValue(scale) }) : "";
    const notes = [];
    racers.forEach((r, i) => {
      if (!live.includes(r)) return;
      const color = PALETTE[i % PALETTE.length];
      const [px, py] = r.state.point;
      const g = r.state.grad;
      const gl = size(g);
      const arrow = (dx, dy, width) => ({ x: px + dx, y: py + dy, ax: px, ay: py, xref: "x", yref: "y", axref: "x",
        ayref: "y", showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: width, arrowcolor: color, text: "" });
      if (gl > 0) notes.push(arrow((-g[0] / gl) * ARROW, (-g[1] / gl) * ARROW, 1.2));
      const u = r.state.update;
      if (size(u) > 0) notes.push(arrow(u[0] * scale, u[1] * scale, 3));
    });
    return notes;
  }

  render3d(traces) {
    if (!this.webgl) {
      this.surfaceEl.textContent = t("optimizers.no_webgl");
      return;
    }
    Plotly.react(this.surfaceEl, traces, baseLayout({
      height: 440,
      margin: { l: 0, r: 0, t: 35, b: 0 },
      title: { text: t("optimizers.surface3d_title") + (this.scale.log ? ` · ${t("optimizers.log_scale")}` : ""),
        font: { size: 14 } },
      scene: { xaxis: { title: { text: "x" } }, yaxis: { title: { text: "y" } },
        zaxis: { title: { text: this.scale.log ? "log f" : "f" } }, aspectmode: "manual",
        aspectratio: { x: 1, y: 1, z: 0.6 } },
      uirevision: this.key,
    }), CONFIG);
  }

  bindClick() {
    if (this.clickBound || !this.contourEl.on) return;
    this.clickBound = true;
    this.contourEl.on("plotly_click", (event) => {
      const p = event.points?.[0];
      if (p && Number.isFinite(p.x) && Number.isFinite(p.y)) this.onPick([p.x, p.y]);
    });
  }
}

// The surface views: a contour map and a 3D surface, with every path (or cloud) drawn as it grows.
import { t } from "../i18n.js";
import { PALETTE, baseLayout, formatValue, plot, seriesStyle } from "../charts.js";
import { floorFreeTicks } from "../scene_ticks.js";

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
const ARROW = 0.08; // arrow length as a share of the plotting box
// where each racer's "left after step n" note goes: two racers leaving from one point do not overprint
// a mark's label goes above or below it by racer, and towards the middle of the map, so it is never cut
// at the map's edge (where a racer leaving the map is marked)
function textAt(i, x, [x0, x1]) {
  const side = x < x0 + (x1 - x0) / 3 ? " right" : x > x1 - (x1 - x0) / 3 ? " left" : " center";
  return (i % 2 ? "bottom" : "top") + side;
}

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
    this.lastSeen = new Map(); // swarm cloud index -> its shown points at the last frame any was on the map
  }

  setSurface(grid, info) {
    this.info = info;
    this.key = `${info.name}:${info.formula}`;
    this.scale = heightScale(grid.z);
    const zt = grid.z.map((row) => row.map(this.scale.f));
    // The level lines over a smooth colour map of the same heights. A contour coloured "heatmap" paints
    // that map pixel by pixel in JavaScript (0.15-0.25 s on a projector's laptop, the page's slowest first
    // draw); a heatmap with zsmooth "fast" hands its 81x81 image to the browser to scale, smoothly.
    this.contour = {
      type: "contour", x: grid.x, y: grid.y, z: zt, showscale: false, contours: { coloring: "none" },
      line: { width: 0.5, color: "rgba(29, 36, 51, 0.45)" }, hoverinfo: "skip", name: "f", showlegend: false,
    };
    this.heights = {
      type: "heatmap", x: grid.x, y: grid.y, z: zt, customdata: grid.z, colorscale: "YlGnBu", reversescale: true,
      zsmooth: "fast", showscale: false, opacity: 0.75, name: "f", showlegend: false,
      hovertemplate: "x=%{x:.3f}<br>y=%{y:.3f}<br>f=%{customdata:.4g}<extra></extra>",
    };
    this.minima = {
      type: "scatter", mode: "markers", name: t("optimizers.minimum"), x: info.minima.map((m) => m[0]),
      y: info.minima.map((m) => m[1]), marker: { symbol: "star", size: 13, color: "#fff", line: { color: "#1d2433", width: 1.5 } },
      hoverinfo: "x+y+name",
    };
    const heights = zt.flat().filter(Number.isFinite);
    this.zTicks = floorFreeTicks(Math.min(...heights), Math.max(...heights));
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

  // How many of a path's points come before it first leaves the map (its length if it never does).
  // What follows is not drawn: runaway coordinates (1e71) break the SVG and flatten the 3D view.
  onMapLength(points) {
    const k = points.findIndex((p) => !this.onMap(p));
    return k < 0 ? points.length : k;
  }

  // The step after which a racer left: the last on the map, or its last point if it diverged in place.
  leftAt(r) {
    const k = this.onMapLength(r.points);
    if (k === r.points.length && !r.diverged) return null;
    return r.steps[Math.max(k - 1, 0)];
  }

  // A swarm cloud whose shown points have all left the map: the step it was last seen on it (its points
  // then are drawn, faded), else null. Kept per run; a rewound run forgets what lies past its step.
  cloudLeftAt(i) {
    const seen = this.lastSeen.get(i);
    return seen && seen.gone ? seen.step : null;
  }

  trackClouds(frame) {
    if (!frame) {
      this.lastSeen.clear();
      return;
    }
    for (const [i, seen] of this.lastSeen) if (seen.step > frame.step) this.lastSeen.delete(i);
    (frame.clouds || []).forEach((c, i) => {
      const values = c.values || [];
      const on = c.points.map((p, k) => k).filter((k) => this.onMap(c.points[k]) && Number.isFinite(values[k] ?? 0));
      if (on.length) {
        this.lastSeen.set(i, { step: frame.step, gone: false, x: on.map((k) => c.points[k][0]),
          y: on.map((k) => c.points[k][1]), z: on.map((k) => this.height(values[k] ?? null)) });
      } else if (this.lastSeen.has(i)) {
        this.lastSeen.get(i).gone = true;
      }
    });
  }

  render(frame, start) {
    if (!this.contour) return;
    const racers = frame?.racers || [];
    const clouds = frame?.clouds || [];
    const traces = [this.contour, this.heights, this.minima]; // the heights are drawn under the lines
    const traces3d = [this.surface];
    racers.forEach((r, i) => {
      const { color, dash, symbol } = seriesStyle(i);
      const n = this.onMapLength(r.points); // drawn up to where it left the map
      const x = r.points.slice(0, n).map((p) => p[0]);
      const y = r.points.slice(0, n).map((p) => p[1]);
      const leftAt = this.leftAt(r);
      const name = r.label + (r.diverged ? ` (${t("optimizers.diverged")})` : "");
      traces.push({ type: "scatter", mode: "lines+markers", name, x, y, line: { color, width: 2.5, dash },
        marker: { color, size: 3 }, legendgroup: String(i), customdata: r.steps.slice(0, n),
        hovertemplate: `${r.label}<br>${t("common.step")} %{customdata}<br>(%{x:.4f}, %{y:.4f})<extra></extra>` });
      if (leftAt === null) {
        traces.push({ type: "scatter", mode: "markers", x: x.slice(-1), y: y.slice(-1), showlegend: false,
          legendgroup: String(i), marker: { color, symbol, size: 11, line: { color: "#fff", width: 1.5 } }, hoverinfo: "skip" });
      } else if (x.length) { // where and when it left: its last point on the map, marked
        const left = t("optimizers.left_at", { step: leftAt });
        traces.push({ type: "scatter", mode: "markers+text", x: x.slice(-1), y: y.slice(-1), showlegend: false,
          legendgroup: String(i), text: [left], textposition: textAt(i, x[x.length - 1], this.info.domain[0]),
          textfont: { color, size: 12 },
          marker: { symbol: "x-thin", size: 16, line: { color, width: 3 } }, hoverinfo: "text" });
      }
      traces3d.push({ type: "scatter3d", mode: "lines", name: r.label, x, y,
        z: r.values.slice(0, n).map((v) => this.height(v)),
        line: { color, width: 6 }, showlegend: false });
    });
    this.trackClouds(frame);
    clouds.forEach((c, i) => {
      const { color, symbol } = seriesStyle(i);
      const left = this.cloudLeftAt(i);
      const seen = this.lastSeen.get(i);
      if (!seen) return; // never on the map in this run: nothing to draw
      // a cloud gone from the map stays where it was last seen, faded, marked with the step
      const name = c.label + (left === null ? "" : ` (${t("optimizers.left_at", { step: left })})`);
      traces.push({ type: "scatter", mode: "markers", name, x: seen.x, y: seen.y, hoverinfo: "skip",
        marker: { color, symbol, size: 4, opacity: left === null ? 0.7 : 0.25 } });
      if (left !== null) {
        const mid = (v) => v.reduce((a, b) => a + b, 0) / v.length;
        traces.push({ type: "scatter", mode: "markers+text", x: [mid(seen.x)], y: [mid(seen.y)], showlegend: false,
          text: [t("optimizers.left_at", { step: left })], textposition: "top center", textfont: { color, size: 12 },
          marker: { symbol: "x-thin", size: 16, line: { color, width: 3 } }, hoverinfo: "text" });
      }
      traces3d.push({ type: "scatter3d", mode: "markers", name: c.label, x: seen.x, y: seen.y, z: seen.z,
        marker: { color, size: 2, opacity: left === null ? 1 : 0.3 }, showlegend: false });
    });
    if (start && !clouds.length) {
      traces.push({ type: "scatter", mode: "markers", name: t("optimizers.start_marker"), x: [start[0]], y: [start[1]],
        marker: { symbol: "x-thin", size: 12, color: "#1d2433", line: { width: 2.5, color: "#1d2433" } } });
    }
    const [[x0, x1], [y0, y1]] = this.info.domain;
    const step = frame ? frame.step : 0;
    plot(this.contourEl, traces, baseLayout({
      height: 440,
      title: { text: t("optimizers.contour_title", { step }), font: { size: 14 } },
      xaxis: { range: [x0, x1], title: { text: "x" }, zeroline: false },
      yaxis: { range: [y0, y1], title: { text: "y" }, zeroline: false },
      annotations: this.arrows(racers),
      uirevision: this.key,
    }), CONFIG).then(() => this.bindClick()); // Plotly may load after the first frame: the chart's `on` comes with it
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
    // a phone (optimizers.css's width): a 440 px box left 100 px empty under the cube's title
    const narrow = window.matchMedia("(max-width: 600px)").matches;
    plot(this.surfaceEl, traces, baseLayout({
      height: narrow ? 360 : 440,
      margin: { l: 0, r: 0, t: 35, b: 0 },
      title: { text: t("optimizers.surface3d_title") + (this.scale.log ? ` · ${t("optimizers.log_scale")}` : ""),
        font: { size: 14 } },
      // five x and y ticks: Plotly's nine (−2, −1.5, …) ran into each other where the axes meet
      scene: { xaxis: { title: { text: "x" }, nticks: 5 }, yaxis: { title: { text: "y" }, nticks: 5 },
        zaxis: { title: { text: this.scale.log ? "log f" : "f" }, tickvals: this.zTicks }, aspectmode: "manual",
        aspectratio: { x: 1, y: 1, z: 0.6 },
        // on a phone a lower, further eye than Plotly's (1.25, 1.25, 1.25): the z labels stay in the box;
        // a centre moved off the middle shifts the cube right in its box, which brings its z title ("f") in
        ...(narrow ? { camera: { eye: { x: 1.5, y: 1.5, z: 0.95 }, center: { x: 0.1, y: -0.1, z: -0.1 } } } : {}) },
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

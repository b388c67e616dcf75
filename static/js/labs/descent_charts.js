// The descent lab's own charts: the MSE contour with each variant's (w, b) path, and the fitted lines.
import { t } from "../i18n.js";
import { PALETTE, baseLayout, drawsAnything, plot, waitingNote } from "../charts.js";

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

// How far the view may widen past the contour's box, in box widths each way. A diverging path (a large
// learning rate) runs off towards 1e300: a view that followed it squeezed the box under a pixel, and
// Plotly's contour fill throws on an image of width zero ("createImageData: source width is zero").
// Past this, the path's far end leaves the view and the box stays at least 1/21 of the chart.
export const MAX_WIDEN = 10;

// The contour's box, widened when a path (a large learning rate) leaves it, by at most MAX_WIDEN boxes.
export function span(axis, values) {
  const [a, b] = [axis[0], axis[axis.length - 1]];
  const reach = MAX_WIDEN * (b - a);
  let [lo, hi] = [a, b];
  for (const v of values) { // a loop, not Math.min(...values): a stochastic path has many thousand points
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, Math.max(v, a - reach));
    hi = Math.max(hi, Math.min(v, b + reach));
  }
  const pad = lo < a || hi > b ? 0.05 * (hi - lo) : 0;
  return [lo - pad, hi + pad];
}

// A chart of the run's scene, which stays (drawn at once, with no variant yet), under the variants, redrawn
// with every frame by `update(variants)`.
class OverScene {
  constructor(el) {
    this.el = el;
    this.scene = null;
  }

  setScene(scene) {
    this.scene = scene;
    this.update([]);
  }
}

// The scene's contour, target and start, under each variant's (w, b) path.
export class ContourPaths extends OverScene {
  update(variants) {
    if (!this.scene) return;
    const { contour, least_squares: ls, start } = this.scene;
    const traces = [{
      type: "contour", x: contour.w, y: contour.b, z: contour.mse.map((row) => row.map((v) => Math.log10(v))),
      colorscale: [[0, "#fffbe6"], [0.5, "#d6e0ef"], [1, "#8da5c9"]], ncontours: 24, showscale: false,
      contours: { coloring: "heatmap", showlines: true }, line: { width: 0.5, color: "rgba(255,255,255,0.6)" },
      customdata: contour.mse, hovertemplate: "w %{x:.3f}<br>b %{y:.3f}<br>MSE %{customdata:.4g}<extra></extra>",
      name: "MSE",
    }];
    for (const v of variants) {
      traces.push({
        type: "scatter", mode: "lines", x: v.path.map((p) => p[0]), y: v.path.map((p) => p[1]), name: v.name,
        line: { color: v.color, width: 2, dash: v.dash }, hovertemplate: `${v.name}<br>w %{x:.3f}<br>b %{y:.3f}<extra></extra>`,
      });
      traces.push({
        type: "scatter", mode: "markers", x: [v.w], y: [v.b], showlegend: false, hoverinfo: "skip",
        marker: { color: v.color, size: 10, symbol: v.symbol, line: { color: "#fff", width: 1.5 } },
      });
    }
    traces.push({
      type: "scatter", mode: "markers", x: [start[0]], y: [start[1]], name: t("descent.start"),
      marker: { symbol: "circle-open", size: 12, color: "#1d2433", line: { width: 2 } },
    });
    traces.push({
      type: "scatter", mode: "markers", x: [ls.w], y: [ls.b], name: t("descent.least_squares"),
      marker: { symbol: "star", size: 16, color: PALETTE[4], line: { color: "#1d2433", width: 1 } },
    });
    plot(this.el, traces, baseLayout({
      height: 400,
      title: { text: t("descent.contour_title"), font: { size: 14 } },
      xaxis: { title: { text: "w" }, range: span(contour.w, variants.flatMap((v) => v.path.map((p) => p[0]))) },
      yaxis: { title: { text: "b" }, range: span(contour.b, variants.flatMap((v) => v.path.map((p) => p[1]))) },
      uirevision: "keep",
    }), CONFIG);
  }
}

// The scene's data and least-squares line, under each variant's fitted line.
export class FitChart extends OverScene {
  update(variants) {
    if (!this.scene) return;
    const { data, least_squares: ls, x_range: xr } = this.scene;
    const traces = [{
      type: "scatter", mode: "markers", x: data.x, y: data.y, name: t("descent.data"),
      marker: { symbol: "x", color: PALETTE[1], size: 6 },
    }, {
      type: "scatter", mode: "lines", x: xr, y: xr.map((x) => ls.w * x + ls.b), name: t("descent.least_squares"),
      line: { color: "#1d2433", dash: "dash", width: 1.5 },
    }];
    for (const v of variants) {
      traces.push({
        type: "scatter", mode: "lines", x: v.line.map((p) => p[0]), y: v.line.map((p) => p[1]),
        name: `${v.name}: y = ${v.w.toFixed(3)}x + ${v.b.toFixed(3)}`, line: { color: v.color, width: 2.5, dash: v.dash },
      });
    }
    plot(this.el, traces, baseLayout({
      height: 400,
      title: { text: t("descent.fit_title"), font: { size: 14 } },
      xaxis: { title: { text: "x" } },
      yaxis: { title: { text: "y" } },
      uirevision: "keep",
    }), CONFIG);
  }
}

// Loss of every update on log-log axes: 50 batch updates and 5,000 stochastic ones both stay readable.
export class LossPerUpdate {
  constructor(el) {
    this.el = el;
  }

  update(variants) {
    const traces = variants.map((v) => ({
      type: "scatter", mode: "lines", x: v.losses.update, y: v.losses.loss, name: v.name,
      line: { color: v.color, width: 1.5, dash: v.dash },
    }));
    plot(this.el, traces, baseLayout({
      height: 320,
      title: { text: t("descent.loss_update_title"), font: { size: 14 } },
      xaxis: { title: { text: t("descent.update") }, type: "log" },
      yaxis: { title: { text: t("descent.batch_mse") }, type: "log", exponentformat: "power" },
      annotations: drawsAnything(traces) ? [] : [waitingNote(this.el, t("common.wait_first_step"))],
      uirevision: "keep",
    }), CONFIG);
  }
}

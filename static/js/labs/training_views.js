// What a training frame shows: the model's picture (decision boundary, fitted curve or confusion matrix
// with misclassified images), loss and accuracy curves, per-layer gradient norms and weight histograms.
/* global Plotly */
import { t } from "../i18n.js";
import { HistogramGrid, LineChart, PALETTE, baseLayout, drawsAnything, logAxisTicks, plot, waitingNote } from "../charts.js";

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
const CLASS_COLORS = ["#f59322", "#0877bd", ...PALETTE.slice(2)]; // Playground's orange and blue first
export const RUN_COLORS = [PALETTE[0], PALETTE[1]];

export function runTitle(part) {
  if (part.label === "run") return t("training.run");
  const changes = Object.entries(part.changes).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v}]` : v}`);
  return `${t("training.compare_run")}: ${changes.join(", ")}`;
}

function layerColor(i, n) {
  return `hsl(${220 - (200 * i) / Math.max(1, n - 1)}, 65%, 45%)`;
}

export class ModelView {
  constructor(el, images) {
    this.el = el;
    this.images = images;
    this.scene = null;
  }

  setScene(scene) {
    this.scene = scene;
    this.images.replaceChildren();
  }

  clear() {
    Plotly.purge(this.el);
    this.images.replaceChildren();
  }

  update(part) {
    const s = this.scene;
    if (!s) return;
    const title = runTitle(part) + (part.diverged ? ` (${t("common.diverged")})` : "");
    if (s.grid) this.boundary(part, title);
    else if (s.curve_x) this.curve(part, title);
    else this.confusion(part, title);
  }

  points(extra = {}) {
    const traces = [];
    for (const [name, p] of Object.entries(this.scene.points || {})) {
      const test = name === "test";
      const colors = p.label ? p.label.map((c) => CLASS_COLORS[c % CLASS_COLORS.length]) : PALETTE[2];
      traces.push({
        type: "scatter", mode: "markers", x: p.x, y: p.y, name: t(`training.points.${name}`),
        marker: { color: test ? "#fff" : colors, size: 6, line: { color: colors, width: test ? 1.5 : 0.5 } },
        hoverinfo: "x+y", ...extra,
      });
    }
    return traces;
  }

  boundary(part, title) {
    const { grid, classes } = this.scene;
    const traces = [];
    if (part.boundary) {
      const binary = part.boundary.kind === "percent";
      traces.push({
        type: "heatmap", x: grid.x, y: grid.y, z: part.boundary.z, showscale: false, opacity: 0.6,
        zmin: 0, zmax: binary ? 100 : classes.length - 1, hoverinfo: "skip",
        colorscale: binary ? [[0, CLASS_COLORS[0]], [0.5, "#f4f4f4"], [1, CLASS_COLORS[1]]]
          : classes.map((_, k) => [[k / Math.max(1, classes.length - 1), CLASS_COLORS[k]]]).flat(),
      });
    }
    traces.push(...this.points());
    plot(this.el, traces, baseLayout({
      height: 380, title: { text: title, font: { size: 13 } },
      xaxis: { range: [grid.x[0], grid.x[grid.x.length - 1]], zeroline: false, constrain: "domain" },
      yaxis: { range: [grid.y[0], grid.y[grid.y.length - 1]], zeroline: false, scaleanchor: "x", constrain: "domain" },
      uirevision: "keep",
    }), CONFIG);
  }

  curve(part, title) {
    const traces = this.points();
    if (part.curve) {
      traces.push({ type: "scatter", mode: "lines", x: this.scene.curve_x, y: part.curve.y, name: t("training.fit"),
        line: { color: PALETTE[0], width: 3 } });
    }
    plot(this.el, traces, baseLayout({ height: 380, title: { text: title, font: { size: 13 } },
      xaxis: { title: { text: "x" } }, yaxis: { title: { text: "y" } }, uirevision: "keep" }), CONFIG);
  }

  confusion(part, title) {
    const classes = this.scene.classes;
    const z = part.confusion || classes.map(() => classes.map(() => 0));
    const shade = z.map((row) => row.map((v) => Math.log1p(v)));
    const top = Math.max(1e-9, ...shade.flat());
    // a count is written in the colour that reads on its own cell (a zero on the diagonal is on white)
    const annotations = z.flatMap((row, i) => row.map((v, j) => ({
      x: classes[j], y: classes[i], text: String(v), showarrow: false,
      font: { size: 10, color: shade[i][j] / top > 0.5 ? "#fff" : "#1d2433" },
    })));
    plot(this.el, [{
      type: "heatmap", x: classes, y: classes, z: shade, zmin: 0, zmax: top, showscale: false,
      colorscale: [[0, "#ffffff"], [1, "#2f5aa8"]], customdata: z, hovertemplate: "%{y} → %{x}: %{customdata}<extra></extra>",
    }], baseLayout({
      height: 380, title: { text: `${title} · ${t("training.confusion")}`, font: { size: 13 } }, annotations,
      xaxis: { title: { text: t("training.predicted") }, type: "category" },
      yaxis: { title: { text: t("training.true") }, type: "category", autorange: "reversed" },
      uirevision: "keep",
    }), CONFIG);
    this.drawImages(part.misclassified || []);
  }

  drawImages(items) {
    const [rows, cols] = this.scene.image_shape;
    const figures = items.map((item) => {
      const canvas = document.createElement("canvas");
      canvas.width = cols;
      canvas.height = rows;
      const ctx = canvas.getContext("2d");
      const image = ctx.createImageData(cols, rows);
      item.pixels.forEach((v, k) => {
        const g = 255 - Math.round(255 * Math.min(1, Math.max(0, v)));
        image.data.set([g, g, g, 255], 4 * k);
      });
      ctx.putImageData(image, 0, 0);
      const figure = document.createElement("figure");
      const caption = document.createElement("figcaption");
      caption.textContent = t("training.was_predicted", { label: this.scene.classes[item.label], pred: this.scene.classes[item.pred] });
      figure.append(canvas, caption);
      return figure;
    });
    if (figures.length) {
      const heading = document.createElement("p");
      heading.className = "hint";
      heading.textContent = t("training.misclassified");
      this.images.replaceChildren(heading, ...figures);
    } else this.images.replaceChildren();
  }
}

export class Curves {
  constructor(lossEl, accEl) {
    this.loss = new LineChart(lossEl, { height: 320, logY: true });
    this.acc = new LineChart(accEl, { height: 320 });
  }

  // `status`: the player's (data-status of its status line), which the note of an empty chart follows
  update(frame, classify, status) {
    const series = (keys) => frame.runs.flatMap((part, r) => keys.map(([key, dash]) => ({
      name: `${runTitle(part)} · ${t(`training.${key}`)}`, x: part.curves.epoch, y: part.curves[key] || [],
      color: RUN_COLORS[r], dash,
    })));
    const x = t("training.epoch_axis");
    const waiting = t(waitingKey(status));
    this.loss.update(series([["train_loss", "solid"], ["test_loss", "dot"]]),
      { title: t("training.loss_title"), xTitle: x, yTitle: t("common.loss"), waiting });
    if (classify) {
      this.acc.update(series([["train_acc", "solid"], ["test_acc", "dot"]]),
        { title: t("training.acc_title"), xTitle: x, yTitle: t("training.accuracy"), waiting });
    } else Plotly.purge(this.acc.el);
  }

  // Nothing drawn yet: the curves' first line comes with the first epoch's measurement
  get waiting() {
    return this.loss.empty;
  }
}

// What an empty curve chart waits for, by the player's status: Play, the first epoch, or nothing more
// (a run that ended, diverged, before its first epoch was measured).
function waitingKey(status) {
  if (status === "paused" || status === "idle") return "training.wait_epoch_play";
  if (["finished", "diverged", "stopped"].includes(status) || status?.startsWith("gone_")) return "training.wait_epoch_ended";
  return "training.wait_epoch";
}

export class Gradients {
  constructor(el, weightsEl) {
    this.chart = el;
    this.histograms = new HistogramGrid(weightsEl);
  }

  update(frame, scene) {
    // one line per layer, coloured by depth (one colour bar); the run and the comparison by dash: a deep
    // network's 22 legend entries would squash the plot
    const series = [];
    let depth = 1;
    frame.runs.forEach((part, r) => {
      const n = part.grad_norms.layers.length;
      depth = Math.max(depth, n);
      part.grad_norms.layers.forEach((values, i) => series.push({
        name: `${r ? t("training.compare_short") : t("training.run")} · ${t("common.layer")} ${i + 1}`,
        x: part.grad_norms.step, y: values, color: layerColor(i, n), dash: r ? "dot" : "solid",
      }));
    });
    // a dead unit's gradient of 1e-20 would stretch the axis over twenty decades: show the top ten
    const values = series.flatMap((x) => x.y).filter((v) => v > 0 && Number.isFinite(v));
    const top = values.length ? Math.log10(Math.max(...values)) + 0.3 : 1;
    const bottom = values.length ? Math.max(Math.log10(Math.min(...values)) - 0.3, top - 10) : -3;
    const traces = series.map((x) => ({ // a first measurement alone is a dot: a line of one point draws nothing
      type: "scatter", mode: x.x.length < 2 ? "markers" : "lines", name: x.name, x: x.x, y: x.y, showlegend: false,
      marker: { color: x.color, size: 6 },
      line: { color: x.color, dash: x.dash, width: 1.5 },
    }));
    frame.runs.forEach((_, r) => traces.push({ // the legend: which dash is which run
      type: "scatter", mode: "lines", x: [null], y: [null], name: r ? t("training.compare_short") : t("training.run"),
      line: { color: "#5b6475", dash: r ? "dot" : "solid", width: 2 }, hoverinfo: "skip",
    }));
    traces.push({ // the colour bar: layer 1 (input side) to the last (output side)
      type: "scatter", mode: "markers", x: [null], y: [null], showlegend: false, hoverinfo: "skip",
      marker: { color: [1, depth], cmin: 1, cmax: depth, showscale: depth > 1,
        colorscale: Array.from({ length: depth }, (_, i) => [depth > 1 ? i / (depth - 1) : 0, layerColor(i, depth)]),
        colorbar: { title: { text: t("common.layer"), side: "right" }, thickness: 12, len: 0.8,
          tickvals: depth > 6 ? [1, Math.round(depth / 2), depth] : Array.from({ length: depth }, (_, i) => i + 1) } },
    });
    plot(this.chart, traces, baseLayout({
      height: 340, title: { text: t("training.grad_title"), font: { size: 14 } },
      xaxis: { title: { text: t("common.step") } },
      yaxis: { title: { text: t("training.grad_axis") }, type: "log", range: [bottom, top],
        ...logAxisTicks(values, 10 ** bottom) },
      annotations: drawsAnything(traces) ? [] : [waitingNote(this.chart, t("common.wait_first_step"))],
      uirevision: "keep",
    }), CONFIG);
    const layers = scene.runs[0].layers;
    const runs = frame.runs.filter((p) => p.weights.length === layers.length);
    this.histograms.update({
      rows: layers.map((shape, i) => ({ index: i + 1, shape })),
      columns: runs.map(runTitle),
      cells: layers.map((_, i) => runs.map((p) => ({ spike: null, histogram: p.weights[i] }))),
      colors: runs.map((_, r) => RUN_COLORS[r]),
      rowLabel: (row) => `${t("common.layer")} ${row.index}<br>${row.shape[0]}→${row.shape[1]}`,
      title: `${t("training.weights_title")} · ${t("common.step")} ${frame.step}`,
    });
  }
}

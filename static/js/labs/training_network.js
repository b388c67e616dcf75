// The network view, Playground-style: inputs, hidden neurons and outputs by layer, each neuron a map of
// the plane on the boundary's colour scale, edges coloured by sign and as wide as the weight is large,
// a gradient-norm bar under each neuron; dead, saturated and dropped units marked. Built once per
// network shape, then only repainted: frames come several times a second.
import { t } from "../i18n.js";
import { EDGE_COLORS, decodeFloats, decodeMaps, gradBar, layerRange, paint } from "./training_maps.js";
import { NeuronPanel } from "./training_neuron.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

export class NetworkView {
  constructor(root) {
    this.root = root;
    this.graph = root.querySelector("#net-graph");
    this.summary = root.querySelector("#net-summary");
    this.tip = root.querySelector("#net-tip");
    this.panel = new NeuronPanel(root.querySelector("#neuron-panel"));
    this.scene = null;
    this.key = null;
    this.columns = [];
    new ResizeObserver(() => this.layout()).observe(this.graph.parentElement);
  }

  setScene(scene) {
    this.scene = scene;
    this.key = null;
    this.root.hidden = !scene.network;
    this.panel.reset();
    if (scene.network) this.inputs = decodeMaps(scene.network.inputs, scene.network.side);
  }

  // `part` is one run's frame part; `which` says which run (its activation comes from the scene).
  update(part, which = 0) {
    const net = this.scene?.network;
    if (!net || !part.network) return;
    const activation = net.activations[which];
    const side = net.side;
    const columns = [{ kind: "input", names: net.features.map((f) => t(`training.feat.${f}`)), maps: this.inputs,
      ranges: this.inputs.map((m) => layerRange([m], "linear")) }];
    let previous = -1;
    const last = part.network.hidden_layers;
    for (const packed of part.network.layers) {
      const layer = { ...packed }; // per-neuron numbers arrive as float32 base64
      for (const key of ["bias", "mean", "std", "inactive", "grad_norm", "dropped"]) layer[key] = decodeFloats(packed[key]);
      if (layer.index > previous + 1) columns.push({ kind: "gap", count: layer.index - previous - 1 });
      previous = layer.index;
      const maps = decodeMaps(layer, side);
      const kind = layer.index === last ? "output" : "hidden";
      const range = layerRange(maps, kind === "output" ? "linear" : activation);
      columns.push({ kind, layer, maps, ranges: maps.map(() => range), normed: decodeMaps(layer.normed, side),
        weights: decodeFloats(layer.edges?.w), grads: decodeFloats(layer.edges?.g) });
    }
    const key = JSON.stringify(columns.map((c) => [c.kind, c.maps?.length, c.layer?.index, !!c.weights]));
    const built = key === this.key ? this.columns : null; // the same shape: keep its elements, repaint them
    if (built) columns.forEach((col, c) => { const { header, nodes, edges, more, centres } = built[c]; Object.assign(col, { header, nodes, edges, more, centres }); });
    this.columns = columns;
    this.activation = activation;
    if (!built) {
      this.key = key;
      this.build();
    }
    this.paintAll(side, part);
    this.panel.show(this.describe(this.panel.current()), side, activation);
  }

  build() {
    this.graph.replaceChildren();
    this.edgeLayer = svg("svg", { class: "net-edges", "aria-hidden": "true" });
    this.graph.append(this.edgeLayer);
    this.columns.forEach((col, c) => {
      col.header = Object.assign(document.createElement("div"), { className: "net-head" });
      this.graph.append(col.header);
      if (col.kind === "gap") {
        col.header.textContent = t("training.net.gap", { n: col.count });
        return;
      }
      col.nodes = col.maps.map((_, r) => this.node(c, r));
      if (col.kind === "input") {
        col.nodes.forEach((n, r) => n.button.append(Object.assign(document.createElement("span"), { className: "net-label", textContent: col.names[r] })));
      }
      col.edges = [];
      if (col.weights) {
        const from = this.columns[c - 1].maps.length;
        for (let r = 0; r < col.maps.length; r++) {
          for (let j = 0; j < from; j++) {
            const g = svg("g", { class: "edge" });
            g.append(svg("line", { class: "edge-line" }), svg("line", { class: "edge-hit" }));
            g.addEventListener("mousemove", (e) => this.edgeTip(e, c, r, j));
            g.addEventListener("mouseleave", () => { this.tip.hidden = true; });
            this.edgeLayer.append(g);
            col.edges.push({ g, r, j });
          }
        }
      }
      col.more = Object.assign(document.createElement("div"), { className: "net-more" });
      this.graph.append(col.more);
    });
    this.layout();
  }

  node(c, r) {
    const button = Object.assign(document.createElement("button"), { type: "button", className: "neuron" });
    const canvas = document.createElement("canvas");
    const bar = Object.assign(document.createElement("span"), { className: "grad-bar" });
    button.append(canvas, bar);
    button.dataset.col = c;
    button.dataset.row = r;
    const show = () => this.panel.show(this.describe({ c, r }), this.scene.network.side, this.activation);
    button.addEventListener("mouseenter", () => { this.panel.hovered = { c, r }; show(); });
    button.addEventListener("focus", () => { this.panel.hovered = { c, r }; show(); });
    button.addEventListener("mouseleave", () => { this.panel.hovered = null; });
    button.addEventListener("blur", () => { this.panel.hovered = null; });
    button.addEventListener("click", () => { this.panel.pinned = { c, r }; show(); });
    this.graph.append(button);
    return { button, canvas, bar };
  }

  layout() {
    if (!this.columns.length || !this.edgeLayer) return;
    const width = this.graph.parentElement.clientWidth;
    const colW = Math.max(58, width / this.columns.length);
    const size = Math.round(Math.min(40, Math.max(24, colW * 0.45)));
    const rowH = size + 12;
    const rows = Math.max(...this.columns.map((c) => c.maps?.length || 0));
    const top = 34;
    const height = top + rows * rowH + 22;
    Object.assign(this.graph.style, { width: `${colW * this.columns.length}px`, height: `${height}px` });
    this.edgeLayer.setAttribute("width", colW * this.columns.length);
    this.edgeLayer.setAttribute("height", height);
    this.columns.forEach((col, c) => {
      const x = c * colW + colW / 2 + (col.kind === "input" ? colW * 0.2 : 0); // room for the inputs' names
      Object.assign(col.header.style, { left: `${c * colW}px`, width: `${colW}px` });
      if (col.kind === "gap") return;
      const y0 = top + ((rows - col.maps.length) * rowH) / 2;
      col.centres = col.nodes.map((n, r) => {
        Object.assign(n.button.style, { left: `${x - size / 2}px`, top: `${y0 + r * rowH}px`, width: `${size}px`,
          height: `${size}px` });
        return [x, y0 + r * rowH + size / 2];
      });
      Object.assign(col.more.style, { left: `${c * colW}px`, width: `${colW}px`, top: `${y0 + col.maps.length * rowH}px` });
    });
    this.columns.forEach((col, c) => {
      for (const { g, r, j } of col.edges || []) {
        const [x1, y1] = this.columns[c - 1].centres[j];
        const [x2, y2] = col.centres[r];
        for (const line of g.children) {
          line.setAttribute("x1", x1 + size / 2);
          line.setAttribute("y1", y1);
          line.setAttribute("x2", x2 - size / 2);
          line.setAttribute("y2", y2);
        }
      }
    });
  }

  paintAll(side, part) {
    let largest = 0;
    for (const col of this.columns) for (const g of col.layer?.grad_norm || []) largest = Math.max(largest, g);
    let kb = JSON.stringify(part.network).length / 1000;
    const dead = [];
    this.columns.forEach((col) => {
      if (col.kind === "gap") return;
      col.maps.forEach((values, r) => paint(col.nodes[r].canvas, values, side, col.ranges[r]));
      const layer = col.layer;
      col.header.textContent = col.kind === "input" ? t("training.net.inputs")
        : col.kind === "output" ? t("training.net.output") : t("training.net.layer", { k: layer.index + 1, width: layer.width });
      col.more.textContent = layer && layer.width > col.maps.length ? t("training.net.more", { n: layer.width - col.maps.length }) : "";
      if (col.kind === "input") col.nodes.forEach((n, r) => n.button.setAttribute("aria-label", col.names[r]));
      if (!layer) return;
      const dropped = new Set(layer.dropped_first || []);
      col.nodes.forEach((n, r) => {
        n.button.classList.toggle("dropped", dropped.has(r));
        n.button.classList.toggle("inactive", layer.inactive?.[r] === 1);
        n.bar.style.width = `${100 * gradBar(layer.grad_norm?.[r], largest)}%`;
        n.button.setAttribute("aria-label", t("training.net.neuron", { k: layer.index + 1, i: r + 1 }));
      });
      if (layer.inactive_units !== null && col.kind === "hidden") dead.push(`${layer.index + 1}: ${layer.inactive_units}/${layer.width}`);
      this.paintEdges(col);
    });
    kb = kb.toFixed(1);
    const which = this.activation === "relu" ? "dead" : "saturated";
    this.summary.textContent = (dead.length ? `${t(`training.net.${which}_units`)} ${dead.join(", ")} · ` : "")
      + t("training.net.bytes", { kb });
  }

  paintEdges(col) {
    if (!col.weights) return;
    const from = this.columns[this.columns.indexOf(col) - 1].maps.length;
    let largest = 0;
    for (const w of col.weights) largest = Math.max(largest, Math.abs(w));
    for (const { g, r, j } of col.edges) {
      const w = col.weights[r * from + j];
      const line = g.firstChild;
      line.setAttribute("stroke", w >= 0 ? EDGE_COLORS.positive : EDGE_COLORS.negative);
      line.setAttribute("stroke-width", (0.4 + 4.6 * Math.abs(w) / (largest || 1)).toFixed(2));
    }
  }

  edgeTip(event, c, r, j) {
    const col = this.columns[c];
    const from = this.columns[c - 1].maps.length;
    const w = col.weights[r * from + j];
    const g = col.grads ? col.grads[r * from + j] : null;
    const source = this.columns[c - 1].kind === "input" ? this.columns[c - 1].names[j] : `#${j + 1}`;
    this.tip.textContent = t("training.net.edge", { from: source, to: `#${r + 1}`, w: w.toPrecision(4),
      g: g === null ? "—" : g.toPrecision(3) });
    const box = this.root.getBoundingClientRect();
    Object.assign(this.tip.style, { left: `${event.clientX - box.left + 12}px`, top: `${event.clientY - box.top + 12}px` });
    this.tip.hidden = false;
  }

  // What the neuron panel shows for node (c, r): its map(s), statistics and incoming edges.
  describe(at) {
    const col = at && this.columns[at.c];
    if (!col || col.kind === "gap" || !col.maps[at.r]) return null;
    if (col.kind === "input") return { title: col.names[at.r], map: col.maps[at.r], range: col.ranges[at.r] };
    const layer = col.layer;
    const prev = this.columns[at.c - 1];
    const from = col.weights ? prev.maps.length : 0;
    const incoming = [];
    for (let j = 0; j < from; j++) {
      incoming.push({ from: prev.kind === "input" ? prev.names[j] : `#${j + 1}`, w: col.weights[at.r * from + j],
        g: col.grads ? col.grads[at.r * from + j] : null });
    }
    const title = col.kind === "output" ? t("training.net.output_neuron", { i: at.r })
      : t("training.net.neuron", { k: layer.index + 1, i: at.r + 1 });
    const pick = (key) => (layer[key] ? layer[key][at.r] : null);
    return { title, map: col.maps[at.r], range: col.ranges[at.r], normed: col.normed[at.r] || null, incoming,
      hiddenInputs: layer.index > 0 && !col.weights, output: col.kind === "output",
      stats: { bias: pick("bias"), mean: pick("mean"), std: pick("std"), inactive: pick("inactive"),
        grad_norm: pick("grad_norm"), dropped: pick("dropped") } };
  }
}

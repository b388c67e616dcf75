// The 2-2-2 network drawn as its computational graph (SVG), every value on it, factors lit up by edge.
import { fixed } from "./losses_util.js";

const SVG = "http://www.w3.org/2000/svg";
const X = { i: 70, net_h: 330, h: 450, net_o: 690, o: 810, E: 900 };
const Y = { 1: 110, 2: 280 };
const NODES = {
  i1: [X.i, Y[1], "circle"], i2: [X.i, Y[2], "circle"],
  net_h1: [X.net_h, Y[1], "rect"], net_h2: [X.net_h, Y[2], "rect"], h1: [X.h, Y[1], "circle"], h2: [X.h, Y[2], "circle"],
  net_o1: [X.net_o, Y[1], "rect"], net_o2: [X.net_o, Y[2], "rect"], o1: [X.o, Y[1], "circle"], o2: [X.o, Y[2], "circle"],
  E: [X.E, (Y[1] + Y[2]) / 2, "circle"],
  b_h1: [X.net_h, 30, "param"], b_h2: [X.net_h, 360, "param"], b_o1: [X.net_o, 30, "param"], b_o2: [X.net_o, 360, "param"],
};
// weight -> [source neuron, the sum it feeds]
export const WEIGHT_EDGES = {
  w1: ["i1", "net_h1"], w2: ["i2", "net_h1"], w3: ["i1", "net_h2"], w4: ["i2", "net_h2"],
  w5: ["h1", "net_o1"], w6: ["h2", "net_o1"], w7: ["h1", "net_o2"], w8: ["h2", "net_o2"],
};
const PLAIN_EDGES = [
  ["net_h1", "h1"], ["net_h2", "h2"], ["net_o1", "o1"], ["net_o2", "o2"], ["o1", "E"], ["o2", "E"],
  ["b_h1", "net_h1"], ["b_h2", "net_h2"], ["b_o1", "net_o1"], ["b_o2", "net_o2"],
];

function make(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

// A factor's edge [from, to] -> the drawn edge's key; a weight's edge is its source neuron's.
export function edgeKey([from, to]) {
  const w = WEIGHT_EDGES[from];
  return w ? `${w[0]}>${w[1]}` : `${from}>${to}`;
}

export class NetworkGraph {
  constructor(svg) {
    this.svg = svg;
    this.edges = {};
    this.labels = {};
    this.nodes = {};
    this.values = {};
    this.draw();
  }

  draw() {
    const edgeLayer = make("g");
    const labelLayer = make("g");
    const nodeLayer = make("g");
    const line = (from, to) => {
      const [x1, y1] = NODES[from];
      const [x2, y2] = NODES[to];
      const path = make("line", { x1, y1, x2, y2, class: "edge", "data-edge": `${from}>${to}` });
      this.edges[`${from}>${to}`] = path;
      edgeLayer.append(path);
    };
    for (const [w, [from, to]] of Object.entries(WEIGHT_EDGES)) {
      line(from, to);
      const [x1, y1] = NODES[from];
      const [x2, y2] = NODES[to];
      const s = 0.68; // labels near the sum they feed, where crossing edges have separated
      const g = make("g", { class: "wlabel", "data-param": w, transform: `translate(${x1 + s * (x2 - x1)},${y1 + s * (y2 - y1)})` });
      g.append(make("rect", { x: -38, y: -11, width: 76, height: 22, rx: 5 }));
      const text = make("text", { y: 4 });
      g.append(text);
      this.labels[w] = { g, text };
      labelLayer.append(g);
    }
    for (const [from, to] of PLAIN_EDGES) line(from, to);
    for (const [id, [x, y, shape]] of Object.entries(NODES)) {
      const g = make("g", { class: `node${shape === "param" ? " param" : ""}`, "data-node": id });
      if (shape === "circle") g.append(make("circle", { cx: x, cy: y, r: 30 }));
      else if (shape === "rect") g.append(make("rect", { x: x - 42, y: y - 24, width: 84, height: 48, rx: 8 }));
      else g.append(make("rect", { x: x - 40, y: y - 17, width: 80, height: 34, rx: 6 }));
      const labelY = shape === "param" ? y - 1 : y - 4;
      g.append(make("text", { x, y: labelY, class: "name" }, id === "E" ? "E" : id.replace("_", " ")));
      const value = make("text", { x, y: shape === "param" ? y + 13 : y + 14, class: "value" }, "");
      g.append(value);
      this.nodes[id] = g;
      this.values[id] = value;
      nodeLayer.append(g);
    }
    this.svg.replaceChildren(edgeLayer, labelLayer, nodeLayer);
  }

  update(example) {
    const c = example.config;
    const values = { ...example.forward, i1: c.inputs[0], i2: c.inputs[1], E: example.loss, ...c.biases };
    for (const [id, text] of Object.entries(this.values)) text.textContent = id in values ? fixed(values[id]) : "";
    for (const [w, { text }] of Object.entries(this.labels)) text.textContent = `${w} = ${fixed(c.weights[w], 3)}`;
  }

  // hot: the edges of the factor being multiplied; done: those already in the product; param: ∂E/∂param
  highlight({ hot = [], done = [], param = null } = {}) {
    for (const [key, path] of Object.entries(this.edges)) {
      path.classList.toggle("hot", hot.includes(key));
      path.classList.toggle("done", !hot.includes(key) && done.includes(key));
    }
    for (const [w, { g }] of Object.entries(this.labels)) g.classList.toggle("target", w === param);
    for (const [id, g] of Object.entries(this.nodes)) g.classList.toggle("target", id === param);
  }
}

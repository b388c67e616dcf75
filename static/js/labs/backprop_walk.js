// The backward walk-through: one chain-rule factor per click, lit up on the graph, then the gradient.
import { t } from "../i18n.js";
import { $, fixed, table } from "./losses_util.js";
import { texToMathML } from "./tex_mathml.js";
import { edgeKey } from "./backprop_graph.js";

function mathCell(tex) {
  const td = document.createElement("td");
  td.append(texToMathML(tex));
  return td;
}

export class Walkthrough {
  constructor(graph, onMove) {
    this.graph = graph;
    this.onMove = onMove;
    this.example = null;
    this.param = 0;
    this.factor = 0;
    $("walk-prev").addEventListener("click", () => this.move(-1));
    $("walk-next").addEventListener("click", () => this.move(1));
    $("walk-param").addEventListener("change", () => this.go(Number($("walk-param").value), 0));
  }

  get steps() { return this.example?.walkthrough ?? []; }

  setExample(example, position = null) {
    this.example = example;
    const select = $("walk-param");
    select.replaceChildren(...this.steps.map((s, i) => new Option(
      `∂E/∂${s.param} · ${t(`backprop.layer.${s.layer}`)}`, i,
    )));
    if (position) [this.param, this.factor] = position;
    this.go(Math.min(this.param, this.steps.length - 1), this.factor);
  }

  move(delta) {
    const count = this.steps[this.param].factors.length;
    let [p, f] = [this.param, this.factor + delta];
    if (f >= count) [p, f] = [(p + 1) % this.steps.length, 0];
    if (f < 0) {
      p = (p - 1 + this.steps.length) % this.steps.length;
      f = this.steps[p].factors.length - 1;
    }
    this.go(p, f);
  }

  go(p, f) {
    this.param = p;
    this.factor = Math.min(f, this.steps[p].factors.length - 1);
    this.onMove?.([this.param, this.factor]);
    this.render();
  }

  render() {
    const step = this.steps[this.param];
    const k = this.factor;
    const last = k === step.factors.length - 1;
    $("walk-param").value = String(this.param);
    $("walk").dataset.param = step.param;
    $("walk").dataset.factor = String(k);
    $("walk-progress").textContent = t("backprop.step_of", { k: k + 1, n: step.factors.length });
    $("walk-formula").replaceChildren(texToMathML(step.latex, { display: true }));

    const rows = [];
    step.factors.forEach((factor, i) => {
      const tr = document.createElement("tr");
      tr.className = `walk-factor ${i === k ? "hot" : i > k ? "pending" : ""}`;
      tr.append(mathCell(factor.latex), mathCell(factor.expression));
      const value = document.createElement("td");
      value.textContent = i > k ? "" : fixed(factor.value, 6);
      tr.append(value);
      rows.push(tr);
      for (const term of factor.terms ?? []) {
        const sub = document.createElement("tr");
        sub.className = `walk-term ${i > k ? "pending" : ""}`;
        const label = document.createElement("td");
        label.textContent = t("backprop.via", { o: term.via });
        const product = document.createElement("td");
        product.append(...term.factors.map((tf, j) => {
          const span = document.createElement("span");
          span.append(j ? " · " : "", texToMathML(tf.latex), ` = ${fixed(tf.value, 4)}`);
          return span;
        }));
        const v = document.createElement("td");
        v.textContent = i > k ? "" : fixed(term.value, 6);
        sub.append(label, product, v);
        rows.push(sub);
      }
    });
    const box = document.createElement("table");
    box.className = "numbers";
    const head = box.createTHead().insertRow();
    for (const h of [t("backprop.factor"), "", t("backprop.factor_value")]) head.append(Object.assign(document.createElement("th"), { textContent: h }));
    box.createTBody().append(...rows);
    $("walk-factors").replaceChildren(box);

    const product = step.factors.slice(0, k + 1).reduce((acc, fct) => acc * fct.value, 1);
    const auto = this.example.autograd.gradients[step.param];
    $("walk-product").textContent = fixed(product, 9);
    $("walk-gradient").textContent = last ? fixed(step.gradient, 9) : "";
    $("walk-autograd").textContent = last ? fixed(auto, 9) : "";
    $("walk-diff").textContent = last ? Math.abs(step.gradient - auto).toExponential(1) : "";
    $("walk-update").textContent = last
      ? `${step.param}⁺ = ${fixed(step.update.old, 4)} − ${step.update.lr} × ${fixed(step.gradient, 6)} = ${fixed(step.update.new, 6)}`
      : "";

    const keys = (fs) => fs.flatMap((fct) => fct.edges.map(edgeKey));
    this.graph.highlight({ hot: keys([step.factors[k]]), done: keys(step.factors.slice(0, k)), param: step.param });
  }
}

export function renderTables(example) {
  const c = example.config;
  const w = c.weights;
  const b = c.biases;
  const fw = example.forward;
  const f = c.activation;
  const rows = [
    ["net_h1", `w1·i1 + w2·i2 + b_h1 = ${w.w1}·${c.inputs[0]} + ${w.w2}·${c.inputs[1]} + ${b.b_h1}`, fw.net_h1],
    ["h1", `${f}(net_h1)`, fw.h1],
    ["net_h2", `w3·i1 + w4·i2 + b_h2 = ${w.w3}·${c.inputs[0]} + ${w.w4}·${c.inputs[1]} + ${b.b_h2}`, fw.net_h2],
    ["h2", `${f}(net_h2)`, fw.h2],
    ["net_o1", `w5·h1 + w6·h2 + b_o1 = ${w.w5}·${fixed(fw.h1)} + ${w.w6}·${fixed(fw.h2)} + ${b.b_o1}`, fw.net_o1],
    ["o1", `${f}(net_o1)`, fw.o1],
    ["net_o2", `w7·h1 + w8·h2 + b_o2 = ${w.w7}·${fixed(fw.h1)} + ${w.w8}·${fixed(fw.h2)} + ${b.b_o2}`, fw.net_o2],
    ["o2", `${f}(net_o2)`, fw.o2],
    ["E", `½(${c.targets[0]} − o1)² + ½(${c.targets[1]} − o2)²`, example.loss],
    ["MSELoss", "nn.MSELoss()(o, t)", example.autograd.mse_loss],
  ];
  $("forward-table").replaceChildren(table(
    [t("backprop.forward_quantity"), t("backprop.forward_formula"), t("backprop.forward_value")],
    rows.map(([name, formula, value]) => [name, { text: formula, className: "guide-why" }, { text: fixed(value), className: "label-cell", title: String(value) }]),
  ));
  const g = example.gradients;
  $("gradients-table").replaceChildren(table(
    [t("backprop.param"), t("backprop.gradient"), t("backprop.autograd"), t("backprop.difference"), t("backprop.updated")],
    Object.keys(g).map((p) => [p, fixed(g[p], 9), fixed(example.autograd.gradients[p], 9),
      Math.abs(g[p] - example.autograd.gradients[p]).toExponential(1), fixed(example.updated[p], 6)]),
  ));
  $("max-diff").textContent = t("backprop.max_diff", { d: example.autograd_max_abs_diff.toExponential(2) });
}

// A small LaTeX subset to MathML, which browsers draw natively: formulas offline, with no library.
// Enough for the loss and back-propagation formulas: \frac, \sqrt, sub/superscripts, \sum/\log,
// \hat, \mathrm, \text, \mathbb, \left/\right, Greek letters and a few operators.
const NS = "http://www.w3.org/1998/Math/MathML";
const SYMBOLS = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", theta: "θ", lambda: "λ",
  mu: "μ", sigma: "σ", tau: "τ", phi: "φ", ell: "ℓ", partial: "∂", nabla: "∇", infty: "∞",
};
const OPERATORS = {
  cdot: "·", times: "×", le: "≤", ge: "≥", lt: "<", gt: ">", ne: "≠", approx: "≈", to: "→",
  leftarrow: "←", sum: "∑", mid: "|", lvert: "|", rvert: "|", Vert: "‖", "|": "‖", pm: "±", in: "∈",
};
const FUNCTIONS = new Set(["log", "exp", "max", "min", "tanh", "ln", "softmax", "sigmoid", "ReLU"]);

function tokenize(src) {
  const tokens = [];
  const re = /\\([a-zA-Z]+|.)|(\d+(?:\.\d+)?)|(\s+)|(.)/gy;
  let m;
  while ((m = re.exec(src)) !== null) {
    if (m[1] !== undefined) tokens.push({ kind: "command", value: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: "number", value: m[2] });
    else if (m[4] !== undefined) tokens.push({ kind: "char", value: m[4] });
  }
  return tokens;
}

function el(name, children = [], attrs = {}) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function leaf(name, text, attrs) {
  const node = el(name, [], attrs);
  node.textContent = text;
  return node;
}

class Parser {
  constructor(src) {
    this.tokens = tokenize(src);
    this.i = 0;
  }

  peek() { return this.tokens[this.i]; }
  next() { return this.tokens[this.i++]; }

  row(stop) {
    const items = [];
    while (this.i < this.tokens.length) {
      const tok = this.peek();
      if (tok.kind === "char" && tok.value === stop) { this.i++; break; }
      items.push(this.scripted());
    }
    return items.length === 1 ? items[0] : el("mrow", items);
  }

  // {text} read as raw characters, for \mathrm and \text
  raw() {
    if (this.peek()?.value !== "{") return this.next()?.value ?? "";
    this.i++;
    let text = "";
    let depth = 1;
    while (this.i < this.tokens.length) {
      const tok = this.next();
      if (tok.kind === "char" && tok.value === "{") depth++;
      if (tok.kind === "char" && tok.value === "}" && --depth === 0) break;
      text += tok.kind === "command" ? (tok.value === "," ? " " : tok.value) : tok.value;
    }
    return text;
  }

  scripted() {
    const base = this.atom();
    let sub = null;
    let sup = null;
    while (this.peek() && this.peek().kind === "char" && (this.peek().value === "_" || this.peek().value === "^")) {
      const which = this.next().value;
      const arg = this.atom();
      if (which === "_") sub = arg; else sup = arg;
    }
    const big = base.textContent === "∑";
    if (sub && sup) return el(big ? "munderover" : "msubsup", [base, sub, sup]);
    if (sub) return el(big ? "munder" : "msub", [base, sub]);
    if (sup) return el(big ? "mover" : "msup", [base, sup]);
    return base;
  }

  atom() {
    const tok = this.next();
    if (!tok) return el("mrow");
    if (tok.kind === "number") return leaf("mn", tok.value);
    if (tok.kind === "char") {
      if (tok.value === "{") return this.row("}");
      if (/[a-zA-Z]/.test(tok.value)) return leaf("mi", tok.value);
      return leaf("mo", tok.value === "-" ? "−" : tok.value);
    }
    const name = tok.value;
    if (name === "frac") return el("mfrac", [this.atom(), this.atom()]);
    if (name === "sqrt") return el("msqrt", [this.atom()]);
    if (name === "hat") return el("mover", [this.atom(), leaf("mo", "^")], { accent: "true" });
    if (name === "mathrm" || name === "operatorname") return leaf("mi", this.raw(), { mathvariant: "normal" });
    if (name === "text") return leaf("mtext", this.raw().replace(/^ +| +$/g, "\u00a0")); // MathML trims spaces
    if (name === "mathbb") return leaf("mi", this.raw() === "1" ? "𝟙" : this.raw(), { mathvariant: "double-struck" });
    if (name === "left" || name === "right") {
      const delim = this.next();
      return leaf("mo", delim?.kind === "command" ? OPERATORS[delim.value] ?? delim.value : delim?.value ?? "");
    }
    if (name === "," || name === ";" || name === "quad") return el("mspace", [], { width: name === "quad" ? "1em" : "0.2em" });
    if (name in SYMBOLS) return leaf("mi", SYMBOLS[name]);
    if (name in OPERATORS) return leaf("mo", OPERATORS[name]);
    if (FUNCTIONS.has(name)) return leaf("mi", name, { mathvariant: "normal" });
    return leaf("mtext", name);
  }
}

export function texToMathML(src, { display = false } = {}) {
  const parser = new Parser(src);
  const body = parser.row(null);
  return el("math", [body], display ? { display: "block" } : {});
}

// Render every element with data-tex inside root (templates write formulas this way).
export function renderTex(root = document) {
  for (const node of root.querySelectorAll("[data-tex]")) {
    node.replaceChildren(texToMathML(node.dataset.tex, { display: node.classList.contains("display") }));
  }
}

// Render the $…$ formulas inside the text of every element with data-tex-text (a sentence of the
// strings files that holds formulas: the prose stays text, each formula becomes MathML).
export function renderTexText(root = document) {
  for (const node of root.querySelectorAll("[data-tex-text]")) {
    const parts = node.textContent.split(/\$([^$]+)\$/);
    node.replaceChildren(...parts.map((part, i) => (i % 2 ? texToMathML(part) : part)));
  }
}

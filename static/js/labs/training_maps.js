// Decoding the network view's compact frame part and painting neuron maps on the boundary's colour scale.

// Playground's orange (negative, class 0) through the boundary's near-white to blue (positive, class 1)
const ORANGE = [245, 147, 34];
const WHITE = [244, 244, 244];
const BLUE = [8, 119, 189];
export const EDGE_COLORS = { positive: "#0877bd", negative: "#f59322" };

function bytes(b64) {
  const text = atob(b64 || "");
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function decodeFloats(b64) {
  return b64 ? new Float32Array(bytes(b64).buffer) : null;
}

// One map per neuron: {lo, hi, q} -> an array of Float32Array(side * side), rows of constant x2 from the bottom.
export function decodeMaps(packed, side) {
  if (!packed) return [];
  const q = bytes(packed.q);
  const n = side * side;
  const his = decodeFloats(packed.hi);
  return Array.from(decodeFloats(packed.lo), (lo, k) => {
    const step = (his[k] - lo) / 255;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = lo + q[k * n + i] * step;
    return values;
  });
}

function mix(a, b, u) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * u));
}

// u in [0, 1] -> colour, as the decision boundary's heatmap scale (0 orange, 0.5 white, 1 blue)
export function colourAt(u) {
  return u < 0.5 ? mix(ORANGE, WHITE, u / 0.5) : mix(WHITE, BLUE, (u - 0.5) / 0.5);
}

// The value range a layer's maps are coloured over: a sigmoid's (0, 1) and a tanh's (-1, 1) as
// they are, anything unbounded symmetric about 0 at the layer's largest magnitude (neurons compare).
export function layerRange(maps, activation) {
  if (activation === "sigmoid") return [0, 1];
  if (activation === "tanh") return [-1, 1];
  let m = 0;
  for (const values of maps) for (const v of values) m = Math.max(m, Math.abs(v));
  return [-(m || 1), m || 1];
}

export function paint(canvas, values, side, [lo, hi]) {
  if (canvas.width !== side) {
    canvas.width = side;
    canvas.height = side;
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(side, side);
  const span = hi - lo || 1;
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const u = Math.min(1, Math.max(0, (values[i * side + j] - lo) / span));
      const k = 4 * ((side - 1 - i) * side + j); // canvas rows run downwards, x2 upwards
      image.data.set([...colourAt(u), 255], k);
    }
  }
  ctx.putImageData(image, 0, 0);
}

// Gradient norms span many decades: a bar's length is its decade below the network's largest,
// over four decades (a vanishing layer shows as short bars, a dead unit as none).
export function gradBar(norm, largest) {
  if (!(norm > 0) || !(largest > 0)) return 0;
  return Math.max(0, Math.min(1, 1 + Math.log10(norm / largest) / 4));
}

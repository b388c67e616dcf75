// A chart's layout fitted to the box it is drawn in, so that nothing Plotly draws lies on something else:
// - the title is left-aligned and wrapped so that its first line ends before the modebar (the chart's
//   toolbar, top right, shown on hover): a centred one-line title ran under it on every narrow chart.
//   Where that costs the title lines (a phone: a 224 px row of buttons left "Loss per" 100 px beside it),
//   the modebar stands as a column at the right edge instead, and the title's lines use the width up to it;
// - a legend sits at the bottom of the figure, under the x-axis title, in a band of its own: Plotly puts
//   a legend at `y: -0.22` a fraction of the plot's height below it, while the tick labels and the axis
//   title need a fixed number of pixels, so on a short plot (a phone, a legend of several rows) the
//   legend ran over the axis title. The band is added to the figure's height, so the plot keeps its size;
// - every axis's tick labels push the margins (automargin): a confusion matrix's class names
//   ("T-shirt/top", "Ankle boot") were cut at the figure's edge.
// What can only be known once drawn (the modebar's width, the legend's rows, the axis labels' depth) is
// measured after each draw; when it differs from what the layout assumed, the chart is drawn again.
/* global Plotly */

const TITLE_PAD = { l: 10, t: 8 }; // px from the figure's left and top edges to the title
const GAP = 8; // px kept free between the title and the modebar, and between the axis title and the legend
// before a first draw could be measured; `modebar` is the width of the row of buttons, `column` that of the column
const GUESS = { modebar: 230, modebarBottom: 26, column: 26, axis: 48, row: 19, legendPad: 10 };
const LINE_SPACING = 1.3; // Plotly's line height, in font sizes
const RETRIES = 3; // redraws allowed per plot() call while measurements settle
const canvas = document.createElement("canvas");

// Draws `traces` into `el` with `layout` fitted to it (see above); returns Plotly's promise.
export function plot(el, traces, layout, config) {
  el.fitArgs = { traces, layout };
  el.fitRetries = 0;
  el.dataset.fit = "pending"; // tests wait for it to go: the chart is drawn as it will stay
  const seq = (el.fitSeq = (el.fitSeq || 0) + 1);
  return Plotly.react(el, traces, fitLayout(el, traces, layout), config).then(() => {
    if (!el.fitListening && el.on) {
      el.fitListening = true;
      // a resize (responsive charts), a relayout, a refit: each is checked once painted
      el.on("plotly_afterplot", () => {
        el.dataset.fit = "pending";
        requestAnimationFrame(() => check(el, el.fitSeq));
      });
    }
    requestAnimationFrame(() => check(el, seq));
  });
}

// After a draw: measure, and when the layout was fitted to other sizes, fit it again (a relayout of
// the fitted parts only, which keeps whatever else was changed since).
function check(el, seq) {
  if (seq !== el.fitSeq || !el.fitArgs) return; // a newer draw checks itself
  const seen = measure(el);
  const was = el.fitMeasures || {};
  const moved = seen && Object.keys(seen).some((k) => Math.abs((was[k] ?? -1e9) - seen[k]) > 2);
  // resized: fit again, but not in a loop (a scroll bar that comes and goes as charts grow)
  if (seen && was.width !== undefined && Math.abs(seen.width - was.width) > 2 && performance.now() - (el.fitResized ?? -1e9) > 500) {
    el.fitRetries = 0;
    el.fitResized = performance.now();
  }
  if (moved && el.fitRetries < RETRIES) {
    el.fitMeasures = { ...was, ...seen };
    el.fitRetries += 1;
    const { traces, layout } = el.fitArgs;
    const fitted = fitLayout(el, traces, layout);
    const update = { margin: fitted.margin };
    for (const key of ["title", "legend", "height", "modebar"]) if (fitted[key] !== undefined) update[key] = fitted[key];
    // a height set by relayout would fix the width too (Plotly turns autosize off): keep it responsive
    if (update.height !== undefined) update.autosize = true;
    el.dataset.fit = "pending";
    Plotly.relayout(el, update);
    return;
  }
  delete el.dataset.fit;
}

function measure(el) {
  const size = el._fullLayout?._size;
  const svg = el.querySelector(".main-svg");
  if (!size || !svg || !el.getClientRects().length) return null; // hidden: nothing to measure
  const top = svg.getBoundingClientRect().top;
  const seen = { width: el.clientWidth }; // a title's lines and a legend's rows follow the width
  const modebar = el.querySelector(".modebar");
  const bar = modebar?.getBoundingClientRect();
  // The row's size is known only from a draw as a row: a column's height guessed it 10-30 px short, so the
  // choice of row or column flipped between redraws and a title fitted beside the guess ran under the row.
  if (bar?.width > 0 && el._fullLayout.modebar?.orientation === "v") {
    Object.assign(seen, { column: bar.width, ...el.modebarRow });
  } else if (bar?.width > 0) {
    el.modebarRow = { modebar: bar.width, modebarBottom: Math.ceil(bar.bottom - top) };
    Object.assign(seen, el.modebarRow);
  }
  const bottom = top + size.t + size.h; // the plot area's lower edge
  let depth = 0;
  for (const node of el.querySelectorAll(".xtitle, .xtick text, [class^='x'][class$='title']")) {
    const r = node.getBoundingClientRect();
    if (r.height > 0 && r.top >= bottom - 1) depth = Math.max(depth, r.bottom - bottom);
  }
  if (depth > 0) seen.axis = Math.ceil(depth);
  const legend = el.querySelector(".legend");
  seen.legend = el._fullLayout.showlegend && legend ? Math.ceil(legend.getBoundingClientRect().height) : 0;
  return seen;
}

export function fitLayout(el, traces, layout) {
  const fitted = { ...layout, margin: { l: 60, r: 15, t: 35, b: 40, ...layout.margin } };
  const measured = el.fitMeasures || {};
  for (const key of ["xaxis", "yaxis", ...Object.keys(fitted)]) {
    if (/^[xy]axis\d*$/.test(key)) fitted[key] = fitAxis(key, fitted[key]);
  }
  let grown = 0; // px added to the figure's height, so that the plot area keeps its own
  const width = el.clientWidth;
  const title = typeof layout.title === "string" ? { text: layout.title } : layout.title;
  if (title?.text && width > 0) grown += fitTitle(fitted, title, width, {
    width: measured.modebar ?? GUESS.modebar, bottom: measured.modebarBottom ?? GUESS.modebarBottom,
    column: measured.column ?? GUESS.column });
  const legendShown = layout.showlegend ?? traces.filter((tr) => tr.showlegend !== false && tr.name).length > 1;
  if (legendShown && layout.legend?.orientation === "h") {
    const band = measured.legend || guessLegend(traces, layout, width);
    const b = Math.max(fitted.margin.b, measured.axis ?? GUESS.axis) + GAP + band;
    grown += b - fitted.margin.b;
    fitted.margin = { ...fitted.margin, b };
    fitted.legend = { ...layout.legend, x: 0, xanchor: "left", xref: "container", y: 0, yanchor: "bottom", yref: "container" };
  }
  if (layout.height) fitted.height = layout.height + grown;
  return fitted;
}

// An axis whose tick labels push the margins (automargin); a y-axis title keeps `GAP` px from its tick labels:
// without a standoff Plotly fits it into whatever margin the labels leave, so that the gradient norm's
// "‖∂loss/∂W‖" sat 2 px from its "5×10⁻⁴" ticks; with one, automargin makes room for it too.
function fitAxis(key, axis = {}) {
  const fitted = { automargin: true, ...axis };
  const title = typeof axis.title === "string" ? { text: axis.title } : axis.title;
  if (key.startsWith("y") && title?.text) fitted.title = { standoff: GAP, ...title };
  return fitted;
}

// The title at the top left, broken into lines: beside a row of modebar buttons the first ends `GAP`
// before it, the next start below it and may use the whole width; when a column of buttons lets the
// title take fewer lines, every line ends `GAP` before the column. The top margin grows by what the
// lines add (the px returned).
function fitTitle(fitted, title, width, modebar) {
  const size = title.font?.size ?? 14;
  const text = String(title.text);
  const beside = wrap(text, size, width - TITLE_PAD.l - modebar.width - GAP, width - 2 * TITLE_PAD.l);
  const columnWidth = width - TITLE_PAD.l - modebar.column - GAP;
  const besideColumn = wrap(text, size, columnWidth, columnWidth);
  const column = besideColumn.length < beside.length;
  const lines = column ? besideColumn : beside;
  fitted.modebar = { ...fitted.modebar, orientation: column ? "v" : "h" };
  const line = LINE_SPACING * size;
  // a line's glyphs start about 0.2 em below its padded top; the second line's, below a row of buttons
  const top = lines.length > 1 && !column ? Math.max(TITLE_PAD.t, modebar.bottom + 2 + 0.2 * size - line) : TITLE_PAD.t;
  fitted.title = {
    ...title, text: lines.join("<br>"), x: 0, xref: "container", xanchor: "left", y: 1, yref: "container",
    // Plotly lifts a title of several lines by 0.7 em above where one line would start: pad it back
    yanchor: "top", pad: { l: TITLE_PAD.l, t: top + (lines.length > 1 ? 0.7 * size : 0), r: 0, b: 0 },
  };
  const added = Math.ceil(top - TITLE_PAD.t + (lines.length - 1) * line);
  fitted.margin = { ...fitted.margin, t: fitted.margin.t + added };
  return added;
}

function textWidth(text, size) {
  const ctx = canvas.getContext("2d");
  ctx.font = `${size}px ${getComputedStyle(document.documentElement).fontFamily}`;
  return ctx.measureText(text.replace(/<[^>]*>/g, "")).width;
}

// Lines of `text` (its own breaks kept), broken at spaces and between Chinese characters, never between
// a word and the number after it ("Step 59", "degree 15"), nor after an opening bracket or before a
// closing one or a stop ("训练损失(交叉熵" over ")· 步数 3"). A piece too long for the first line's room
// starts on the second (the first left empty, beside the modebar).
const CJK = "\\u2e80-\\u9fff\\uff00-\\uffef\\u3000-\\u303f";
const OPEN = "(\\[（【「『";
const CLOSE = ")\\]）】」』、。，,：:；;！？!?·";
const PIECES = new RegExp(
  `<[^>]*>|[${OPEN}]*[${CJK}][${CLOSE}]*|\\s+|[^\\s<${CJK}]+(?: [0-9][^\\s<${CJK}]*)*`, "g");

export function wrap(text, size, firstWidth, width) {
  const out = [];
  for (const given of text.split(/<br\s*\/?>/i)) {
    let line = "";
    for (const piece of given.match(PIECES) || []) {
      const room = out.length === 0 ? firstWidth : width;
      const next = line + piece;
      if (/^\s+$/.test(piece) || textWidth(next.trimEnd(), size) <= room) {
        line = next;
      } else if (line.trim() || out.length === 0) {
        out.push(line.trimEnd());
        line = piece;
      } else line = next; // longer than a whole line: it stays whole
    }
    out.push(line.trimEnd());
  }
  return out;
}

// A first guess at a horizontal legend's height, before one has been drawn: Plotly's entries (a 40 px
// sample, the name, a gap) packed into rows of the figure's width.
function guessLegend(traces, layout, width) {
  const size = layout.legend?.font?.size ?? 11;
  let rows = 1;
  let x = 0;
  for (const tr of traces) {
    if (tr.showlegend === false || !tr.name) continue;
    const w = 46 + textWidth(String(tr.name), size);
    if (x > 0 && x + w > (width || 600) - 10) {
      rows += 1;
      x = 0;
    }
    x += w;
  }
  return rows * GUESS.row + GUESS.legendPad;
}

// Every chart's numbers as a table, for readers who cannot use the picture (a screen reader, the
// keyboard, a colour-blind eye): a "Data table" <details> under each Plotly chart, built from the
// chart's own traces (gd.data) when opened, and rebuilt after each redraw while it stays open.
// Self-contained: charts.js starts it with one call; no lab module needs to know.
import { t } from "./i18n.js";

const MAX_ROWS = 120; // a long curve is shown every k-th point; the caption says so
const MAX_GRID = 24; // a contour's z is shown on at most 24 × 24 of its grid points

export function watchCharts(root = document.body) {
  // Plotly adds a .plot-container to a chart's div the first time it draws it.
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.classList?.contains("plot-container") && node.parentElement) attach(node.parentElement);
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
}

function attach(gd) {
  if (gd.chartTable) return;
  const details = document.createElement("details");
  details.className = "chart-data";
  const summary = document.createElement("summary");
  summary.textContent = t("common.data_table");
  const body = document.createElement("div");
  body.className = "chart-data-body";
  details.append(summary, body);
  gd.chartTable = details;
  const beside = placeBeside(gd, details);
  const label = () => { // beside its row's other tables: say which chart it is, as its title says now
    const title = plain(gd.layout?.title?.text ?? gd.layout?.title);
    const text = title ? `${t("common.data_table")} · ${title}` : t("common.data_table");
    if (summary.textContent !== text) summary.textContent = text;
  };
  if (beside) label();
  let queued = false;
  const render = () => {
    queued = false;
    if (details.open && gd.isConnected) body.replaceChildren(...tables(gd));
  };
  details.addEventListener("toggle", render);
  gd.on?.("plotly_afterplot", () => {
    if (beside) label(); // a title carries the step ("· Step 3"): the label must not stay at step 0
    if (details.open && !queued) {
      queued = true;
      requestAnimationFrame(render); // a run draws many frames a second: one table per painted frame
    }
  });
}

// Under the chart; when the chart is a cell of a grid row, under that row (not as a cell of its own):
// true when so placed.
function placeBeside(gd, details) {
  let anchor = gd;
  while (anchor.parentElement && getComputedStyle(anchor.parentElement).display.includes("grid")) {
    anchor = anchor.parentElement;
  }
  if (anchor === gd) {
    gd.after(details);
    return false;
  }
  let shelf = anchor.nextElementSibling;
  if (!shelf?.classList.contains("chart-data-shelf")) {
    shelf = document.createElement("div");
    shelf.className = "chart-data-shelf";
    anchor.after(shelf);
  }
  shelf.append(details);
  return true;
}

function tables(gd) {
  const layout = gd.layout ?? {};
  const out = [];
  (gd.data ?? []).forEach((trace, k) => {
    if (trace.visible === false) return;
    const name = plain(trace.name) || plain(layout.title?.text) || t("common.series", { n: k + 1 });
    const table = Array.isArray(trace.z?.[0]) ? gridTable(trace, layout) : seriesTable(trace, layout);
    if (!table) return;
    const caption = table.createCaption();
    caption.textContent = table.dataset.note ? `${name} (${table.dataset.note})` : name;
    out.push(table);
  });
  if (!out.length) out.push(Object.assign(document.createElement("p"), { textContent: t("common.no_data") }));
  return out;
}

function seriesTable(trace, layout) {
  const columns = [["x", trace.x], ["y", trace.y], ["z", trace.z]].filter(([, v]) => Array.isArray(v) && v.length);
  if (!columns.length) return null;
  const n = Math.max(...columns.map(([, v]) => v.length));
  const every = Math.ceil(n / MAX_ROWS);
  const rows = [];
  for (let i = 0; i < n; i += every) rows.push(columns.map(([, v]) => v[i]));
  if (every > 1 && (n - 1) % every) rows.push(columns.map(([, v]) => v[n - 1])); // the last point too
  const table = build(columns.map(([axis]) => axisTitle(layout, trace, axis)), rows);
  if (every > 1) table.dataset.note = t("common.every_kth", { k: every, n });
  return table;
}

function gridTable(trace, layout) {
  const z = trace.z;
  const ny = z.length;
  const nx = z[0].length;
  const sy = Math.ceil(ny / MAX_GRID);
  const sx = Math.ceil(nx / MAX_GRID);
  const xs = [];
  for (let j = 0; j < nx; j += sx) xs.push(j);
  const head = [`${axisTitle(layout, trace, "y")} \\ ${axisTitle(layout, trace, "x")}`,
    ...xs.map((j) => (trace.x ? trace.x[j] : j))];
  const rows = [];
  for (let i = 0; i < ny; i += sy) rows.push([trace.y ? trace.y[i] : i, ...xs.map((j) => z[i][j])]);
  const table = build(head, rows);
  if (sx > 1 || sy > 1) table.dataset.note = t("common.grid_every", { ny, nx });
  return table;
}

function axisTitle(layout, trace, axis) {
  if (axis === "z") return plain(layout.scene?.zaxis?.title?.text) || "z";
  const ref = trace[`${axis}axis`] ?? axis; // "x", "x2", ...
  const spec = trace.type === "scatter3d" || trace.type === "surface"
    ? layout.scene?.[`${axis}axis`] : layout[`${axis}axis${ref.slice(1)}`];
  return plain(spec?.title?.text ?? spec?.title) || axis;
}

function build(head, rows) {
  const table = document.createElement("table");
  table.className = "numbers";
  const tr = table.createTHead().insertRow();
  for (const h of head) tr.append(Object.assign(document.createElement("th"), { scope: "col", textContent: cell(h) }));
  const tbody = table.createTBody();
  for (const row of rows) {
    const r = tbody.insertRow();
    for (const v of row) r.insertCell().textContent = cell(v);
  }
  return table;
}

function cell(v) {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5)));
  return plain(String(v));
}

// Plotly titles and names may carry <b>, <br> and <sub>: the table shows their text.
function plain(text) {
  if (typeof text !== "string") return "";
  return text.replace(/<br\s*\/?>/gi, " ").replace(/<[^>]*>/g, "").trim();
}

watchCharts(); // started by importing this module (charts.js does)

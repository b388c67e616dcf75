// What a page exports: every chart's data as CSV (a modebar button beside Plotly's PNG one: the curves,
// the histogram counts, the paths, the surfaces, exactly the numbers drawn), and the run on screen as
// one .py file: its whole config as JSON in the header comment, then the code panel's script.
import { t } from "./i18n.js";
import { plotlyReady } from "./plotly_loader.js";

// A table with a downward arrow (Plotly draws modebar icons from one SVG path in a 1000-unit box).
const CSV_ICON = {
  width: 1000, height: 1000,
  path: "M100 100h800v140H100zM100 320h340v120H100zm460 0h340v120H560zM100 520h340v120H100zm460 0h340v120H560z"
    + "M430 700h140v110h120L500 980 310 810h120z",
};

const CSV_BUTTON = {
  name: "csv",
  get title() { return t("export.csv"); }, // read when a chart is made, after the page's strings
  icon: CSV_ICON,
  click: (gd) => download(`${pageName()}-${gd.id || "chart"}.csv`, chartCsv(gd), "text/csv"),
};

// Plotly 4's modebar would also offer "Share chart...", which posts the chart to cloud.plotly.com:
// a classroom's data stays here (and the room may be offline).
plotlyReady.then((Plotly) => Plotly.setPlotConfig({ modeBarButtonsToAdd: [CSV_BUTTON], showSendToCloud: false }));

const cell = (v) => {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const at = (values, i) => (values && values.length !== undefined ? values[i] : i);

// One row per drawn value: a point of a line, a bar (a histogram's bin centre and count), a cell of a
// contour, heatmap or surface (its x and y with z), a point of a 3D path.
export function traceRows(trace, index) {
  const name = (trace.name || `${trace.type || "scatter"} ${index + 1}`).replace(/<br\s*\/?>/g, " ").replace(/<[^>]*>/g, "");
  const rows = [];
  const grid = Array.isArray(trace.z) && Array.isArray(trace.z[0]);
  if (grid) {
    trace.z.forEach((row, i) => row.forEach((z, j) => rows.push([name, at(trace.x, j), at(trace.y, i), z])));
  } else {
    const n = Math.max(trace.x?.length ?? 0, trace.y?.length ?? 0, trace.z?.length ?? 0);
    for (let i = 0; i < n; i++) rows.push([name, at(trace.x, i), at(trace.y, i), trace.z ? trace.z[i] : null]);
  }
  return rows;
}

export function chartCsv(gd) {
  const rows = [["trace", "x", "y", "z"], ...(gd.data ?? []).flatMap(traceRows)];
  return `\ufeff${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`; // BOM: spreadsheets read UTF-8 names
}

function pageName() {
  return location.pathname.split("/").filter(Boolean).pop() || "gradlab";
}

function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// The run on screen: its config as the server holds it (with every default), from the socket's
// "started" and "attached" answers; before any, the config the form would start.
const shown = { lab: null, runId: null, config: null, formConfig: () => null };

export function trackRun({ socket, lab, getConfig }) {
  Object.assign(shown, { lab, formConfig: getConfig });
  const keep = (m) => Object.assign(shown, { runId: m.run_id, config: m.config ?? shown.config });
  socket.on("started", keep);
  socket.on("attached", keep);
}

export function configFile(code, { lab, runId, config }) {
  const json = JSON.stringify(config, null, 2).split("\n").map((line) => `# ${line}`);
  const run = runId ? `run ${runId}` : "not yet started";
  return [`# GradLab · ${lab} lab · ${run} · exported ${new Date().toISOString()}`,
    "# The run's config (JSON), every field as the server ran it:", ...json, "", code.trimEnd(), ""].join("\n");
}

document.addEventListener("click", (event) => {
  const button = event.target.closest?.("[data-action=download-code]");
  if (!button) return;
  const config = shown.config ?? shown.formConfig();
  const code = document.getElementById("code")?.textContent ?? "";
  const lab = shown.lab ?? pageName();
  download(`gradlab-${lab}${shown.runId ? `-${shown.runId}` : ""}.py`,
    configFile(code, { lab, runId: shown.config ? shown.runId : null, config }), "text/x-python");
});

// The panels beside the surface: each racer's optimiser state, the swarm's counts and basins.
import { t } from "../i18n.js";
import { PALETTE, baseLayout, formatValue, plot } from "../charts.js";

// optimizer.state keys in the order the notes introduce them: velocity, then squared averages, then Adam's
const QUANTITIES = ["point", "grad", "momentum_buffer", "sum", "square_avg", "grad_avg", "exp_avg", "exp_avg_sq",
  "max_exp_avg_sq", "m_hat", "v_hat", "update"];
const BASIN_COLORS = PALETTE; // the minima, in the colour-blind-safe set
const OTHER = { "-1": "#b8bfcc", "-2": "#1d2433", "-3": "#b42318" };

function cell(row, value) {
  const td = row.insertCell();
  td.textContent = formatValue(value);
  if (value !== null && value !== undefined) td.dataset.value = String(value);
  return td;
}

function vectorOf(state, key) {
  if (key === "point" || key === "grad" || key === "update") return state[key];
  return state.state[key];
}

export function renderStateCards(el, racers) {
  el.classList.add("cards");
  const cards = racers.map((r, i) => {
    const card = document.createElement("div");
    card.className = "state-card" + (r.diverged ? " diverged" : "");
    card.dataset.racer = String(i);
    card.style.setProperty("--swatch", PALETTE[i % PALETTE.length]);
    const title = document.createElement("h4");
    title.textContent = r.label;
    const table = document.createElement("table");
    table.className = "numbers";
    const head = table.createTHead().insertRow();
    for (const h of ["", "x", "y"]) head.append(Object.assign(document.createElement("th"), { textContent: h }));
    const body = table.createTBody();
    for (const key of QUANTITIES) {
      const v = vectorOf(r.state, key);
      if (!v) continue;
      const row = body.insertRow();
      row.dataset.q = key;
      // "momentum_buffer" may break after its underscore (a zero-width space); numbers never break
      row.insertCell().textContent = t(`optimizers.q.${key}`).replaceAll("_", "_\u200b");
      cell(row, v[0]);
      cell(row, v[1]);
    }
    const value = body.insertRow();
    value.dataset.q = "value";
    value.insertCell().textContent = "f(θ)";
    cell(value, r.state.value).colSpan = 2;
    const lr = body.insertRow();
    lr.dataset.q = "lr";
    lr.insertCell().textContent = t("optimizers.q.lr");
    cell(lr, r.state.hyper.lr).colSpan = 2;
    card.append(title, table);
    return card;
  });
  el.replaceChildren(...cards);
}

export function renderCounts(el, clouds, minima) {
  el.classList.remove("cards");
  const table = document.createElement("table");
  table.className = "numbers";
  table.id = "swarm-counts";
  const head = table.createTHead().insertRow();
  const headers = ["", ...minima.map((m) => `(${formatValue(m[0])}, ${formatValue(m[1])})`),
    t("optimizers.moving"), t("optimizers.escaped"), t("common.diverged")];
  headers.forEach((h, k) => {
    const th = document.createElement("th");
    th.textContent = h;
    if (k > 0 && k <= minima.length) th.style.color = BASIN_COLORS[(k - 1) % BASIN_COLORS.length];
    head.append(th);
  });
  const body = table.createTBody();
  clouds.forEach((c, i) => {
    const row = body.insertRow();
    row.dataset.cloud = String(i);
    const name = row.insertCell();
    name.textContent = c.label;
    name.style.color = PALETTE[i % PALETTE.length];
    for (const n of [...c.counts.minima, c.counts.moving, c.counts.escaped, c.counts.diverged]) {
      row.insertCell().textContent = String(n);
    }
  });
  const scroll = document.createElement("div");
  scroll.className = "counts-scroll";
  scroll.append(table);
  el.replaceChildren(scroll);
}

export function renderBasins(el, starts, cloud, domain) {
  const colors = cloud.basin.map((b) => (b >= 0 ? BASIN_COLORS[b % BASIN_COLORS.length] : OTHER[String(b)]));
  // squares about one grid cell wide: the starts tile the map
  const side = Math.sqrt(starts.length || 1);
  const size = Math.max(3, Math.min(16, (Math.min(el.clientWidth || 400, 300) / side) * 0.9));
  plot(el, [{
    type: "scatter", mode: "markers", x: starts.map((p) => p[0]), y: starts.map((p) => p[1]),
    marker: { color: colors, size, symbol: "square" },
    hoverinfo: "x+y", showlegend: false,
  }], baseLayout({
    height: 380, xaxis: { range: domain[0], title: { text: "x" }, constrain: "domain" },
    yaxis: { range: domain[1], title: { text: "y" }, scaleanchor: "x", constrain: "domain" },
    margin: { l: 50, r: 15, t: 15, b: 40 }, uirevision: "keep",
  }), { displaylogo: false, responsive: true });
}

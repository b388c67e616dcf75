// One neuron shown large beside the network: its map (and, with batch norm, its normalised
// pre-activation), its statistics and its incoming weights with their current gradients.
import { t } from "../i18n.js";
import { formatValue } from "../charts.js";
import { layerRange, paint } from "./training_maps.js";

export class NeuronPanel {
  constructor(el) {
    this.el = el;
    this.title = el.querySelector("#neuron-title");
    this.large = el.querySelector("#neuron-map");
    this.normed = el.querySelector("#neuron-normed");
    this.normedBox = el.querySelector("#neuron-normed-box");
    this.stats = el.querySelector("#neuron-stats");
    this.weights = el.querySelector("#neuron-weights");
    this.reset();
  }

  reset() {
    this.pinned = { c: 1, r: 0 }; // the first hidden neuron until the student picks one
    this.hovered = null;
  }

  current() {
    return this.hovered || this.pinned;
  }

  show(info, side, activation) {
    if (!info) return;
    this.title.textContent = info.title;
    paint(this.large, info.map, side, info.range);
    this.normedBox.hidden = !info.normed;
    if (info.normed) paint(this.normed, info.normed, side, layerRange([info.normed], "linear"));
    const rows = [];
    const s = info.stats;
    if (s) {
      rows.push([t("training.net.bias"), formatValue(s.bias)], [t("training.net.mean"), formatValue(s.mean)],
        [t("training.net.std"), formatValue(s.std)]);
      if (s.inactive !== null && !info.output) {
        rows.push([t(`training.net.inactive.${activation}`), `${(100 * s.inactive).toFixed(1)}%`]);
      }
      rows.push([t("training.net.grad_norm"), formatValue(s.grad_norm)]);
      if (s.dropped !== null) rows.push([t("training.net.dropped"), `${(100 * s.dropped).toFixed(0)}%`]);
    }
    this.stats.replaceChildren(...rows.flatMap(([k, v]) => [
      Object.assign(document.createElement("dt"), { textContent: k }),
      Object.assign(document.createElement("dd"), { textContent: v }),
    ]));
    this.table(info);
  }

  table(info) {
    if (!info.incoming || !info.incoming.length) {
      this.weights.replaceChildren();
      if (info.hiddenInputs) this.weights.textContent = t("training.net.inputs_hidden");
      return;
    }
    const table = document.createElement("table");
    table.className = "numbers";
    const head = table.createTHead().insertRow();
    for (const h of [t("training.net.from"), t("training.net.weight"), t("training.net.gradient")]) {
      head.append(Object.assign(document.createElement("th"), { textContent: h }));
    }
    const body = table.createTBody();
    for (const e of info.incoming) {
      const row = body.insertRow();
      row.insertCell().textContent = e.from;
      row.insertCell().textContent = formatValue(e.w);
      row.insertCell().textContent = e.g === null ? "—" : formatValue(e.g);
      row.cells[1].className = e.w >= 0 ? "pos" : "neg";
    }
    this.weights.replaceChildren(table);
  }
}

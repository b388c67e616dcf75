// The racer cards: one torch.optim optimiser each, its hyperparameters named as torch.optim names them.
import { t } from "../i18n.js";
import { PALETTE } from "../charts.js";

export const MAX_RACERS = 8;
const BOOLEANS = ["centered", "amsgrad"];
// read by torch only when the state is created, so they change on restart, not mid-run
export const RESTART_ONLY = ["centered", "amsgrad", "initial_accumulator_value"];

export class RacerCards {
  constructor(el, addButton, { kinds, onEdit, onStructure }) {
    this.el = el;
    this.addButton = addButton;
    this.kinds = kinds; // name -> {defaults}
    this.onEdit = onEdit; // (index, key, value): a hyperparameter changed
    this.onStructure = onStructure; // a racer was added, removed or renamed
    this.racers = [];
    addButton.addEventListener("click", () => {
      if (this.racers.length >= MAX_RACERS) return;
      this.racers.push({ name: "adam", lr: 0.05 });
      this.render(this.racers);
      this.onStructure();
    });
  }

  render(racers) {
    this.racers = racers;
    this.el.replaceChildren(...racers.map((r, i) => this.card(r, i)));
    this.addButton.disabled = racers.length >= MAX_RACERS;
  }

  card(racer, i) {
    const card = document.createElement("div");
    card.className = "method-card racer-card";
    card.dataset.racer = String(i);
    card.style.setProperty("--swatch", PALETTE[i % PALETTE.length]);
    const select = document.createElement("select");
    select.className = "racer-name";
    for (const name of Object.keys(this.kinds)) select.add(new Option(t(`optimizers.name.${name}`), name, false, name === racer.name));
    select.addEventListener("change", () => {
      this.racers[i] = { name: select.value, ...(racer.lr !== undefined ? { lr: racer.lr } : {}) };
      this.render(this.racers);
      this.onStructure();
    });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "×";
    remove.title = t("common.remove");
    remove.disabled = this.racers.length <= 1;
    remove.addEventListener("click", () => {
      this.racers.splice(i, 1);
      this.render(this.racers);
      this.onStructure();
    });
    card.append(remove, select);
    const defaults = this.kinds[racer.name].defaults;
    const checks = document.createElement("div");
    checks.className = "checks";
    for (const [key, fallback] of Object.entries(defaults)) {
      if (BOOLEANS.includes(key)) checks.append(this.checkbox(racer, i, key, fallback));
      else if (key === "betas") card.append(this.betas(racer, i, fallback));
      else card.append(this.number(racer, i, key, fallback));
    }
    if (checks.childElementCount) card.append(checks);
    return card;
  }

  number(racer, i, key, fallback) {
    const label = document.createElement("label");
    label.className = "field";
    label.append(key);
    const input = Object.assign(document.createElement("input"), { type: "number", step: "any" });
    input.dataset.key = key;
    input.value = racer[key] ?? fallback;
    if (RESTART_ONLY.includes(key)) label.title = t("optimizers.restart_needed");
    input.addEventListener("change", () => {
      const value = Number(input.value);
      if (input.value === "" || !Number.isFinite(value)) return;
      racer[key] = value;
      this.onEdit(i, key, value);
    });
    label.append(input);
    return label;
  }

  betas(racer, i, fallback) {
    const label = document.createElement("div");
    label.className = "field";
    label.append("betas");
    const pair = document.createElement("span");
    pair.className = "pair";
    const current = racer.betas ?? fallback;
    const inputs = current.map((b, k) => {
      const input = Object.assign(document.createElement("input"), { type: "number", step: "any", value: b });
      input.dataset.key = `betas.${k}`;
      input.setAttribute("aria-label", `beta${k + 1}`);
      return input;
    });
    for (const input of inputs) {
      input.addEventListener("change", () => {
        const value = inputs.map((x) => Number(x.value));
        if (!value.every(Number.isFinite)) return;
        racer.betas = value;
        this.onEdit(i, "betas", value);
      });
    }
    pair.append(...inputs);
    label.append(pair);
    return label;
  }

  checkbox(racer, i, key, fallback) {
    const label = document.createElement("label");
    label.title = t("optimizers.restart_needed");
    const input = Object.assign(document.createElement("input"), { type: "checkbox", checked: racer[key] ?? fallback });
    input.dataset.key = key;
    input.addEventListener("change", () => {
      racer[key] = input.checked;
      this.onEdit(i, key, input.checked);
    });
    label.append(input, key);
    return label;
  }
}

// The racer cards: one torch.optim optimiser each, its hyperparameters named as torch.optim names them.
// What a racer may set, its bounds and how many may race come from the lab's spec (its Racer schema);
// each optimiser's defaults and which of them may change mid-run from GET /api/optimizers/optimizers.
import { t } from "../i18n.js";
import { PALETTE } from "../charts.js";
import { clampNumber, resolve } from "../state.js";

// A racer as the page keeps it: only the fields set (the spec's defaults list every field, unset as null).
export function withoutNulls(racer) {
  return Object.fromEntries(Object.entries(racer).filter(([, v]) => v !== null && v !== undefined));
}

function nonNull(node) {
  return node.anyOf?.find((b) => b.type !== "null") ?? node;
}

export class RacerCards {
  constructor(el, addButton, { kinds, spec, onEdit, onStructure }) {
    this.el = el;
    this.addButton = addButton;
    this.kinds = kinds; // name -> {defaults, live}
    const list = spec.schema.properties.optimizers;
    this.schema = resolve(list.items, spec.schema).properties; // the Racer's fields
    this.limits = { min: list.minItems ?? 1, max: list.maxItems };
    this.fresh = withoutNulls(spec.defaults.optimizers.at(-1)); // what "add" puts in: the default race's last
    this.onEdit = onEdit; // (index, key, value, live): a hyperparameter changed
    this.onStructure = onStructure; // a racer was added, removed or renamed
    this.racers = [];
    addButton.addEventListener("click", () => {
      if (this.racers.length >= this.limits.max) return;
      this.racers.push(structuredClone(this.fresh));
      this.render(this.racers);
      this.onStructure();
    });
  }

  render(racers) {
    this.racers = racers;
    this.el.replaceChildren(...racers.map((r, i) => this.card(r, i)));
    this.addButton.disabled = racers.length >= this.limits.max;
  }

  card(racer, i) {
    const card = document.createElement("div");
    card.className = "method-card racer-card";
    card.dataset.racer = String(i);
    card.style.setProperty("--swatch", PALETTE[i % PALETTE.length]);
    const select = document.createElement("select");
    select.className = "racer-name";
    for (const name of this.schema.name.enum) select.add(new Option(t(`optimizers.name.${name}`), name, false, name === racer.name));
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
    remove.disabled = this.racers.length <= this.limits.min;
    remove.addEventListener("click", () => {
      this.racers.splice(i, 1);
      this.render(this.racers);
      this.onStructure();
    });
    card.append(remove, select);
    const { defaults, live } = this.kinds[racer.name];
    const checks = document.createElement("div");
    checks.className = "checks";
    for (const [key, fallback] of Object.entries(defaults)) {
      const node = nonNull(this.schema[key]);
      const field = { racer, i, key, fallback, node, live: live.includes(key) };
      if (node.type === "boolean") checks.append(this.checkbox(field));
      else if (node.type === "array") card.append(this.betas(field));
      else card.append(this.number(field));
    }
    if (checks.childElementCount) card.append(checks);
    return card;
  }

  number({ racer, i, key, fallback, node, live }) {
    const label = document.createElement("label");
    label.className = "field";
    label.append(key);
    const input = Object.assign(document.createElement("input"), { type: "number", step: "any" });
    input.dataset.key = key;
    const low = node.minimum ?? node.exclusiveMinimum;
    if (low !== undefined) input.min = low;
    if (node.maximum !== undefined) input.max = node.maximum;
    input.value = racer[key] ?? fallback;
    if (!live) label.title = t("optimizers.restart_needed");
    input.addEventListener("change", () => {
      const value = input.value === "" ? undefined : clampNumber(node, Number(input.value));
      if (value === undefined) { // not a value this hyperparameter takes: show the one in force
        input.value = racer[key] ?? fallback;
        return;
      }
      input.value = value;
      racer[key] = value;
      this.onEdit(i, key, value, live);
    });
    label.append(input);
    return label;
  }

  betas({ racer, i, key, fallback, node, live }) {
    const label = document.createElement("div");
    label.className = "field";
    label.append(key);
    const pair = document.createElement("span");
    pair.className = "pair";
    const current = racer[key] ?? fallback;
    const inputs = current.map((b, k) => {
      const input = Object.assign(document.createElement("input"), { type: "number", step: "any", value: b });
      Object.assign(input, { min: node.prefixItems[k].minimum, max: node.prefixItems[k].maximum });
      input.dataset.key = `${key}.${k}`;
      input.setAttribute("aria-label", `beta${k + 1}`);
      return input;
    });
    for (const input of inputs) {
      input.addEventListener("change", () => {
        const value = inputs.map((x, k) => clampNumber(node.prefixItems[k], x.value === "" ? NaN : Number(x.value)));
        if (value.includes(undefined)) {
          inputs.forEach((x, k) => { x.value = (racer[key] ?? fallback)[k]; });
          return;
        }
        inputs.forEach((x, k) => { x.value = value[k]; });
        racer[key] = value;
        this.onEdit(i, key, value, live);
      });
    }
    pair.append(...inputs);
    label.append(pair);
    return label;
  }

  checkbox({ racer, i, key, fallback, live }) {
    const label = document.createElement("label");
    label.title = t("optimizers.restart_needed");
    const input = Object.assign(document.createElement("input"), { type: "checkbox", checked: racer[key] ?? fallback });
    input.dataset.key = key;
    input.addEventListener("change", () => {
      racer[key] = input.checked;
      this.onEdit(i, key, input.checked, live);
    });
    label.append(input, key);
    return label;
  }
}

// The network's numbers in the Back-propagation form: inputs, targets, weights and biases, one input per
// value, built from the lab's spec (its names, bounds and defaults), never from the template.
import { clampNumber, fieldSchema, resolve } from "../state.js";
import { showValue } from "../typing.js";

// The number a nested value may be: the non-null branch of its schema.
function numberNode(node, root) {
  node = resolve(node, root);
  return resolve(node?.anyOf?.find((b) => b.type !== "null") ?? node, root);
}

// [{group, key, label, node}] for a config field: a pair's positions (i1, i2 for inputs, t1, t2 for
// targets) or an object's properties. An object property the defaults leave null is an alias (the
// notes' b1 and b2 set a layer at once): the form shows the per-neuron values it stands for.
function slots(spec, group) {
  const node = fieldSchema(spec, group);
  const root = spec.schema;
  if (node.prefixItems) {
    return node.prefixItems.map((item, i) => ({
      group, key: i, label: `${group[0]}${i + 1}`, node: numberNode(item, root),
    }));
  }
  const defaults = spec.defaults[group] ?? {};
  return Object.entries(node.properties)
    .filter(([key]) => typeof defaults[key] === "number")
    .map(([key, sub]) => ({ group, key, label: key, node: numberNode(sub, root) }));
}

export class ValueInputs {
  // `root`: the form; its `[data-group]` boxes name the config fields they hold (space-separated).
  constructor(root, spec, config, onChange) {
    Object.assign(this, { spec, config, onChange });
    this.inputs = [];
    for (const box of root.querySelectorAll("[data-group]")) {
      for (const group of box.dataset.group.split(" ")) {
        for (const slot of slots(spec, group)) box.append(this.input(slot));
      }
    }
    this.write();
  }

  input({ group, key, label, node }) {
    const wrap = document.createElement("label");
    const input = Object.assign(document.createElement("input"), { type: "number", step: "any" });
    input.dataset.value = label; // w5, b_h1, i1 ...: what the tests and the graph call it
    if (node.minimum !== undefined) input.min = node.minimum;
    if (node.maximum !== undefined) input.max = node.maximum;
    input.addEventListener("change", () => {
      const value = clampNumber(node, Number(input.value));
      if (input.value === "" || value === undefined) {
        input.value = this.config[group][key]; // not a value this field takes: show the one in force
        return;
      }
      this.config[group][key] = value;
      input.value = value;
      this.onChange(group);
    });
    this.inputs.push({ input, group, key });
    wrap.append(label, input);
    return wrap;
  }

  write() {
    for (const { input, group, key } of this.inputs) showValue(input, this.config[group]?.[key] ?? "");
  }
}

// `config` given its values as the lab computes them (the example's `config`: every weight and bias
// spelled out per neuron), for the form and the URL. In place: the form holds this object.
export function spelledOut(config, computed) {
  return Object.assign(config, {
    inputs: computed.inputs, targets: computed.targets,
    weights: { ...computed.weights }, biases: { ...computed.biases },
  });
}

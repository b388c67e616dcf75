// A page's state lives in the URL hash, so a link (or a reload) reproduces the view.
//
// A live lab's page keeps `{config, view}`: `config` is what a run is started with and the only part
// sent to the server; `view` is how the page shows it (a tab, a checkbox). Both are checked against
// the lab's spec (GET /api/labs/<lab>/spec, derived from the lab's own declarations) when a hash is
// loaded: unknown keys are dropped, numbers clamped to their bounds, anything else invalid falls back
// to its default, so an old or hand-edited URL never breaks a page.

function readHash() {
  try {
    const parsed = JSON.parse(decodeURIComponent(location.hash.slice(1)) || "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {}; // a hash that does not parse: start from the defaults
  }
}

export function loadHash(defaults) {
  return { ...structuredClone(defaults), ...readHash() };
}

export function saveHash(state) {
  history.replaceState(null, "", `#${encodeURIComponent(JSON.stringify(state))}`);
}

export async function loadSpec(lab) {
  const response = await fetch(`/api/labs/${lab}/spec`);
  if (!response.ok) throw new Error(`no spec for the ${lab} lab (${response.status})`);
  return response.json();
}

// `{config, view}` from the URL hash. `view` gives the view's defaults; `viewChoices` the allowed values
// of its string fields; `migrate(raw)` may rewrite what an older page wrote. A hash of the older flat
// shape is read too: its keys are sorted by name.
export function loadState(spec, view, viewChoices = {}, migrate = (raw) => raw) {
  const raw = migrate(readHash());
  const flat = !("config" in raw) && !("view" in raw);
  const rawView = (flat ? raw : raw.view) ?? {};
  const rawConfig = (flat ? raw : raw.config) ?? {};
  return {
    config: { ...structuredClone(spec.defaults), ...conform(spec.schema, rawConfig) },
    view: conformView(view, rawView, viewChoices),
  };
}

export function saveState(state) {
  saveHash({ config: state.config, view: state.view });
}

function conformView(defaults, raw, choices) {
  const out = structuredClone(defaults);
  if (!raw || typeof raw !== "object") return out;
  for (const [key, value] of Object.entries(defaults)) {
    const given = raw[key];
    if (typeof given !== typeof value) continue;
    if (choices[key] && !choices[key].includes(given)) continue;
    out[key] = given;
  }
  return out;
}

export function resolve(node, root) {
  let seen = 0;
  while (node?.$ref && seen++ < 32) node = root.$defs?.[node.$ref.split("/").pop()];
  return node;
}

// The non-null branch of a nullable field: what a form control edits.
export function fieldSchema(spec, name) {
  const node = resolve(spec.schema.properties?.[name], spec.schema);
  const branch = node?.anyOf?.find((b) => b.type !== "null");
  return branch ? { ...resolve(branch, spec.schema), nullable: true } : node;
}

// `value` made to fit JSON schema `node`: clamped numbers, known keys only; undefined when it cannot fit.
export function conform(node, value, root = node) {
  node = resolve(node, root);
  if (!node) return undefined;
  if (node.anyOf) {
    if (value === null) return node.anyOf.some((b) => b.type === "null") ? null : undefined;
    for (const branch of node.anyOf) {
      const v = branch.type === "null" ? undefined : conform(branch, value, root);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  if (node.enum) return node.enum.includes(value) ? value : undefined;
  switch (node.type) {
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "integer":
    case "number":
      return clampNumber(node, value);
    case "string":
      if (typeof value !== "string" || (node.maxLength !== undefined && value.length > node.maxLength)) return undefined;
      return node.pattern && !new RegExp(node.pattern).test(value) ? undefined : value;
    case "array":
      return conformArray(node, value, root);
    case "object":
      return conformObject(node, value, root);
    default:
      return value; // a field of any type: the server checks it
  }
}

export function clampNumber(node, value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  let v = node.type === "integer" ? Math.round(value) : value;
  if (node.minimum !== undefined) v = Math.max(v, node.minimum);
  if (node.maximum !== undefined) v = Math.min(v, node.maximum);
  if (node.exclusiveMinimum !== undefined && v <= node.exclusiveMinimum) return undefined;
  if (node.exclusiveMaximum !== undefined && v >= node.exclusiveMaximum) return undefined;
  return v;
}

function conformArray(node, value, root) {
  if (!Array.isArray(value)) return undefined;
  if (node.prefixItems) { // a tuple: every position must fit
    if (value.length !== node.prefixItems.length) return undefined;
    const items = node.prefixItems.map((n, i) => conform(n, value[i], root));
    return items.includes(undefined) ? undefined : items;
  }
  let items = value.map((v) => conform(node.items ?? {}, v, root)).filter((v) => v !== undefined);
  if (node.maxItems !== undefined) items = items.slice(0, node.maxItems);
  return node.minItems !== undefined && items.length < node.minItems ? undefined : items;
}

function conformObject(node, value, root) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  if (!node.properties) return value; // a free-form mapping: the server checks it
  const out = {};
  for (const [key, sub] of Object.entries(node.properties)) {
    if (!(key in value)) continue;
    const v = conform(sub, value[key], root);
    if (v !== undefined) out[key] = v;
  }
  return (node.required ?? []).every((key) => key in out) ? out : undefined;
}

// The Optimiser page's view, checked like its config: the scene must be one of the lab's, the EWA's β
// within the bounds the lab declares for it (served in the spec's tools), the bias a boolean.
import { clampNumber } from "../state.js";

export function conformView(view, spec, scenes) {
  const out = { ...view };
  if (out.scene && !scenes.some((s) => s.name === out.scene)) out.scene = "";
  const beta = spec.tools.ewa.schema.properties.beta;
  out.beta = clampNumber(beta, out.beta) ?? spec.tools.ewa.defaults.beta;
  return out;
}

// The hash of the page before {config, view} (a flat object), or null: it kept a formula even when a
// built-in surface was chosen, which the page must not read as a custom surface.
export function oldFlatHash() {
  try {
    const raw = JSON.parse(decodeURIComponent(location.hash.slice(1)) || "{}");
    return raw && typeof raw === "object" && !("config" in raw) && !("view" in raw) ? raw : null;
  } catch {
    return null;
  }
}

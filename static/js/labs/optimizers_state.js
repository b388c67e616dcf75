// The Optimiser page's state beyond its config's schema: the view checked like the config (the scene one of
// the lab's, the EWA's β within the bounds the lab declares for it in the spec's tools, the bias a boolean),
// an older hash read, and what follows from the config (a custom surface, the start in force).
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

// A custom surface: the config carries a formula rather than a named surface.
export function isCustom(config) {
  return config.expression !== null && config.expression !== undefined;
}

// The start in force: the form's, else the surface's classic one, else where the paths began.
export function currentStart({ state, info, frame }) {
  return state.config.start ?? info?.start ?? frame?.racers?.[0]?.points?.[0] ?? null;
}

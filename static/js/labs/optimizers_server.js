// What the Optimiser page asks the server besides its run (the surface's grid, the EWA), as {ok, body};
// the surface of the config is drawn only if no later edit asked again.
import { isCustom } from "./optimizers_state.js";

export async function post(path, body) {
  const response = await fetch(`/api/optimizers/${path}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  return { ok: response.ok, body: await response.json() };
}

let surfacesAsked = 0; // two quick edits ask twice; the older answer may come last and must not be drawn

// The surface of the page's config into the views and `page.info` ({name, formula, domain, start,
// minima}); false when it failed (said by `showError`), or when a later edit asked again.
export async function loadSurface(page, views, showError) {
  const ticket = ++surfacesAsked;
  const { config } = page.state;
  const surface = isCustom(config) ? { expression: config.expression } : { name: config.surface };
  const { ok, body } = await post("grid", { surface, resolution: 61 });
  if (ticket !== surfacesAsked) return false;
  if (!ok) {
    showError(body.detail);
    return false;
  }
  const custom = isCustom(page.state.config);
  page.info = page.surfaces.find((s) => !custom && s.name === page.state.config.surface) ?? {
    name: "custom", formula: page.state.config.expression, minima: [],
    domain: [[body.x[0], body.x[body.x.length - 1]], [body.y[0], body.y[body.y.length - 1]]],
  };
  views.setSurface(body, page.info);
  return true;
}

// The teacher's view of a presented run (tab, quantity, scale, ...): the keys of a lab page's state
// (kept in the URL hash) that change the picture, not the run. Students' pages take them from the hash.
export const VIEW_KEYS = ["tab", "quantity", "scale", "mode", "unit", "view", "logY", "sharedY", "panel"];

function parse(hash) {
  try {
    const state = JSON.parse(decodeURIComponent(hash.replace(/^#/, "")) || "{}");
    return state && typeof state === "object" && !Array.isArray(state) ? state : {};
  } catch {
    return {};
  }
}

function views(view) {
  return Object.entries(view ?? {}).filter(([k]) => VIEW_KEYS.includes(k));
}

export function viewDiffers(hash, view) {
  const state = parse(hash);
  return views(view).some(([k, v]) => JSON.stringify(state[k]) !== JSON.stringify(v));
}

// The hash with the view's keys set: "#<encoded state>", or "" when there is nothing to say.
export function withView(hash, view) {
  const state = { ...parse(hash), ...Object.fromEntries(views(view)) };
  return Object.keys(state).length ? `#${encodeURIComponent(JSON.stringify(state))}` : "";
}

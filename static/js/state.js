// A page's state lives in the URL hash, so a link (or a reload) reproduces the view.
export function loadHash(defaults) {
  try {
    return { ...structuredClone(defaults), ...JSON.parse(decodeURIComponent(location.hash.slice(1)) || "{}") };
  } catch {
    return structuredClone(defaults); // a hand-edited hash that does not parse: start from the defaults
  }
}

export function saveHash(state) {
  history.replaceState(null, "", `#${encodeURIComponent(JSON.stringify(state))}`);
}

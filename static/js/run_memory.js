// What a tab remembers of its runs: per lab, the run id and control token of its own run (sessionStorage,
// so a reload returns to it and another tab does not), and the link that shows a run read-only.
const key = (lab) => `gradlab.run.${lab}`;

export function remember(lab, runId, token) {
  try {
    sessionStorage.setItem(key(lab), JSON.stringify({ run_id: runId, token }));
  } catch {
    // storage refused (private mode, quota): a reload then starts a fresh run, as before
  }
}

export function recall(lab) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(key(lab)) ?? "null");
    return saved && typeof saved.run_id === "string" && typeof saved.token === "string" ? saved : null;
  } catch {
    return null;
  }
}

export function forget(lab) {
  try {
    sessionStorage.removeItem(key(lab));
  } catch {
    // nothing was stored
  }
}

// `/labs/<lab>?watch=<run_id>`: the same lab page, following that run read-only.
export const WATCH_PARAM = "watch";

export function watchUrl(lab, runId) {
  const url = new URL(`/labs/${lab}`, location.origin);
  url.searchParams.set(WATCH_PARAM, runId);
  return url.toString();
}

export function watchedRunId() {
  return new URL(location.href).searchParams.get(WATCH_PARAM);
}

// Leaving watch mode: the address becomes the page's own again (a reload then opens the own run).
export function dropWatchParam() {
  const url = new URL(location.href);
  url.searchParams.delete(WATCH_PARAM);
  history.replaceState(null, "", url.toString());
}

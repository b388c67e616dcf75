// The first drawing of each chart, spread over animation frames. A page's first frame draws every chart
// at once (a lab's first `render()` calls Plotly.react on 3 to 8 charts: 0.3 to 3 s of one task on a
// slow laptop, with nothing painted until the last one is done). Here a chart's first draw is queued and
// the queue drains one chart per animation frame (several small ones while the frame has time left),
// the first visible chart first: charts in the viewport before those below it, 2D before 3D (a WebGL
// scene costs ten 2D charts), top to bottom, left to right. A chart in a hidden panel (no layout box)
// waits until it is shown. A chart already drawn is redrawn at once, as before, so live frames behave as
// they always have; a queued chart is always drawn with the latest call's arguments.
const DRAWS = ["react", "newPlot"];
// calls that act on a chart as drawn: a queued first draw is made before them
const AFTER_DRAW = ["relayout", "restyle", "update", "extendTraces", "prependTraces", "addTraces", "deleteTraces",
  "moveTraces", "toImage", "downloadImage", "animate"];
const FRAME_BUDGET_MS = 12; // keep drawing queued charts in one frame while it has taken less than this

export function scheduleFirstDraws(real) {
  const drawn = new WeakSet();
  const queued = new Map(); // chart element -> {name, args, waiting: [{resolve, reject}]}
  let frameRequested = false;
  const shown = new ResizeObserver((entries) => {
    if (entries.some((e) => e.contentRect.width > 0 && queued.has(e.target))) requestFrame();
  });

  const element = (gd) => (typeof gd === "string" ? document.getElementById(gd) : gd);

  function drawNow(gd) {
    const entry = queued.get(gd);
    if (!entry) return;
    queued.delete(gd);
    shown.unobserve(gd);
    drawn.add(gd);
    try {
      const result = real[entry.name](gd, ...entry.args);
      for (const w of entry.waiting) w.resolve(result);
    } catch (error) {
      for (const w of entry.waiting) w.reject(error);
    }
  }

  function requestFrame() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(drain);
  }

  function drain() {
    frameRequested = false;
    const start = performance.now();
    while (queued.size) {
      const next = firstToDraw([...queued.keys()]);
      if (!next) return; // the rest are hidden: each is drawn when shown
      drawNow(next);
      if (performance.now() - start > FRAME_BUDGET_MS) break;
    }
    if (queued.size) requestFrame();
  }

  function firstToDraw(charts) {
    let best = null;
    let bestKey = null;
    for (const gd of charts) {
      if (!gd.isConnected) { // removed from the page meanwhile: nothing to draw
        queued.delete(gd);
        continue;
      }
      const box = gd.getBoundingClientRect();
      if (!gd.getClientRects().length) continue;
      const below = box.top >= innerHeight || box.bottom <= 0 ? 1 : 0;
      const key = [below, isScene(queued.get(gd).args) ? 1 : 0, box.top, box.left];
      if (!bestKey || before(key, bestKey)) {
        best = gd;
        bestKey = key;
      }
    }
    return best;
  }

  function first(name) {
    return (gd, ...args) => {
      const el = element(gd);
      if (!el || drawn.has(el)) return real[name](gd, ...args);
      let entry = queued.get(el);
      if (!entry) {
        entry = { waiting: [] };
        queued.set(el, entry);
        shown.observe(el);
      }
      Object.assign(entry, { name, args });
      requestFrame();
      return new Promise((resolve, reject) => entry.waiting.push({ resolve, reject }));
    };
  }

  const scheduled = Object.create(real);
  for (const name of DRAWS) scheduled[name] = first(name);
  for (const name of AFTER_DRAW) {
    scheduled[name] = (gd, ...args) => {
      const el = element(gd);
      if (el) drawNow(el);
      return real[name](gd, ...args);
    };
  }
  scheduled.purge = (gd) => {
    const el = element(gd);
    if (el) {
      const entry = queued.get(el);
      queued.delete(el);
      shown.unobserve(el);
      drawn.delete(el);
      for (const w of entry?.waiting ?? []) w.resolve(el);
    }
    return real.purge(gd);
  };
  return scheduled;
}

// Whether sort key `a` comes before `b` (compared item by item).
function before(a, b) {
  const i = a.findIndex((v, k) => v !== b[k]);
  return i >= 0 && a[i] < b[i];
}

// Whether a draw's traces (react(gd, data, layout) or react(gd, {data, layout})) hold a WebGL scene.
function isScene(args) {
  const data = Array.isArray(args[0]) ? args[0] : args[0]?.data ?? [];
  return data.some((trace) => /3d$|^surface$|^mesh|^cone$|^volume$/.test(trace?.type ?? ""));
}

// The first drawing of each chart, spread over animation frames. A page's first frame draws every chart
// at once (a lab's first `render()` calls Plotly.react on 3 to 8 charts: 0.3 to 3 s of one task on a
// slow laptop, with nothing painted until the last one is done). Here a chart's first draw is queued and
// the queue drains one chart per animation frame (several small ones while the frame has time left),
// the first visible chart first: charts in the viewport before those below it, 2D before 3D (a WebGL
// scene costs ten 2D charts), charts showing data before empty ones (a run's first frame has a loss
// curve of one point: axes, no line; the first draw on a page is its slowest), top to bottom, left to right. A chart in a hidden panel (no layout box)
// waits until it is shown or every visible one is drawn and the page is idle. A chart already drawn is redrawn at once, as before, so live frames behave as
// they always have; a queued chart is always drawn with the latest call's arguments.
//
// A page that draws 3D scenes runs the 2D bundle first and the 3D one (`loadScenes()`, a Plotly of its
// own) only when a scene is the next chart to draw: its scenes are drawn, and then redrawn, by it.
const DRAWS = ["react", "newPlot"];
// calls that act on a chart as drawn: a queued first draw is made before them
const AFTER_DRAW = ["relayout", "restyle", "update", "extendTraces", "prependTraces", "addTraces", "deleteTraces",
  "moveTraces", "toImage", "downloadImage", "animate"];
const FRAME_BUDGET_MS = 12; // keep drawing queued charts in one frame while it has taken less than this

export function scheduleFirstDraws(real, loadScenes = null) {
  const owner = new WeakMap(); // a drawn chart -> the Plotly that drew it (and redraws it)
  const queued = new Map(); // chart element -> {name, args, scene, waiting: [{resolve, reject}]}
  const configs = []; // setPlotConfig calls, for the 3D Plotly too
  let scenes = null; // the 3D Plotly, once it has run
  let scenesLoading = null;
  let frameRequested = false;
  let idleRequested = false;
  const shown = new ResizeObserver((entries) => {
    if (entries.some((e) => e.contentRect.width > 0 && queued.has(e.target))) requestFrame();
  });

  const whenIdle = (fn) => (window.requestIdleCallback ?? ((f) => setTimeout(f, 50)))(fn, { timeout: 500 });
  const element = (gd) => (typeof gd === "string" ? document.getElementById(gd) : gd);
  const libraryOf = (el) => (el && owner.get(el)) || real;

  function drawNow(gd) {
    const entry = queued.get(gd);
    if (!entry) return;
    queued.delete(gd);
    shown.unobserve(gd);
    const plotly = entry.scene && scenes ? scenes : real; // without a 3D Plotly the 2D one answers, as before
    owner.set(gd, plotly);
    try {
      const result = plotly[entry.name](gd, ...entry.args);
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
      const next = firstToDraw();
      if (!next) break; // the rest are hidden, or wait for the 3D Plotly
      drawNow(next);
      if (performance.now() - start > FRAME_BUDGET_MS) {
        requestFrame();
        return;
      }
    }
    idleLater();
  }

  function idleLater() {
    if (!queued.size || idleRequested) return;
    idleRequested = true;
    whenIdle(drainHidden);
  }

  // Charts in hidden panels, once every visible one is drawn: one at a time, when the page is idle.
  function drainHidden() {
    idleRequested = false;
    if (firstToDraw()) {
      requestFrame(); // a visible one came meanwhile
      return;
    }
    const hidden = [...queued].filter(([gd]) => gd.isConnected && !gd.getClientRects().length);
    const ready = hidden.find(([, entry]) => !entry.scene || scenes || !loadScenes);
    if (ready) {
      drawNow(ready[0]);
      idleLater();
    } else if (hidden.length) {
      startScenes(); // it asks for a frame when it has run
    }
  }

  // The next chart to draw. A scene next while the 3D Plotly has not run yet starts it; the 2D charts
  // after the scene are drawn meanwhile.
  function firstToDraw() {
    let best = null;
    let bestFlat = null; // the first 2D one
    for (const [gd, entry] of queued) {
      if (!gd.isConnected) { // removed from the page meanwhile: nothing to draw
        queued.delete(gd);
        continue;
      }
      if (!gd.getClientRects().length) continue;
      const box = gd.getBoundingClientRect();
      const below = box.top >= innerHeight || box.bottom <= 0 ? 1 : 0;
      const candidate = { gd, key: [below, entry.scene ? 1 : 0, showsData(entry.args) ? 0 : 1, box.top, box.left] };
      if (!best || before(candidate.key, best.key)) best = candidate;
      if (!entry.scene && (!bestFlat || before(candidate.key, bestFlat.key))) bestFlat = candidate;
    }
    if (!best || !queued.get(best.gd).scene || scenes || !loadScenes) return best?.gd ?? null;
    startScenes();
    return bestFlat?.gd ?? null;
  }

  function startScenes() {
    scenesLoading ??= loadScenes().then((plotly) => {
      scenes = plotly;
      for (const config of configs) scenes.setPlotConfig(config);
      requestFrame();
    });
  }

  function first(name) {
    return (gd, ...args) => {
      const el = element(gd);
      const scene = Boolean(loadScenes) && isScene(args);
      const drawnBy = el && owner.get(el);
      if (!el || (drawnBy && (drawnBy === scenes || !scene))) return libraryOf(el)[name](gd, ...args);
      if (drawnBy) { // a 2D chart turned into a scene: the 3D Plotly draws it from now on
        real.purge(el);
        owner.delete(el);
      }
      let entry = queued.get(el);
      if (!entry) {
        entry = { waiting: [] };
        queued.set(el, entry);
        shown.observe(el);
      }
      Object.assign(entry, { name, args, scene });
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
      return libraryOf(el)[name](gd, ...args);
    };
  }
  scheduled.purge = (gd) => {
    const el = element(gd);
    const plotly = libraryOf(el);
    if (el) {
      const entry = queued.get(el);
      queued.delete(el);
      shown.unobserve(el);
      owner.delete(el);
      for (const w of entry?.waiting ?? []) w.resolve(el);
    }
    return plotly.purge(gd);
  };
  scheduled.setPlotConfig = (config) => {
    configs.push(config);
    scenes?.setPlotConfig(config);
    return real.setPlotConfig(config);
  };
  return scheduled;
}

// Whether sort key `a` comes before `b` (compared item by item).
function before(a, b) {
  const i = a.findIndex((v, k) => v !== b[k]);
  return i >= 0 && a[i] < b[i];
}

// A draw's traces: react(gd, data, layout) or react(gd, {data, layout}).
const tracesOf = (args) => (Array.isArray(args[0]) ? args[0] : args[0]?.data ?? []);

// Whether a draw's traces hold a WebGL scene.
function isScene(args) {
  return tracesOf(args).some((trace) => /3d$|^surface$|^mesh|^cone$|^volume$/.test(trace?.type ?? ""));
}

// Whether a draw shows any data: a trace with a point, or two for a line without markers (one point
// draws no line).
function showsData(args) {
  return tracesOf(args).some((trace) => {
    const points = Math.max(...["x", "y", "z"].map((k) => trace?.[k]?.length ?? 0));
    const mode = trace?.mode ?? "";
    const lineOnly = (trace?.type ?? "scatter") === "scatter" && /lines/.test(mode) && !/markers|text/.test(mode);
    return points >= (lineOnly ? 2 : 1) && trace?.visible !== false && trace?.visible !== "legendonly";
  });
}

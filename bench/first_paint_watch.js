// Installed by bench/bench_first_paint.py before a page's own scripts. Marks, in performance.now() time
// (milliseconds since navigation started), on window.__paint:
// - chart: the first chart with data on screen: a trace holding points (a line's path, a bar, a contour
//   or heatmap image with content) is in the DOM, in a chart with a layout box, AND a frame has been
//   painted since (the start of the next animation frame after the one that drew it: a chart drawn in a
//   long task counts when that task has ended, not when its first node appeared). An empty chart frame
//   (axes, no data) does not count;
// - chartId: which chart it was;
// - plotly: the real Plotly in place (its bundle's `var Plotly` assigned the global: it has run);
//   a second one (the 3D bundle) is timed too;
// - message / frame: the first socket message, the first `frame` message;
// - calls: every Plotly.react/newPlot with its chart id, start and end of its synchronous part;
// - long: the long tasks (over 50 ms), [start, duration].
(() => {
  const paint = (window.__paint = { calls: [], long: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) paint.long.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  const DRAWN = [
    ".scatterlayer .trace path.js-line", ".scatterlayer .trace .points path", ".scatterlayer .trace path.js-fill",
    ".barlayer .trace .point path", ".contourlayer .trace path", ".heatmaplayer .hm image",
  ].join(",");

  function drawnChart() {
    for (const node of document.querySelectorAll(DRAWN)) {
      const content = node.getAttribute(node.tagName === "image" ? "href" : "d") || "";
      if (content.length < 6 || content === "M0,0Z") continue;
      const chart = node.closest(".js-plotly-plot");
      if (chart && chart.getClientRects().length > 0) return chart;
    }
    return null;
  }

  // Whether the current task is a rendering step (an animation frame's callbacks and their microtasks):
  // what it draws is painted before the next task runs. `frameStart`: when the latest frame's first
  // callback ran (its own timestamp may be earlier than that: the vsync it was meant for).
  let inFrame = false;
  let frameTs = null;
  let frameStart = 0;
  const nativeRaf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => nativeRaf((ts) => {
    if (ts !== frameTs) {
      frameTs = ts;
      frameStart = performance.now();
      inFrame = true;
      setTimeout(() => { inFrame = false; }, 0);
    }
    callback(ts);
  });

  let found = false;
  function look() {
    if (found) return;
    const chart = drawnChart();
    if (!chart) return;
    found = true;
    observer.disconnect();
    const at = performance.now();
    paint.chartDom = at;
    paint.chartId = chart.id || chart.className;
    const done = () => { paint.chart = Math.max(at, frameStart); };
    // drawn in a frame: painted at its end, so by the start of the next one; else painted in the next
    if (inFrame) window.requestAnimationFrame(done);
    else window.requestAnimationFrame(() => window.requestAnimationFrame(done));
  }
  const observer = new MutationObserver(look);
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["d", "href"] });

  // every real Plotly (a page drawing 3D scenes runs a second one for them): its own `version`, unlike
  // the stand-in and the scheduling wrapper around it
  let plotly;
  Object.defineProperty(window, "Plotly", { configurable: true, get: () => plotly, set: (value) => {
    plotly = value;
    if (!value || !Object.prototype.hasOwnProperty.call(value, "version") || value.timedByBench) return;
    value.timedByBench = true;
    paint.plotly ??= performance.now();
    for (const name of ["react", "newPlot"]) {
      const real = value[name];
      value[name] = function timed(el, ...rest) {
        const start = performance.now();
        const result = real.call(this, el, ...rest);
        const node = typeof el === "string" ? document.getElementById(el) : el;
        paint.calls.push({ name, id: node?.id || "?", start, end: performance.now() });
        return result;
      };
    }
  } });

  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      paint.socket ??= performance.now();
      this.addEventListener("open", () => { paint.socketOpen ??= performance.now(); });
      this.addEventListener("message", (event) => {
        paint.message ??= performance.now();
        if (paint.frame === undefined && event.data.includes('"type":"frame"')) paint.frame = performance.now();
      });
    }
  };
})();

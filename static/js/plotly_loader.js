// Plotly's bundle loads after the page's frame (layout, form, headings, status) has been painted: it
// is named by the page's <link rel="preload" data-plotly> (fetched early, run late). Until it has run,
// `Plotly` is a stand-in whose calls wait for it and then go to the real library in the order made, so
// page modules call `Plotly.react` as before; once it has run, `Plotly` is the library with its first
// drawing of each chart scheduled (first_draws.js): one chart per animation frame, the first visible first.
// A page that draws 3D scenes names the 3D bundle too (`data-plotly-3d`): it is fetched once the 2D one
// has run, and run when a scene is the next chart to draw, so the 2D charts come first.
import { scheduleFirstDraws } from "./first_draws.js";

const DEFERRED = ["react", "newPlot", "relayout", "restyle", "purge", "extendTraces", "toImage", "downloadImage"];

// Runs the classic script `src` (its bundle assigns the global `Plotly`) and gives that Plotly; the
// global is left as it was when `keep` (the 3D Plotly is the scheduler's, not the page's).
function run(src, keep = false) {
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement("script"), { src });
    const before = window.Plotly;
    script.addEventListener("load", () => {
      const plotly = window.Plotly;
      if (keep) window.Plotly = before;
      resolve(plotly);
    });
    script.addEventListener("error", () => reject(new Error(`Plotly did not load from ${src}`)));
    document.head.append(script);
  });
}

// fetched into the cache now, at low priority (a "preload" would warn when a slow run leaves it unused)
function prefetch(src) {
  document.head.append(Object.assign(document.createElement("link"), { rel: "prefetch", as: "script", href: src }));
}

function load() {
  const link = document.querySelector("link[data-plotly]");
  if (!link) return new Promise(() => {}); // a page without charts never needs it
  if (window.Plotly && !window.Plotly.standIn) return Promise.resolve(window.Plotly);
  const scenes = link.getAttribute("data-plotly-3d"); // (dataset does not camel-case "-3d")
  return new Promise((resolve) => {
    // a frame is painted between the animation-frame callback and its timeout; a hidden tab paints
    // nothing, so a plain timeout starts it too
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      resolve(run(link.href).then((plotly) => {
        if (scenes) prefetch(scenes);
        window.Plotly = scheduleFirstDraws(plotly, scenes ? () => run(scenes, true) : null);
        return window.Plotly;
      }));
    };
    requestAnimationFrame(() => setTimeout(start, 0));
    setTimeout(start, 250);
  });
}

export const plotlyReady = load();

if (!window.Plotly) {
  window.Plotly = { standIn: true };
  for (const name of DEFERRED) window.Plotly[name] = (...args) => plotlyReady.then((P) => P[name](...args));
}

// Plotly's bundle loads after the page's frame (layout, form, headings, status) has been painted: it
// is named by the page's <link rel="preload" data-plotly> (fetched early, run late). Until it has run,
// `Plotly` is a stand-in whose calls wait for it and then go to the real library in the order made, so
// page modules call `Plotly.react` as before; once it has run, `Plotly` is the library with its first
// drawing of each chart scheduled (first_draws.js): one chart per animation frame, the first visible first.
import { scheduleFirstDraws } from "./first_draws.js";

const DEFERRED = ["react", "newPlot", "relayout", "restyle", "purge", "extendTraces", "toImage", "downloadImage"];

function load() {
  const link = document.querySelector("link[data-plotly]");
  if (!link) return new Promise(() => {}); // a page without charts never needs it
  if (window.Plotly && !window.Plotly.standIn) return Promise.resolve(window.Plotly);
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement("script"), { src: link.href });
    script.addEventListener("load", () => {
      window.Plotly = scheduleFirstDraws(window.Plotly);
      resolve(window.Plotly);
    });
    script.addEventListener("error", () => reject(new Error(`Plotly did not load from ${link.href}`)));
    // a frame is painted between the animation-frame callback and its timeout; a hidden tab paints
    // nothing, so a plain timeout starts it too
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      document.head.append(script);
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

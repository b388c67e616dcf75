// One frame of a run drawn: the paths (race) or clouds (swarm) on the surface views, their loss curves,
// and beside them each racer's optimiser state or the swarm's counts and basins.
import { t } from "../i18n.js";
import { seriesStyle } from "../charts.js";
import { renderBasins, renderCounts, renderStateCards } from "./optimizers_panels.js";
import { currentStart } from "./optimizers_state.js";

const $ = (id) => document.getElementById(id);

// "momentum lr=0.05" (the server's label) as "SGD + 动量 lr=0.05": the optimiser by the page's name for it.
export function named(message) {
  for (const r of [...(message.racers ?? []), ...(message.clouds ?? [])]) {
    const [id, ...rest] = String(r.label ?? "").split(" ");
    const key = `optimizers.name.${id}`;
    if (t(key) !== key) r.label = [t(key), ...rest].join(" ");
  }
  return message;
}

// " (left the surface after step 40)" for a racer or cloud gone from the map, else nothing
function leftNote(step) {
  return step === null ? "" : ` (${t("optimizers.left_at", { step })})`;
}

// The page's frame (`page.frame`, null before the first) into the surface views and the loss chart.
export function renderFrame(page, views, lossChart) {
  const { frame, state, info } = page;
  views.render(frame, state.config.mode === "race" ? currentStart(page) : null);
  if (!frame) return;
  const race = frame.mode === "race";
  const lines = race
    ? frame.racers.map((r, i) => ({ name: r.label + leftNote(views.leftAt(r)), x: r.steps,
      y: views.clipped(r.points, r.values), color: seriesStyle(i).color, dash: seriesStyle(i).dash }))
    : frame.clouds.map((c, i) => ({ name: c.label + leftNote(views.cloudLeftAt(i)), x: c.curve.steps,
      y: c.curve.values, ...seriesStyle(i) }));
  const all = lines.flatMap((l) => l.y).filter((v) => v !== null);
  // a log axis when it helps; over more than ~5 decades its tick labels crowd out the curves
  const ratio = all.length ? Math.max(...all) / Math.min(...all) : 0;
  const logY = all.length > 0 && Math.min(...all) > 0 && ratio > 100 && ratio < 1e6;
  lossChart.update(lines, { title: t(race ? "optimizers.loss_title" : "optimizers.mean_loss_title"),
    xTitle: t("common.step"), yTitle: t("optimizers.value"), logY });
  $("state-title").textContent = t(race ? "optimizers.state_title" : "optimizers.counts_title", { step: frame.step });
  $("state-hint").textContent = t(race ? "optimizers.state_hint" : "optimizers.counts_hint");
  if (race) {
    renderStateCards($("state-panel"), frame.racers);
    return;
  }
  renderCounts($("state-panel"), frame.clouds, info.minima);
  const select = $("basin-of");
  if (select.options.length !== frame.clouds.length) {
    select.replaceChildren(...frame.clouds.map((c, i) => new Option(c.label, String(i))));
  }
  renderBasins($("basins"), frame.starts, frame.clouds[Number(select.value) || 0], info.domain);
}

// The player every live lab shares: start/restart, play/pause, step, speed, the timeline (rewind a paused
// run), the status line, the "run is gone" offer, the "show my run" link and the watching banner.
// It also knows the config of the run on screen: a form that differs from it marks the run as out of
// date, and Play then starts a new run with the form's config rather than resuming the old one.
import { t } from "./i18n.js";
import { watchUrl } from "./run_memory.js";
import { plain, sameConfig } from "./run_config.js";

const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, null]; // steps per second; null is as fast as it goes
const LIVE = ["running", "paused"];
const ENDED = ["finished", "diverged", "stopped"];
const SEEKABLE = ["paused", "finished", "diverged"]; // a run that is not moving may be rewound

export class Player {
  constructor(root, socket, { lab, getConfig, onRestart, onRunConfig, onStale }) {
    this.root = root;
    this.socket = socket;
    this.lab = lab;
    this.getConfig = getConfig;
    this.onRestart = onRestart;
    this.onRunConfig = onRunConfig; // (config): the config of the run on screen, whenever it changes
    this.onStale = onStale; // (stale): the form began or ceased to differ from the run on screen
    this.running = null; // {config, exact}: the config of the run on screen, live changes included
    this.stale = false; // the form asks for another run than the one on screen
    this.playWhenStarted = false; // Play pressed while a paused start was on its way
    this.status = "idle";
    this.watching = false; // following a run this page may not change
    this.step = 0; // the step on screen
    this.reach = 0; // the furthest step of this branch: the timeline's end
    const $ = (selector) => root.querySelector(selector);
    this.buttons = { start: $("[data-action=start]"), toggle: $("[data-action=toggle]"), step: $("[data-action=step]") };
    this.speed = $("[data-action=speed]");
    this.speedLabel = $("[data-speed-label]");
    this.timeline = $("[data-action=timeline]");
    this.timelineLabel = $("[data-timeline-label]");
    this.statusLine = $("[data-status-line]");
    this.gone = $("[data-gone]");
    this.banner = $("[data-watch-banner]");
    this.share = $("[data-share]");
    this.staleNote = $("[data-stale]");
    this.shareUrl = $("[data-share-url]");
    this.buttons.start.addEventListener("click", () => this.start());
    this.buttons.toggle.addEventListener("click", () => this.toggle());
    this.buttons.step.addEventListener("click", () => this.stepOnce());
    this.speed.max = SPEEDS.length - 1; // a notch per speed; without a pace, as fast as it goes
    const pace = SPEEDS.indexOf(Number(root.dataset.pace)); // the lab's default pace, from its page
    this.speed.value = pace >= 0 ? pace : SPEEDS.length - 1;
    this.speedMax = $("[data-action=speed-max]");
    this.speedMax?.addEventListener("click", () => {
      this.speed.value = SPEEDS.length - 1;
      this.speed.dispatchEvent(new Event("input"));
    });
    this.speed.addEventListener("input", () => {
      this.showSpeed();
      if (this.live) this.socket.set({ speed: this.currentSpeed() });
    });
    // dragging shows the step it would go to; letting go rewinds the run there
    this.timeline?.addEventListener("input", () => this.showTimeline(Number(this.timeline.value)));
    this.timeline?.addEventListener("change", () => this.seek(Number(this.timeline.value)));
    $("[data-action=copy-share]")?.addEventListener("click", (event) => this.copyShare(event.target));
    this.shareUrl?.addEventListener("focus", () => this.shareUrl.select());
    this.showSpeed();
    this.setStatus("idle");
  }

  // A run this page controls is on screen (false while watching: nothing here may change it).
  get live() {
    return !this.watching && LIVE.includes(this.status);
  }

  // Change hyperparameters of the run on screen, if there is one (the `set` message); `apply(config)`
  // writes the change into the run's config (by default the params are top-level config fields). A run
  // that is not live keeps its config: the form then differs from it, and the run is marked out of date.
  setLive(params, apply = (config) => Object.assign(config, params)) {
    if (this.live) {
      this.socket.set(params);
      if (this.running) apply(this.running.config);
      this.onRunConfig?.(this.running?.config ?? null);
    }
    this.checkStale();
  }

  // The run on screen is the one of `config`: `exact` when this page sent it, else the server's canonical
  // config (defaults filled in), of which only the form's keys are compared.
  showing(config, exact) {
    this.running = config ? { config: plain(config), exact } : null;
    this.onRunConfig?.(this.running?.config ?? null);
    this.checkStale();
  }

  // Is the form's config another run than the one on screen? Never while watching (the form is the run's).
  isStale() {
    if (this.watching || !this.running) return false;
    const config = this.getConfig();
    return !config || !sameConfig(plain(config), this.running.config, this.running.exact);
  }

  checkStale() {
    const stale = this.isStale();
    if (stale === this.stale) return;
    this.stale = stale;
    if (this.staleNote) this.staleNote.hidden = !stale;
    this.root.classList.toggle("stale", stale);
    this.onStale?.(stale);
  }

  currentSpeed() {
    return SPEEDS[Number(this.speed.value)] ?? null;
  }

  showSpeed() {
    const s = this.currentSpeed();
    this.speedLabel.textContent = s === null ? t("player.speed_max") : `${s} ${t("player.steps_per_s")}`;
  }

  start(paused = false) {
    if (this.watching) return;
    const config = this.getConfig();
    if (!config) return;
    this.begin(config);
    const speed = this.currentSpeed();
    this.socket.start(this.lab, config, { ...(speed ? { speed } : {}), paused });
    this.setStatus("connecting");
  }

  // The paused start this page's socket sent before the page had loaded (early_run.js), taken as the
  // page's own start when the form asks for exactly that run at this speed; false when it does not.
  adopt(config, speed) {
    const form = this.getConfig();
    if (this.watching || !form || speed !== this.currentSpeed() || !sameConfig(plain(form), plain(config))) return false;
    this.begin(config); // as sent (the same run as the form's, nulls spelled out)
    this.setStatus("connecting");
    return true;
  }

  begin(config) {
    this.playWhenStarted = false;
    this.showing(config, true);
    this.onRestart?.(this.running.config);
    this.moveTo(0, true);
  }

  // A new run from step 0 with the form's config: playing if the one on screen was, else paused.
  restart() {
    this.start(this.status !== "running");
  }

  // A new run only when the form differs from the run on screen (a page that restarts on its own after
  // an edit: Play may have started the new run already).
  restartIfStale() {
    if (this.isStale()) this.restart();
  }

  toggle() {
    if (this.watching) return;
    if (this.status === "running") this.socket.pause();
    else if (this.status === "connecting") this.playWhenStarted = true; // our start is on its way: play it
    else if (this.isStale() && !["reattaching", "reconnecting", "disconnected"].includes(this.status)) this.start();
    else if (this.status === "paused") this.socket.resume();
    else if (!["reattaching", "reconnecting", "disconnected"].includes(this.status)) this.start();
  }

  stepOnce() {
    if (this.live && this.status === "paused") this.socket.step(1);
  }

  seek(step) {
    if (!this.watching && SEEKABLE.includes(this.status) && step !== this.step) this.socket.seek(step);
    else this.showTimeline(this.step);
  }

  // The step on screen; a step behind the one shown means the run was rewound: its branch ends there.
  moveTo(step, fresh = false) {
    this.reach = fresh || step < this.step ? step : Math.max(this.reach, step);
    this.step = step;
    this.statusLine.dataset.step = step; // the step reached, before it is drawn
    if (!this.timeline) return;
    this.timeline.max = String(this.reach);
    this.timeline.value = String(step);
    this.showTimeline(step);
  }

  showTimeline(step) {
    if (this.timelineLabel) this.timelineLabel.textContent = t("player.timeline_label", { step, reach: this.reach });
  }

  setStatus(status, vars = {}) {
    this.status = status;
    this.statusLine.dataset.status = status;
    this.statusLine.textContent = t(`status.${status}`, vars);
    this.gone.hidden = !status.startsWith("gone_");
    this.gone.querySelector("[data-action=start-again]").textContent =
      t(status === "gone_watch" ? "player.own_run" : "player.start_again");
    this.refresh();
  }

  // Enable what may be used now: nothing that changes the run while watching or offline.
  refresh() {
    const status = this.status;
    const mine = !this.watching;
    this.buttons.start.textContent = LIVE.includes(status) || ENDED.includes(status) ? t("player.restart") : t("player.start");
    this.buttons.toggle.textContent = status === "running" ? t("player.pause") : t("player.play");
    this.buttons.start.disabled = !mine;
    this.buttons.toggle.disabled = !mine;
    this.buttons.step.disabled = !mine || status !== "paused";
    this.speed.disabled = !mine;
    if (this.speedMax) this.speedMax.disabled = !mine;
    if (this.timeline) this.timeline.disabled = !mine || !SEEKABLE.includes(status) || this.reach === 0;
    if (this.share) this.share.hidden = !(this.socket.runId && this.socket.token) || !mine;
    if (this.shareUrl && this.socket.runId) this.shareUrl.value = watchUrl(this.lab, this.socket.runId);
  }

  setWatching(on, { leavable = true } = {}) {
    this.watching = on;
    this.banner.hidden = !on;
    this.banner.querySelector("[data-action=leave-watch]").hidden = !leavable;
    this.root.classList.toggle("watching", on);
    this.refresh();
  }

  // The run on screen no longer exists: `kind` "own" (this tab's run was freed) or "watch" (the watched
  // run ended); the status line says so and one button offers a fresh run from the page's config.
  showGone(kind) {
    this.setStatus(`gone_${kind}`);
  }

  async copyShare(button) {
    this.shareUrl.select();
    try {
      await navigator.clipboard.writeText(this.shareUrl.value);
    } catch {
      document.execCommand?.("copy"); // plain http on a school network has no clipboard API
    }
    button.textContent = t("common.copied");
  }

  showError() {
    this.statusLine.dataset.status = "error";
    this.statusLine.textContent = t("common.error"); // what went wrong is said once, in the error box
  }
}

// How a live lab page shows runs: one run at a time, either
// - its own ("own"): started when a fresh tab opens, re-attached with its token after a reload or a drop;
// - a run it watches read-only ("watch": opened from a /labs/<lab>?watch=<run_id> link);
// - a run the class layer puts on screen ("follow": `follow()` / `unfollow()` in controls.js).
// Frames are drawn at most once per screen refresh, always the freshest; frames of other runs are dropped.
// The code panel shows the code of the run on screen (from its config, through the lab's `code` endpoint),
// marked while the form differs; any edit in the page re-checks whether it does.
import { RunSocket } from "./socket.js";
import { takeEarlySocket } from "./early_run.js";
import { Player } from "./player.js";
import { CodePanel } from "./run_config.js";
import { errorText } from "./i18n.js";
import { dropWatchParam, forget, recall, remember, watchedRunId } from "./run_memory.js";

export class LiveController {
  constructor({ lab, getConfig, onFrame, onRestart, applyConfig, report, root, code }) {
    Object.assign(this, { lab, onFrame, pageRestart: onRestart, applyConfig, report });
    this.mode = "own";
    this.home = null; // this tab's own run: {run_id, token, config}
    this.followed = null; // the run followed for the class layer: {run_id, attach}
    this.shown = null; // the run whose config the page shows (a re-attach to it keeps the drawing)
    this.latest = null;
    this.scheduled = false;
    this.controls = document.getElementById("lab-controls");
    // the page's early socket (already attaching after a reload, or starting a fresh tab's run; what it
    // got waits for open()), or a new one
    const early = takeEarlySocket(lab);
    this.socket = early?.socket ?? new RunSocket();
    this.earlyStart = early?.started ?? null; // {config, speed}: the fresh tab's start it sent

    this.socket.setHandlers({
      onStarted: (m) => this.started(m),
      onAttached: (m) => this.attached(m),
      onGone: () => this.player.showGone(this.mode === "own" ? this.forgetHome() : "watch"),
      onFrame: (m) => this.frame(m),
      onStatus: (status, m) => {
        if (Number.isInteger(m.step)) this.player.moveTo(m.step);
        this.player.setStatus(status);
      },
      onQueued: (position) => this.player.setStatus("queued", { position }),
      onError: (m) => {
        this.player.showError(); // marks the status line; the words go once, to the error box
        this.report(errorText(m));
      },
      onConnection: (state, info) => this.connection(state, info),
    });
    this.code = code ? new CodePanel(code) : null;
    this.player = new Player(root, this.socket, {
      lab, getConfig, onRestart: (config) => this.reset(config),
      onRunConfig: (config) => this.code?.show(config),
      onStale: (stale) => this.code?.mark(stale),
    });
    // after the page's own handlers have read the edit into its state
    const recheck = () => setTimeout(() => this.player.checkStale(), 0);
    for (const type of ["change", "click"]) document.addEventListener(type, recheck);
    this.player.open = () => this.open();
    this.player.gone.querySelector("[data-action=start-again]").addEventListener("click", () => {
      if (this.mode === "own") this.player.start();
      else this.leave();
    });
    this.player.banner.querySelector("[data-action=leave-watch]").addEventListener("click", () => this.leave());
  }

  // Opening the page: a ?watch= link watches; a tab that had a run returns to it; a fresh tab starts
  // its own run, paused at step 0.
  // The attach or the start may have gone already, from the early socket (the same choice, made as the
  // page started); an early start whose run is not the one the form asks for is stopped.
  open() {
    this.socket.release();
    const watched = watchedRunId();
    if (watched) {
      this.mode = "watch";
      this.setWatching(true, true);
      if (!this.socket.attachingTo(watched)) this.socket.attach(watched);
      this.player.setStatus("connecting");
      return;
    }
    const saved = recall(this.lab);
    if (!saved) {
      const early = this.earlyStart;
      this.earlyStart = null;
      if (early && this.player.adopt(early.config, early.speed)) return;
      if (early) {
        this.socket.stop();
        this.socket.abandonStart();
      }
      this.player.start(true);
      return;
    }
    this.home = { ...saved, config: null };
    if (!this.socket.attachingTo(saved.run_id)) this.socket.attach(saved.run_id, saved.token);
    this.player.setStatus("reattaching");
  }

  started(message) {
    this.home = { run_id: message.run_id, token: message.token, config: message.config };
    this.shown = message.run_id;
    remember(this.lab, message.run_id, message.token);
    if (this.player.status === "connecting") this.player.setStatus("running"); // unless its status came first
    if (this.player.playWhenStarted) { // Play was pressed while this (paused) start was on its way
      this.player.playWhenStarted = false;
      this.socket.resume();
    }
  }

  attached(message) {
    if (message.control && this.mode === "own") {
      this.home = { run_id: message.run_id, token: this.socket.token, config: message.config };
      remember(this.lab, message.run_id, this.socket.token);
    }
    // Back to this tab's run after a reload: the form keeps what the tab's URL holds (edits not yet
    // started included). A watched run, or our own after following another, brings its config.
    const reloaded = message.control && this.shown === null;
    if (this.shown !== message.run_id) this.applyAndReset(reloaded ? null : message.config, message.run_id, message.config);
    this.player.refresh();
  }

  forgetHome() {
    forget(this.lab);
    this.home = null;
    return "own";
  }

  frame(message) {
    this.player.moveTo(message.step);
    this.latest = message;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      if (this.latest) this.onFrame(this.latest);
    });
  }

  // Before another run is drawn: nothing of the previous one may be drawn after this. `config` is the
  // new run's (the page draws its scene from it, not from a form that may differ).
  reset(config) {
    this.latest = null;
    this.report("");
    this.pageRestart?.(config);
  }

  // Show run `runId` (of config `runConfig`); `config`, when given, is written into the page's form.
  applyAndReset(config, runId, runConfig = config) {
    this.shown = runId;
    if (config && this.applyConfig) this.applyConfig(structuredClone(config));
    this.player.showing(runConfig, false);
    this.reset(runConfig && structuredClone(runConfig));
    this.player.moveTo(0, true);
  }

  connection(state, info) {
    if (state === "closed") this.player.setStatus("reconnecting", info);
    if (state !== "open" || !info.reconnected) return;
    if (this.mode === "follow" && !this.followed.attach) {
      // the server's presentation ended with the old socket: back to our own run until it presents again
      this.mode = "own";
      this.followed = null;
      this.setWatching(false, true);
    }
    if (this.mode === "own") {
      if (this.home) this.socket.attach(this.home.run_id, this.home.token);
      else this.player.setStatus("idle"); // the start was lost with the socket: Start is one click away
    } else {
      this.socket.attach(this.mode === "watch" ? watchedRunId() : this.followed.run_id);
    }
    if (this.socket.runId) this.player.setStatus("reattaching");
  }

  setWatching(on, leavable) {
    this.player.setWatching(on, { leavable });
    if (this.controls) this.controls.inert = on; // the lab's form shows the run's config, read-only
    document.body.classList.toggle("watching", on);
  }

  // Stop watching a ?watch= link: the page becomes the tab's own, starting a run with the shown config.
  leave() {
    if (this.mode === "follow") {
      this.unfollow();
      return;
    }
    dropWatchParam();
    this.mode = "own";
    this.setWatching(false, true);
    this.socket.detach();
    this.shown = null;
    this.player.start(true);
  }

  follow({ run_id: runId, lab, config = null, attach = true, leavable = false }) {
    if (lab !== this.lab) return false;
    this.mode = "follow";
    this.followed = { run_id: runId, attach };
    this.setWatching(true, leavable);
    if (attach) {
      this.socket.attach(runId);
    } else {
      this.socket.show(runId);
      this.applyAndReset(config, runId);
    }
    this.player.setStatus("connecting");
    return true;
  }

  // A scene handed to the class: the config becomes this page's own run, fresh and paused at step 0.
  openScene(config) {
    if (this.mode !== "own" || !this.applyConfig) return false;
    this.applyConfig(structuredClone(config));
    this.player.start(true);
    return true;
  }

  unfollow() {
    if (this.mode !== "follow") return false;
    const { attach } = this.followed;
    this.mode = "own";
    this.followed = null;
    this.setWatching(false, true);
    if (!this.home) {
      this.shown = null;
      this.player.start(true);
    } else if (attach) {
      this.socket.attach(this.home.run_id, this.home.token);
    } else {
      this.socket.show(this.home.run_id, this.home.token); // the server re-sends its latest frame and status
      this.applyAndReset(this.home.config, this.home.run_id);
    }
    return true;
  }
}

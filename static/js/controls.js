// The player every live lab shares: start/restart, play/pause, step, speed, and the status line.
import { t } from "./i18n.js";
import { RunSocket } from "./socket.js";
import { clampNumber, fieldSchema } from "./state.js";

const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, null]; // steps per second; null is as fast as it goes

export class Player {
  constructor(root, socket, { lab, getConfig, onRestart }) {
    this.root = root;
    this.socket = socket;
    this.lab = lab;
    this.getConfig = getConfig;
    this.onRestart = onRestart;
    this.status = "idle";
    this.buttons = {
      start: root.querySelector("[data-action=start]"),
      toggle: root.querySelector("[data-action=toggle]"),
      step: root.querySelector("[data-action=step]"),
    };
    this.speed = root.querySelector("[data-action=speed]");
    this.speedLabel = root.querySelector("[data-speed-label]");
    this.statusLine = root.querySelector("[data-status-line]");
    this.buttons.start.addEventListener("click", () => this.start());
    this.buttons.toggle.addEventListener("click", () => this.toggle());
    this.buttons.step.addEventListener("click", () => this.socket.step(1));
    const pace = SPEEDS.indexOf(Number(root.dataset.pace)); // the lab's default pace, from its page
    if (pace >= 0) this.speed.value = pace;
    root.querySelector("[data-action=speed-max]")?.addEventListener("click", () => {
      this.speed.value = SPEEDS.length - 1;
      this.speed.dispatchEvent(new Event("input"));
    });
    this.speed.addEventListener("input", () => {
      this.showSpeed();
      if (this.status === "running" || this.status === "paused") this.socket.set({ speed: this.currentSpeed() });
    });
    this.showSpeed();
    this.setStatus("idle");
  }

  get live() {
    return this.status === "running" || this.status === "paused";
  }

  // Change hyperparameters of the run on screen, if there is one (the `set` message).
  setLive(params) {
    if (this.live) this.socket.set(params);
  }

  currentSpeed() {
    return SPEEDS[Number(this.speed.value)] ?? null;
  }

  showSpeed() {
    const s = this.currentSpeed();
    this.speedLabel.textContent = s === null ? t("player.speed_max") : `${s} ${t("player.steps_per_s")}`;
  }

  start(paused = false) {
    const config = this.getConfig();
    if (!config) return;
    this.onRestart?.();
    const speed = this.currentSpeed();
    this.socket.start(this.lab, config, { ...(speed ? { speed } : {}), paused });
    this.setStatus("connecting");
  }

  toggle() {
    if (this.status === "running") this.socket.pause();
    else if (this.status === "paused") this.socket.resume();
    else this.start();
  }

  setStatus(status, vars = {}) {
    this.status = status;
    this.statusLine.dataset.status = status;
    this.statusLine.textContent = t(`status.${status}`, vars);
    const live = status === "running" || status === "paused";
    this.buttons.start.textContent = live || ["finished", "diverged", "stopped"].includes(status)
      ? t("player.restart") : t("player.start");
    this.buttons.toggle.textContent = status === "running" ? t("player.pause") : t("player.play");
    this.buttons.step.disabled = status !== "paused";
  }

  showError(message) {
    this.statusLine.dataset.status = "error";
    this.statusLine.textContent = `${t("common.error")}: ${message.field ? message.field + " — " : ""}${message.message}`;
  }
}

// A live lab's socket and player, wired alike on every page: statuses and errors go to the player
// (and to `showError`, by default the page's #form-error), and frames are drawn at most once per
// screen refresh, always the freshest.
export function livePlayer({ lab, getConfig, onFrame, onRestart, showError, root }) {
  const errorBox = document.getElementById("form-error");
  const report = showError ?? ((text) => { if (errorBox) errorBox.textContent = text; });
  let player;
  let latest = null;
  let scheduled = false;
  const socket = new RunSocket({
    onStarted: () => player.setStatus("running"),
    onFrame: (message) => {
      player.statusLine.dataset.step = message.step; // the step reached, before it is drawn
      latest = message;
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        if (latest) onFrame(latest);
      });
    },
    onStatus: (status) => player.setStatus(status),
    onQueued: (position) => player.setStatus("queued", { position }),
    onError: (message) => {
      player.showError(message);
      report(message.field ? `${message.field}: ${message.message}` : message.message);
    },
    onConnection: (state) => { if (state === "closed") player.setStatus("disconnected"); },
  });
  player = new Player(root ?? document.getElementById("player"), socket, {
    lab,
    getConfig,
    onRestart: () => {
      latest = null; // a frame of the previous run must not be drawn after the restart
      report("");
      onRestart?.();
    },
  });
  return { socket, player };
}

// A form whose controls name a config field (`data-field="depth"`) takes its choices, bounds and
// step from the lab's spec, never from the template: a select gets the field's choices (labelled by
// `label(field, value)`), a number input its minimum and maximum. A change is clamped to the spec,
// written into `config`, and reported to `onChange(field, value)`.
export function bindForm(root, spec, config, { label = (_, v) => String(v), onChange = () => {} } = {}) {
  const controls = [...root.querySelectorAll("[data-field]")];
  for (const el of controls) {
    const name = el.dataset.field;
    const node = fieldSchema(spec, name);
    if (!node) throw new Error(`the spec has no field ${name}`);
    if (el.tagName === "SELECT") {
      el.replaceChildren(...node.enum.map((v) => new Option(label(name, v), v)));
    } else if (el.type === "number") {
      const low = node.minimum ?? node.exclusiveMinimum;
      if (low !== undefined) el.min = low;
      if (node.maximum !== undefined) el.max = node.maximum;
      el.step = node.type === "integer" ? "1" : "any";
    }
    el.addEventListener("change", () => {
      const value = readControl(el, node);
      if (value === undefined) {
        writeControl(el, config[name]); // not a value this field takes: show the one in force
        return;
      }
      config[name] = value;
      writeControl(el, value);
      onChange(name, value);
    });
  }
  writeForm(root, config);
}

export function writeForm(root, config) {
  for (const el of root.querySelectorAll("[data-field]")) writeControl(el, config[el.dataset.field]);
}

function readControl(el, node) {
  if (el.type === "checkbox") return el.checked;
  if (el.type === "number") {
    if (el.value === "") return node.nullable ? null : undefined;
    return clampNumber(node, Number(el.value));
  }
  return node.enum?.includes(el.value) ? el.value : undefined;
}

function writeControl(el, value) {
  if (el.type === "checkbox") el.checked = Boolean(value);
  else el.value = value ?? "";
}

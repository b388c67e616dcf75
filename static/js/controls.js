// The player every live lab shares: start/restart, play/pause, step, speed, and the status line.
import { t } from "./i18n.js";

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
    this.speed.addEventListener("input", () => {
      this.showSpeed();
      if (this.status === "running" || this.status === "paused") this.socket.set({ speed: this.currentSpeed() });
    });
    this.showSpeed();
    this.setStatus("idle");
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

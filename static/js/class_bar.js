// The class bar on every page of a browser that is in a class. A student's page follows the teacher:
// a presented run (read-only, same lab and view), a scene sent to everyone, a freeze. A teacher's lab
// page presents its run, releases, freezes and sends its settings. Names are only ever textContent.
import { loadStrings, t } from "./i18n.js";
import { ClassSocket } from "./class_socket.js";
import * as controls from "./controls.js"; // follow/unfollow/openScene/currentLive: the page's player
import { keepScene, membership, returnPlace, setMembership, setReturnPlace, takeScene } from "./class_membership.js";
import { VIEW_KEYS, viewDiffers, withView } from "./class_view.js";

const JOIN_FALLBACK_MS = 800; // a lab page that opens no run (player still idle) joins after this anyway
const VIEW_POLL_MS = 400; // how often a presenting teacher's page looks for a new view (tab, quantity, scale)

const bar = document.getElementById("class-bar");
const member = membership();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, action, onClick) {
  const b = el("button", "secondary", label);
  b.type = "button";
  b.dataset.classAction = action;
  b.addEventListener("click", onClick);
  return b;
}

// The page's socket (a lab page's own), or one of our own on pages without a live lab.
async function pageSocket() {
  for (let waited = 0; waited < 10000; waited += 20) { // a lab page's player comes once its module ran
    const live = controls.currentLive?.();
    if (live?.socket?.on) return live;
    if (!document.getElementById("player")) break; // not a lab page: no player is coming
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { socket: new ClassSocket(), player: null, lab: null };
}

class ClassBar {
  constructor(live) {
    this.live = live;
    this.socket = live.socket;
    this.following = null; // the presented run this page shows
    this.presenting = null; // (teacher) the run the class is shown
    this.frozen = false;
    this.joined = false;
    this.sentView = null;
    this.build();
    this.listen();
    this.openPendingScene();
    this.joinWhenSettled();
    const original = this.socket.handlers.onConnection;
    this.socket.handlers.onConnection = (state, info) => {
      original?.(state, info);
      if (state === "open" && info?.reconnected) this.joinWhenSettled(); // a new socket: join it too
    };
  }

  // Join right after the page's own start or re-attach went out on the socket (same socket, same order):
  // the class's present and freeze then apply on top of the page's own run, which the server keeps.
  joinWhenSettled() {
    clearInterval(this.joinPoll);
    const join = () => {
      clearInterval(this.joinPoll);
      this.socket.send({ type: "join", code: member.code, token: member.token });
    };
    const player = this.live.player;
    if (!player || player.status !== "idle") {
      join();
      return;
    }
    const began = Date.now();
    this.joinPoll = setInterval(() => {
      if (player.status !== "idle" || Date.now() - began > JOIN_FALLBACK_MS) join();
    }, 20);
  }

  build() {
    bar.replaceChildren();
    bar.hidden = false;
    bar.dataset.role = member.role;
    const teacher = member.role === "teacher";
    bar.append(el("strong", "class-bar-code", t(teacher ? "class.bar_teacher" : "class.bar", { code: member.code })));
    if (!teacher) {
      bar.append(el("span", "class-bar-name", t("class.you_are", { name: member.name ?? "" })));
    }
    this.note = el("span", "class-bar-note");
    this.note.setAttribute("role", "status");
    bar.append(this.note);
    const actions = el("span", "class-bar-actions");
    if (teacher) {
      if (this.live.player) {
        this.presentButton = button(t("class.present_this"), "present", () => this.presentMine());
        actions.append(this.presentButton, button(t("class.push_this"), "push", () => this.pushMine()));
      }
      this.releaseButton = button(t("class.release"), "release", () => this.socket.send({ type: "present", run_id: null }));
      this.freezeButton = button(t("class.freeze"), "freeze", () => this.socket.send({ type: "freeze", on: !this.frozen }));
      const dash = el("a", "class-bar-link", t("class.dash_link"));
      dash.href = `/class/${member.code}`;
      actions.append(this.releaseButton, this.freezeButton, dash);
      this.showTeacherState();
    } else {
      actions.append(button(t("class.leave"), "leave", () => this.leave()));
    }
    bar.append(actions);
    this.overlay = el("div", "class-freeze");
    this.overlay.hidden = true;
    this.overlay.append(el("p", "", t("class.frozen")));
    document.body.append(this.overlay);
  }

  listen() {
    const on = (type, fn) => this.socket.on(type, (m) => fn.call(this, m));
    on("joined", () => { this.joined = true; });
    on("error", (m) => {
      if (!this.joined && (m.field === "code" || m.field === "token")) this.gone("class.class_ended");
    });
    on("present", this.onPresent);
    on("release", this.onRelease);
    on("freeze", this.onFreeze);
    on("push", this.onPush);
    on("ended", () => this.gone("class.class_ended"));
    on("roster", this.onRoster);
  }

  say(key, vars) {
    this.note.textContent = key ? t(key, vars) : "";
  }

  // --- a student's page -----------------------------------------------------------------------------
  onPresent(m) {
    if (member.role !== "student" || !controls.follow) return;
    if (this.live.lab !== m.lab) {
      if (!returnPlace()) setReturnPlace(location.pathname + location.search + location.hash);
      location.assign(`/labs/${m.lab}${withView("", m.view)}`);
      return;
    }
    if (viewDiffers(location.hash, m.view)) {
      history.replaceState(null, "", withView(location.hash, m.view));
      location.reload(); // the page draws the teacher's view from its address, like any shared link
      return;
    }
    if (this.following !== m.run_id) {
      this.following = m.run_id;
      controls.follow({ run_id: m.run_id, lab: m.lab, config: m.config, attach: false });
    }
    this.say("class.following");
  }

  onRelease() {
    if (member.role !== "student") return;
    this.following = null;
    this.say("");
    const back = returnPlace();
    setReturnPlace(null);
    if (back && back !== location.pathname + location.search + location.hash) {
      location.assign(back);
      return;
    }
    controls.unfollow();
  }

  onFreeze(m) {
    if (member.role !== "student") return;
    this.overlay.hidden = !m.on;
    document.body.classList.toggle("class-frozen", m.on);
  }

  onPush(m) {
    if (member.role !== "student") return;
    if (this.live.lab === m.lab && controls.openScene?.(m.config)) {
      this.say("class.scene_arrived");
      return;
    }
    keepScene({ lab: m.lab, config: m.config });
    setReturnPlace(null);
    location.assign(`/labs/${m.lab}`);
  }

  openPendingScene() {
    const scene = this.live.lab && takeScene(this.live.lab);
    if (scene && controls.openScene?.(scene.config)) this.say("class.scene_arrived");
  }

  leave() {
    setMembership(null);
    location.reload(); // a fresh socket, in no class; this page's own run stays
  }

  gone(key) {
    setMembership(null);
    if (this.following) controls.unfollow();
    this.following = null;
    this.overlay.hidden = true;
    document.body.classList.remove("class-frozen");
    bar.replaceChildren(el("span", "class-bar-note", t(key)));
    bar.dataset.role = "ended";
  }

  // --- a teacher's lab page --------------------------------------------------------------------------
  onRoster(m) {
    this.presenting = m.presenting;
    this.frozen = m.frozen;
    this.showTeacherState();
  }

  showTeacherState() {
    if (!this.freezeButton) return;
    this.freezeButton.textContent = t(this.frozen ? "class.unfreeze" : "class.freeze");
    this.freezeButton.setAttribute("aria-pressed", String(this.frozen));
    this.releaseButton.disabled = !this.presenting;
    const mine = this.presenting && this.presenting === this.socket.runId;
    this.presentButton?.setAttribute("aria-pressed", String(Boolean(mine)));
    this.say(mine ? "class.presenting" : "");
  }

  currentView() {
    try {
      const state = JSON.parse(decodeURIComponent(location.hash.slice(1)) || "{}");
      return Object.fromEntries(VIEW_KEYS.filter((k) => k in state).map((k) => [k, state[k]]));
    } catch {
      return {};
    }
  }

  presentMine() {
    const runId = this.socket.runId;
    if (!runId) {
      this.say("class.no_live_run");
      return;
    }
    this.sentView = JSON.stringify(this.currentView());
    this.socket.send({ type: "present", run_id: runId, view: this.currentView() });
    this.presenting = runId;
    this.showTeacherState();
    clearInterval(this.viewTimer);
    this.viewTimer = setInterval(() => this.resendView(), VIEW_POLL_MS);
  }

  // While this page's run is presented, a new tab, quantity or scale here is the students' too.
  resendView() {
    if (!this.presenting || this.presenting !== this.socket.runId) {
      clearInterval(this.viewTimer);
      return;
    }
    const view = this.currentView();
    if (JSON.stringify(view) === this.sentView) return;
    this.sentView = JSON.stringify(view);
    this.socket.send({ type: "present", run_id: this.presenting, view });
  }

  pushMine() {
    const config = this.live.player.getConfig();
    if (!config) return;
    this.socket.send({ type: "push", lab: this.live.lab, config });
    this.say("class.pushed");
  }
}

if (member && bar) {
  await loadStrings();
  new ClassBar(await pageSocket());
}

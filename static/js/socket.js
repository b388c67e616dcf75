// One socket to /ws/runs showing one run at a time: its own (started, or attached with its token) or
// another's (watched without a token). It reconnects with back-off (the page re-attaches on "open");
// frames and statuses of any other run are dropped.
// A socket opened with `hold` (early_run.js: before the page can draw) sends at once but keeps what it
// receives, connection changes included, until `release()`: then the page gets it all, in order.
const BACKOFF_S = [0.5, 1, 2, 4, 8, 15]; // then 15 s; each delay is jittered so a class does not return at once

export class RunSocket {
  constructor(handlers = {}, { hold = false } = {}) {
    this.handlers = {};
    this.setHandlers(handlers);
    this.held = hold ? [] : null; // what arrived before release(), as calls to make
    this.skipStarted = 0; // "started" answers still to come for starts the page abandoned
    this.releasing = false;
    this.listeners = new Map(); // message type -> [fn]: for messages this class does not know (class layer)
    this.runId = null; // the run whose frames are shown; every other run's are dropped
    this.token = null; // its control token, when this socket may control it
    this.attaching = false; // an attach is on its way: a run_id/token error means the run is gone
    this.pending = [];
    this.attempt = 0;
    this.closedByUs = false;
    this.connect();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/runs`;
  }

  setHandlers({ onFrame, onStatus, onError, onStarted, onAttached, onGone, onQueued, onConnection }) {
    Object.assign(this.handlers, { onFrame, onStatus, onError, onStarted, onAttached, onGone, onQueued, onConnection });
  }

  connect() {
    this.ws = new WebSocket(this.url());
    const attempt = this.attempt;
    this.deliver(() => this.handlers.onConnection?.("connecting", { attempt }));
    this.ws.onopen = () => {
      const reconnected = this.attempt > 0;
      this.attempt = 0;
      // may re-attach (sent at once: the socket is open)
      this.deliver(() => this.handlers.onConnection?.("open", { reconnected }));
      for (const message of this.pending.splice(0)) this.ws.send(message);
    };
    this.ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      this.deliver(() => this.receive(message), message);
    };
    this.ws.onclose = () => {
      if (this.closedByUs) return;
      this.pending = []; // controls pressed while offline are dropped: the page re-attaches and shows the truth
      this.attaching = false;
      const base = BACKOFF_S[Math.min(this.attempt, BACKOFF_S.length - 1)];
      const delay = base * (0.75 + 0.5 * Math.random());
      this.attempt += 1;
      const info = { attempt: this.attempt, seconds: Math.max(1, Math.round(delay)) };
      this.deliver(() => this.handlers.onConnection?.("closed", info));
      this.retry = setTimeout(() => this.connect(), delay * 1000);
    };
  }

  deliver(call, message = null) {
    if (this.held) this.held.push(Object.assign(call, { message }));
    else call();
  }

  // The page will not show the run of the start this socket sent while held (early_run.js): what came
  // of it is dropped, and so is its "started" if that is still on its way.
  abandonStart() {
    if (!this.held) return;
    const started = this.held.find((call) => call.message?.type === "started");
    const runId = started?.message.run_id;
    this.held = this.held.filter((call) => !call.message || (call.message !== started?.message
      && (call.message.run_id === undefined || call.message.run_id !== runId)));
    if (!started) this.skipStarted += 1;
  }

  // What was held, to the page, in a task of its own (as if it arrived just now); then as it comes.
  release() {
    if (!this.held || this.releasing) return;
    this.releasing = true;
    setTimeout(() => {
      const held = this.held;
      this.held = null;
      for (const call of held) call();
    }, 0);
  }

  // Whether an attach to `runId` is on its way or answered (unreleased): sending another is redundant.
  attachingTo(runId) {
    return this.attaching && this.runId === runId;
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  receive(message) {
    for (const fn of this.listeners.get(message.type) ?? []) fn(message);
    switch (message.type) {
      case "started":
        if (this.skipStarted > 0) {
          this.skipStarted -= 1;
          break;
        }
        this.runId = message.run_id;
        this.token = message.token ?? null;
        this.handlers.onStarted?.(message);
        break;
      case "attached":
        this.attaching = false;
        this.runId = message.run_id;
        if (!message.control) this.token = null;
        this.handlers.onAttached?.(message);
        break;
      case "frame":
        if (message.run_id === this.runId) this.handlers.onFrame?.(message);
        break;
      case "status":
        if (!message.run_id || message.run_id === this.runId) this.handlers.onStatus?.(message.status, message);
        break;
      case "queued":
        this.handlers.onQueued?.(message.position);
        break;
      case "error":
        if (this.attaching && (message.field === "run_id" || message.field === "token")) {
          const runId = this.runId;
          this.attaching = false;
          this.runId = null;
          this.token = null;
          this.handlers.onGone?.(message, runId);
        } else {
          this.handlers.onError?.(message);
        }
        break;
    }
  }

  send(message) {
    const text = JSON.stringify(message);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.pending.push(text);
  }

  start(lab, config, options = {}) {
    this.runId = null; // frames of the previous run are stale from now on
    this.token = null;
    this.attaching = false;
    this.send({ type: "start", lab, config, ...options });
  }

  // Show run `runId`: controlling it with `token`, watching it without.
  attach(runId, token = null) {
    this.runId = runId;
    this.token = token;
    this.attaching = true;
    this.send({ type: "attach", run_id: runId, ...(token ? { token } : {}) });
  }

  // Show frames of `runId` that the server sends without an attach (a class presenting a run).
  show(runId, token = null) {
    this.runId = runId;
    this.token = token;
    this.attaching = false;
  }

  detach() {
    this.runId = null;
    this.token = null;
    this.send({ type: "detach" });
  }

  pause() { this.send({ type: "pause" }); }
  resume() { this.send({ type: "resume" }); }
  step(n = 1) { this.send({ type: "step", n }); }
  seek(step) { this.send({ type: "seek", step }); }
  set(params) { this.send({ type: "set", params }); }
  stop() { this.send({ type: "stop" }); }
  close() {
    this.closedByUs = true;
    clearTimeout(this.retry);
    this.ws.close();
  }
}

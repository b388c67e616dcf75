// One live run over /ws/runs: start, pause, resume, step, set, stop; frames of other runs are dropped.
export class RunSocket {
  constructor({ onFrame, onStatus, onError, onStarted, onQueued, onConnection } = {}) {
    this.handlers = { onFrame, onStatus, onError, onStarted, onQueued, onConnection };
    this.runId = null;
    this.pending = [];
    this.closedByUs = false;
    this.connect();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/runs`;
  }

  connect() {
    this.ws = new WebSocket(this.url());
    this.handlers.onConnection?.("connecting");
    this.ws.onopen = () => {
      this.handlers.onConnection?.("open");
      for (const message of this.pending.splice(0)) this.ws.send(message);
    };
    this.ws.onmessage = (event) => this.receive(JSON.parse(event.data));
    this.ws.onclose = () => {
      if (this.closedByUs) return;
      this.handlers.onConnection?.("closed");
      this.runId = null;
      setTimeout(() => this.connect(), 1500);
    };
  }

  receive(message) {
    switch (message.type) {
      case "started":
        this.runId = message.run_id;
        this.handlers.onStarted?.(message);
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
        this.handlers.onError?.(message);
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
    this.send({ type: "start", lab, config, ...options });
  }
  pause() { this.send({ type: "pause" }); }
  resume() { this.send({ type: "resume" }); }
  step(n = 1) { this.send({ type: "step", n }); }
  set(params) { this.send({ type: "set", params }); }
  stop() { this.send({ type: "stop" }); }
  close() { this.closedByUs = true; this.ws.close(); }
}

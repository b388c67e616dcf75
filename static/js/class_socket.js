// A socket to /ws/runs for pages without a live lab (the dashboard, the landing and join pages): class
// messages only. It reconnects with a jittered back-off; `handlers.onConnection("open", {reconnected})`
// lets the caller join again.
const BACKOFF_S = [0.5, 1, 2, 4, 8];

export class ClassSocket {
  constructor({ onConnection } = {}) {
    this.handlers = { onConnection };
    this.listeners = new Map();
    this.pending = [];
    this.attempt = 0;
    this.closedByUs = false;
    this.runId = null;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.ws = new WebSocket(`${scheme}://${location.host}/ws/runs`);
    this.ws.onopen = () => {
      const reconnected = this.attempt > 0;
      this.attempt = 0;
      this.handlers.onConnection?.("open", { reconnected });
      for (const text of this.pending.splice(0)) this.ws.send(text);
    };
    this.ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      for (const fn of this.listeners.get(message.type) ?? []) fn(message);
    };
    this.ws.onclose = () => {
      if (this.closedByUs) return;
      this.handlers.onConnection?.("closed", {});
      const delay = BACKOFF_S[Math.min(this.attempt, BACKOFF_S.length - 1)] * (0.75 + 0.5 * Math.random());
      this.attempt += 1;
      this.retry = setTimeout(() => this.connect(), delay * 1000);
    };
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  send(message) {
    const text = JSON.stringify(message);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.pending.push(text);
  }

  close() {
    this.closedByUs = true;
    clearTimeout(this.retry);
    this.ws.close();
  }
}

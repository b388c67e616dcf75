// A live lab page's run socket, opened the moment the page starts (an async module in its head, named
// with the lab: `data-early-run`), not once its modules, strings, spec and questions are in: after a
// reload the attach to the tab's run (or a ?watch= link's) goes at once, so the run's latest frame is
// waiting when the page is ready to draw it; a fresh tab's start goes from an open socket. What the socket
// receives is held until the page's controller takes it over and opens (live_controller.js), so the page
// sees it as if it had just arrived.
import { RunSocket } from "./socket.js";
import { recall, watchedRunId } from "./run_memory.js";

let early = null;
const lab = document.querySelector("script[data-early-run]")?.dataset.earlyRun;
if (lab) {
  const socket = new RunSocket({}, { hold: true });
  const watched = watchedRunId();
  const saved = watched ? null : recall(lab);
  if (watched) socket.attach(watched);
  else if (saved) socket.attach(saved.run_id, saved.token);
  early = { lab, socket };
}

// The early socket for the controller of lab `lab`, once; null when there is none (another lab's is closed).
export function takeEarlySocket(lab) {
  const taken = early;
  early = null;
  if (!taken) return null;
  if (taken.lab === lab) return taken.socket;
  taken.socket.close();
  return null;
}

// A live lab page's run socket, opened the moment the page starts (an async module in its head, named
// with the lab: `data-early-run`), not once its modules, strings, spec and questions are in:
// - after a reload the attach to the tab's run (or a ?watch= link's) goes at once, so the run's latest
//   frame is waiting when the page is ready to draw it;
// - a fresh tab (no run of its own, no state in its URL) sends its start at once: the lab's defaults at
//   its pace, paused at step 0, as the page would once loaded (`data-early-start`, written by the server
//   from the same spec the form is built from). The server builds the run and its first frame while the
//   page loads; the controller adopts that run if its form asks for exactly it (live_controller.js).
// What the socket receives is held until the page's controller takes it over and opens, so the page
// sees it as if it had just arrived.
import { RunSocket } from "./socket.js";
import { recall, watchedRunId } from "./run_memory.js";

let early = null;
const script = document.querySelector("script[data-early-run]");
const lab = script?.dataset.earlyRun;
if (lab) {
  const socket = new RunSocket({}, { hold: true });
  const watched = watchedRunId();
  const saved = watched ? null : recall(lab);
  let started = null; // {config, speed}: the start sent for a fresh tab
  if (watched) socket.attach(watched);
  else if (saved) socket.attach(saved.run_id, saved.token);
  else if (location.hash.length <= 1 && script.dataset.earlyStart) {
    started = JSON.parse(script.dataset.earlyStart);
    socket.start(lab, started.config, { speed: started.speed, paused: true });
  }
  early = { lab, socket, started };
}

// The early socket for the controller of lab `lab`, once, with the start it sent (null if none); null
// when there is none (another lab's is closed).
export function takeEarlySocket(lab) {
  const taken = early;
  early = null;
  if (!taken) return null;
  if (taken.lab === lab) return { socket: taken.socket, started: taken.started };
  taken.socket.close();
  return null;
}

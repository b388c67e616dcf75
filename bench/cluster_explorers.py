"""The explorers part of ``bench.bench_cluster``: 40 different runs on one GradLab process against
the same 40 spread over two, in interleaved arms (1, 2, 1, 2) so that the machine's other load
weighs on both alike.

What it counts, and why so:

- Steps come from the servers' own frames: each run is paused (a pause sends the frame of its exact
  step), resumed, and paused again ``seconds`` later; its rate is the steps between the two frames
  over the time between the resume and the second pause. All runs step together meanwhile.
- Every frame is read as it comes, as a browser would (a socket left unread holds the server's
  writes back, so it would encode and send less than for a real class), with permessage-deflate as
  browsers negotiate it; the client only inflates a frame and reads the step from its head
  (``_step_of``), never parses the whole JSON. Its own CPU is printed: it must stay small.
- Each GradLab process is started in its own session. Linux groups a session's processes for the
  scheduler (autogroup): all of a session's threads together get one fair share of a busy machine,
  so two servers started from one shell get no more CPU than one, and on this shared machine the
  ratio measured 1.04x whatever the product did. A server in production runs as its own service;
  its own session is the nearest thing here. The CPU each arm's servers got is printed beside the
  ratio, with steps per server CPU-second, so a ratio that comes from the scheduler rather than
  from the product shows.
"""

import asyncio
import contextlib
import json
import os
import time
from dataclasses import dataclass

import websockets
from websockets.asyncio.client import ClientConnection, connect

from bench.bench_classroom import LAB, RUN, _step_of
from bench.harness import cpu_seconds, server_process


@dataclass
class Arm:
    processes: int
    steps_s: float  # all runs together
    server_cores: float  # CPU the servers used in the window, in cores
    client_cores: float  # CPU this client used meanwhile
    refused: int

    @property
    def steps_per_cpu_s(self) -> float:
        return self.steps_s / max(self.server_cores, 1e-9)


class Explorer:
    """One socket running one seed, read as it comes: the step of its latest frame."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.step = -1
        self.started = asyncio.get_running_loop().create_future()
        self.paused: asyncio.Future[int] | None = None
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            while True:
                raw = await self.ws.recv(decode=False)
                seen = _step_of(raw)
                if seen is not None:
                    self.step = seen[1]
                elif not self.started.done() and raw.startswith((b'{"type":"started"', b'{"type":"error"')):
                    self.started.set_result(raw.startswith(b'{"type":"started"'))
                elif self.paused is not None and b'"status":"paused"' in raw[:100] and not self.paused.done():
                    self.paused.set_result(self.step)
        except websockets.ConnectionClosed:
            if not self.started.done():
                self.started.set_result(False)

    async def pause(self) -> tuple[int, float]:
        """Pause: the step of the exact frame a pause sends, and when the pause was asked for."""
        self.paused = asyncio.get_running_loop().create_future()
        asked = time.perf_counter()
        await self.ws.send(b'{"type":"pause"}', text=True)
        return await asyncio.wait_for(self.paused, 120), asked

    async def resume(self) -> float:
        resumed = time.perf_counter()
        await self.ws.send(b'{"type":"resume"}', text=True)
        return resumed

    async def window(self, seconds: float) -> float:
        """Steps/s between a resume and the pause ``seconds`` later, both read from the run's frames
        (frames are rare under load: a run builds one within its frame budget, a pause always)."""
        first, _ = await self.pause()
        resumed = await self.resume()
        await asyncio.sleep(seconds)
        last, asked = await self.pause()
        return (last - first) / (asked - resumed)


async def arm(servers: list[tuple[str, int]], runs: int, seconds: float) -> Arm:
    """``runs`` seeds dealt round-robin over ``servers`` (url, pid)."""
    explorers = [Explorer(await connect(servers[i % len(servers)][0], max_size=None, ping_interval=None,
                                        compression="deflate")) for i in range(runs)]
    try:
        for i, e in enumerate(explorers):
            await e.ws.send(json.dumps({"type": "start", "lab": LAB, "config": {**RUN, "seed": i}}))
        started = await asyncio.wait_for(asyncio.gather(*(e.started for e in explorers)), 240)
        await asyncio.sleep(1.0)
        live = [e for e, ok in zip(explorers, started) if ok]
        cpu0, mine0, t0 = [cpu_seconds(pid) for _, pid in servers], time.process_time(), time.perf_counter()
        rates = await asyncio.gather(*(e.window(seconds) for e in live))
        cpu1, mine1, t1 = [cpu_seconds(pid) for _, pid in servers], time.process_time(), time.perf_counter()
    finally:
        for e in explorers:
            await _stop(e)
    return Arm(len(servers), sum(rates), (sum(cpu1) - sum(cpu0)) / (t1 - t0), (mine1 - mine0) / (t1 - t0),
               started.count(False))


async def _stop(e: Explorer) -> None:
    """Stop the run (not left to its grace period, where the next arm's identical start would share it)."""
    try:
        await e.ws.send(json.dumps({"type": "stop"}))
        await e.ws.close()
    except websockets.ConnectionClosed:
        pass
    e.task.cancel()


def interleaved(first: tuple[str, int], second: tuple[str, int], runs: int, seconds: float,
                rounds: int = 2) -> list[Arm]:
    """1 process, 2 processes, 1, 2, ...; the one-process arms alternate between the two servers.
    A short arm first warms both (data sets loaded, first steps' allocations): not reported."""
    asyncio.run(arm([first, second], 4, 1.0))
    arms: list[Arm] = []
    for r in range(rounds):
        alone = first if r % 2 == 0 else second
        arms.append(asyncio.run(arm([alone], runs, seconds)))
        arms.append(asyncio.run(arm([first, second], runs, seconds)))
    return arms


def report(arms: list[Arm], runs: int) -> str:
    ones = [a for a in arms if a.processes == 1]
    twos = [a for a in arms if a.processes == 2]
    one, two = (sum(a.steps_s for a in side) / len(side) for side in (ones, twos))
    cores_one, cores_two = (sum(a.server_cores for a in side) / len(side) for side in (ones, twos))
    lines = [f"  {a.processes} process{'es' if a.processes > 1 else ''}: {a.steps_s:6.0f} steps/s, servers used "
             f"{a.server_cores:.2f} cores ({a.steps_per_cpu_s:.0f} steps per CPU-second), client "
             f"{a.client_cores:.2f} cores; refused {a.refused}" for a in arms]
    return "\n".join([f"explorers: {runs} runs over 2 processes {two:.0f} steps/s against 1 process {one:.0f} = "
                      f"{two / one:.2f}x (goal >= 1.6x; means of {len(twos)} interleaved arms each); the servers used "
                      f"{cores_two / cores_one:.2f}x the CPU, {(two / cores_two) / (one / cores_one):.2f}x the steps "
                      "per CPU-second", *lines])


def measure(redis_port: int, runs: int, seconds: float) -> list[Arm]:
    """Two GradLab processes on the Redis at ``redis_port``, each in its own session, and the arms."""
    env = {"broker_url": f"redis://127.0.0.1:{redis_port}/0", "run_grace_s": "5",
           "max_connections_per_client": "2000", "max_runs": str(max(64, runs))}
    with contextlib.ExitStack() as stack:
        first, second = ((url, proc.pid) for url, proc in
                         (stack.enter_context(server_process(240, own_session=True, **env)) for _ in range(2)))
        return interleaved(first, second, runs, seconds)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"

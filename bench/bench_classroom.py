"""A classroom on one server, measured: every figure a ratio or a percentile taken in this one run.

- lecture: one run watched by 1, 60 and 300 sockets: the server's CPU relative to 1 watcher (goal
  <= 1.5x at 300), p95 lag of a frame from its arrival at the run's own socket (the first the fan-out
  serves, so as near its creation as a client sees) to its arrival at each watcher (goal < 250 ms at
  300), and frames/s per watcher against the owner's (goal: each gets the frame rate).
- preset: 30 sockets start the same config within 5 s, half flat out and half at 20 steps/s, 5 of
  them pausing and stepping: the server's CPU relative to one such run alone (goal <= 2x).
- explorers: 40 different runs of one lab: none refused; their total steps/s relative to the same 40
  runs stepped back to back in a bare loop in this process (goal >= 0.8); the fastest run's steps/s
  over the slowest's (goal <= 2). The bare loop is timed just before and just after the server's
  window (their mean), so that a machine whose load changes weighs on both alike; beside the ratio,
  steps per CPU-second of the server against the bare loop's, which a busy machine sways less. The
  bare loop builds no frames: a served run builds them within its frame budget (``frame_budget``,
  12% of its stepping time), so a ratio near 0.89 is all the server could reach.
- class: a teacher presenting to 60 students, and the roster with 60 students running
  (bench/bench_classroom_class.py).
- --cluster: the same classroom over 2 processes and Redis instead (bench/bench_cluster.py, which
  takes the options that follow): 300 watchers spread over both (p95 lag per process), Redis PUBLISH
  calls per frame, and 40 runs over 2 processes against 1 (total steps/s ratio).

    python -m bench.bench_classroom [--seconds 8] [--skip class]
    python -m bench.bench_classroom --cluster [--seconds 6] [--watchers 300] [--skip hall explorers]
"""

import argparse
import asyncio
import json
import random
import sys
import time
from typing import Any

import orjson
import websockets

from app.settings import Settings
from app.web.registry import LIVE_LABS
from bench.harness import cpu_seconds, server_process, setup_torch, until_type

LAB = "initialization"
RUN = {"depth": 4, "width": 32, "batch_size": 32, "steps": 100_000, "bins": 20,
       "methods": [{"method": "xavier_normal"}, {"method": "kaiming_normal"}]}


def _step_of(raw: str | bytes) -> tuple[str, int] | None:
    """(type, step) of a frame without parsing all of it: the engine writes its keys first."""
    head = raw[:120] if isinstance(raw, str) else raw[:120].decode()
    if not head.startswith('{"type":"frame"'):
        return None
    at = head.index('"step":') + 7
    return "frame", int(head[at:head.index(",", at)])


class Reader:
    """Reads a socket from the moment it opens (a socket left unread stalls, as a real one would):
    the arrival time of every frame's step."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.arrivals: list[tuple[float, int]] = []
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                seen = _step_of(raw)
                if seen is not None:
                    self.arrivals.append((time.perf_counter(), seen[1]))
                else:
                    self.messages.put_nowait(orjson.loads(raw))
        except websockets.ConnectionClosed:
            pass

    async def until(self, kind: str) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.messages.get(), 60)
            if message["type"] == kind:
                return message
            if message["type"] == "error":
                raise RuntimeError(message)

    def window(self, t0: float, t1: float) -> dict[int, float]:
        first: dict[int, float] = {}
        for at, step in self.arrivals:
            if t0 <= at < t1:
                first.setdefault(step, at)
        return first

    async def close(self) -> None:
        await self.ws.close()
        self.task.cancel()


async def _open(url: str) -> Reader:
    return Reader(await websockets.connect(url, max_size=None, ping_interval=None))


async def _lecture(url: str, pid: int, watchers: int, seconds: float) -> dict[str, float]:
    owner = await _open(url)
    await owner.ws.send(json.dumps({"type": "start", "lab": LAB, "config": RUN}))
    started = await owner.until("started")
    readers = [await _open(url) for _ in range(watchers)]
    try:
        for r in readers:
            await r.ws.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
        for r in readers:
            await r.until("attached")
        await asyncio.sleep(1.0)
        cpu0, mine0, t0 = cpu_seconds(pid), time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu, mine, t1 = cpu_seconds(pid) - cpu0, time.process_time() - mine0, time.perf_counter()
        own = owner.window(t0, t1)
        theirs = [r.window(t0, t1) for r in readers]
    finally:
        await owner.ws.send(json.dumps({"type": "stop"}))
        for r in [*readers, owner]:
            await r.close()
    lags = [at - own[step] for arrivals in theirs for step, at in arrivals.items() if step in own]
    return {"cpu_s": cpu / seconds, "p95_lag_ms": 1000 * _p95(lags), "owner_fps": len(own) / seconds,
            "watcher_fps_p5": _percentile([len(a) / seconds for a in theirs], 0.05), "client_cpu": mine / seconds}


async def _preset(url: str, pid: int, seconds: float, together: int) -> float:
    """CPU seconds per second of ``together`` identical starts (or one, alone)."""
    rng = random.Random(0)

    async def student(i: int, until: float) -> None:
        await asyncio.sleep(0 if together == 1 else rng.uniform(0, 5))
        async with websockets.connect(url, max_size=None) as ws:
            speed = None if i % 2 == 0 else 20
            await ws.send(json.dumps({"type": "start", "lab": LAB, "config": RUN, "speed": speed}))
            await until_type(ws, "started")
            pauser = together > 1 and i < 10 and i % 2 == 1 and i // 2 < 5
            while time.perf_counter() < until:
                if pauser:
                    await ws.send(json.dumps({"type": "pause"}))
                    await ws.send(json.dumps({"type": "step", "n": 3}))
                    await ws.send(json.dumps({"type": "resume"}))
                try:
                    await asyncio.wait_for(_drain(ws), 1.0)
                except TimeoutError:
                    pass
            await ws.send(json.dumps({"type": "stop"}))

    start = time.perf_counter()
    cpu0 = cpu_seconds(pid)
    await asyncio.gather(*(student(i, start + seconds) for i in range(together)))
    return (cpu_seconds(pid) - cpu0) / (time.perf_counter() - start)


async def _drain(ws: Any) -> None:
    while True:
        await ws.recv()


async def _explorers(url: str, pid: int, runs: int, seconds: float) -> dict[str, float]:
    sockets = [await websockets.connect(url, max_size=None) for _ in range(runs)]
    refused = 0
    last: list[int] = [0] * runs
    try:
        for i, ws in enumerate(sockets):
            await ws.send(json.dumps({"type": "start", "lab": LAB, "config": {**RUN, "seed": i}}))
        for ws in sockets:
            try:
                await until_type(ws, "started")
            except RuntimeError:
                refused += 1
        await asyncio.sleep(1.0)

        async def reached(ws: Any) -> int:
            """Pause, read the exact step the pause reports, resume: frames may be rare under load."""
            await ws.send(json.dumps({"type": "pause"}))
            step = 0
            while True:
                raw = await ws.recv()
                seen = _step_of(raw)
                if seen is not None:
                    step = seen[1]
                elif b'"paused"' in (raw if isinstance(raw, bytes) else raw.encode()):
                    await ws.send(json.dumps({"type": "resume"}))
                    return step

        first = await asyncio.gather(*(reached(ws) for ws in sockets))
        t0, cpu0 = time.perf_counter(), cpu_seconds(pid)
        await asyncio.sleep(seconds)
        last = await asyncio.gather(*(reached(ws) for ws in sockets))
        elapsed, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    finally:
        for ws in sockets:
            await ws.close()
    rates = [(b - a) / elapsed for a, b in zip(first, last)]
    return {"refused": refused, "total_steps_s": sum(rates), "fastest_over_slowest": max(rates) / max(min(rates), 1e-9),
            "steps_per_cpu_s": sum(rates) * elapsed / max(cpu, 1e-9)}


def _bare_loop(runs: int, seconds: float) -> tuple[float, float]:
    """The same runs stepped back to back in this process, no server, no frames: steps per second, and
    per CPU-second of this process."""
    live = LIVE_LABS[LAB]
    built = [live.build(live.config_model.model_validate({**RUN, "seed": i}), Settings()) for i in range(runs)]
    steps, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for run in built:
            run.step()
        steps += runs
    return steps / (time.perf_counter() - start), steps / max(time.process_time() - cpu, 1e-9)


def _p95(values: list[float]) -> float:
    return _percentile(values, 0.95)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--skip", nargs="*", default=[])
    parser.add_argument("--cluster", action="store_true", help="over 2 processes and Redis: bench/bench_cluster.py "
                        "with the options that follow")
    if "--cluster" in sys.argv[1:]:  # before parsing: the options are bench_cluster's
        from bench.bench_cluster import main as cluster  # here: it imports this module's clients

        cluster([a for a in sys.argv[1:] if a != "--cluster"])
        return
    args = parser.parse_args()
    setup_torch()
    # a lecture hall is one address here: lift the per-address socket bound for the test client
    with server_process(run_grace_s="5", max_connections_per_client="2000") as (url, server):
        if "lecture" not in args.skip:
            base = asyncio.run(_lecture(url, server.pid, 1, args.seconds))
            for n in (60, 300):
                got = asyncio.run(_lecture(url, server.pid, n, args.seconds))
                print(f"lecture {n:3d} watchers: server CPU {got['cpu_s'] / base['cpu_s']:.2f}x of 1 watcher "
                      f"(goal <= 1.5x at 300), p95 lag {got['p95_lag_ms']:.0f} ms (goal < 250), "
                      f"frames/s owner {got['owner_fps']:.1f}, watchers' 5th percentile {got['watcher_fps_p5']:.1f} "
                      f"(this client used {got['client_cpu']:.0%} of a core: near 100% the lag is the client's)")
        if "preset" not in args.skip:
            alone = asyncio.run(_preset(url, server.pid, args.seconds * 2, 1))
            class_ = asyncio.run(_preset(url, server.pid, args.seconds * 2, 30))
            print(f"preset: 30 identical starts (15 flat out, 15 at 20 steps/s, 5 pausing and stepping) cost "
                  f"{class_ / alone:.2f}x the CPU of one run alone (goal <= 2x)")
        if "explorers" not in args.skip:
            before = _bare_loop(40, args.seconds / 2)
            got = asyncio.run(_explorers(url, server.pid, 40, args.seconds))
            after = _bare_loop(40, args.seconds / 2)
            bare, bare_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
            print(f"explorers: 40 different runs, {got['refused']} refused; total {got['total_steps_s']:.0f} steps/s "
                  f"= {got['total_steps_s'] / bare:.2f}x a bare loop's {bare:.0f} (before {before[0]:.0f}, after "
                  f"{after[0]:.0f}) (goal >= 0.8); fastest over slowest {got['fastest_over_slowest']:.2f} (goal <= 2); "
                  f"per CPU-second {got['steps_per_cpu_s']:.0f} steps against the bare loop's {bare_cpu:.0f} = "
                  f"{got['steps_per_cpu_s'] / bare_cpu:.2f}x")
        if "class" not in args.skip:
            from bench.bench_classroom_class import class_scenario

            print("class:", class_scenario(url, 60, args.seconds))


if __name__ == "__main__":
    main()

"""Two GradLab processes and one Redis, measured: every figure a ratio or a percentile taken in this run.

- hall: one run on process 1 watched by 300 sockets, half on each process: p95 lag of a frame from
  its arrival at the run's own socket to its arrival at each watcher, per process (goal < 250 ms).
- traffic: Redis PUBLISH calls (INFO commandstats) per frame of that run that crossed Redis while the
  300 watch (a subscriber of the run's channel counts them): a frame crosses once for process 2, not
  once per watcher (goal: 1 publish per frame). Statuses and requests between processes are counted
  apart. The run's own socket is no measure of the frames made: a slow client's outbox coalesces.
- explorers: 40 different runs, 20 on each process, against the same 40 on one process alone: total
  steps/s ratio (goal >= 1.6x on a 2-core machine), arms interleaved (bench/cluster_explorers.py).

    python -m bench.bench_cluster [--seconds 6] [--watchers 300] [--skip hall explorers]
    python -m bench.bench_classroom --cluster [the same options]
"""

import argparse
import asyncio
import collections
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator

import redis
import websockets

from bench import cluster_explorers
from bench.bench_classroom import LAB, RUN, _open, _percentile, _step_of
from bench.harness import server_process, setup_torch

HALL_SPEED = 400  # steps/s of the presented run: frames still come at the server's frame rate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def redis_server() -> Iterator[int]:
    port, folder = _free_port(), tempfile.mkdtemp(prefix="bench-redis-")
    server = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                               "127.0.0.1", "--save", "", "--dir", folder], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                break
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def gradlab(redis_port: int) -> Iterator[str]:
    """One GradLab process on the shared Redis (its start may take minutes on a busy machine)."""
    with server_process(240, broker_url=f"redis://127.0.0.1:{redis_port}/0", run_grace_s="5",
                        max_connections_per_client="2000", max_runs="64") as (url, _):
        yield url


def _publishes(redis_port: int) -> int:
    stats = redis.Redis(port=redis_port).info("commandstats")
    return int(stats.get("cmdstat_publish", {}).get("calls", 0))


class Tap:
    """Reads a run's Redis channel as a process does, in a thread of its own (this client's event loop
    is busy with 300 sockets): when each frame crossed, how many messages, frames and statuses."""

    def __init__(self, redis_port: int, run_id: str) -> None:
        self.pubsub = redis.Redis(port=redis_port).pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(f"gradlab:run:{run_id}")
        self.seen: list[tuple[float, int | None]] = []  # (arrival, a frame's step or None for a status)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while not self.done.is_set():
            message = self.pubsub.get_message(timeout=0.2)
            if message is not None:
                seen = _step_of(message["data"])
                self.seen.append((time.perf_counter(), seen[1] if seen else None))

    def window(self, t0: float, t1: float) -> tuple[dict[int, float], int, int]:
        """First arrival of each frame, frame messages and status messages between t0 and t1."""
        inside = [(at, step) for at, step in self.seen if t0 <= at < t1]
        first: dict[int, float] = {}
        for at, step in inside:
            if step is not None:
                first.setdefault(step, at)
        frames = sum(step is not None for _, step in inside)
        return first, frames, len(inside) - frames

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
        self.pubsub.close()


async def _hall(urls: tuple[str, str], redis_port: int, watchers: int, seconds: float) -> dict[str, float]:
    owner = await _open(urls[0])
    # paced, as a lecture is: flat out, its 100,000 steps could end while 300 sockets attach
    await owner.ws.send(json.dumps({"type": "start", "lab": LAB, "config": RUN, "speed": HALL_SPEED}))
    started = await owner.until("started")
    readers = [await _open(urls[i % 2]) for i in range(watchers)]
    tap = Tap(redis_port, started["run_id"])
    try:
        for r in readers:
            await r.ws.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
        for r in readers:
            await r.until("attached")
        await asyncio.sleep(1.0)
        published0, mine0, t0 = _publishes(redis_port), time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        published, t1 = _publishes(redis_port) - published0, time.perf_counter()
        mine = (time.process_time() - mine0) / (t1 - t0)
        own = owner.window(t0, t1)
        theirs = [r.window(t0, t1) for r in readers]
        crossed, frame_messages, statuses = tap.window(t0, t1)
        closed = collections.Counter(f"{r.ws.close_code} {r.ws.close_reason}".strip()
                                     for r in [owner, *readers] if r.ws.close_code is not None)
    finally:
        tap.close()
        with contextlib.suppress(websockets.ConnectionClosed):  # a client this busy may lose a socket
            await owner.ws.send(json.dumps({"type": "stop"}))
        for r in [*readers, owner]:
            with contextlib.suppress(websockets.ConnectionClosed):
                await r.close()
    lags = [[at - own[step] for arrivals in theirs[side::2] for step, at in arrivals.items() if step in own]
            for side in (0, 1)]
    return {"p95_p1_ms": 1000 * _percentile(lags[0], 0.95), "p95_p2_ms": 1000 * _percentile(lags[1], 0.95),
            "p95_redis_ms": 1000 * _percentile([at - own[s] for s, at in crossed.items() if s in own], 0.95),
            "client_cpu": mine, "closed": closed, "owner_fps": len(own) / seconds,
            "p2_fps_p5": _percentile([len(a) / seconds for a in theirs[1::2]], 0.05),
            # a frame is published once however many watch it: its messages on the channel per frame
            "publish_per_frame": frame_messages / max(1, len(crossed)), "frames": len(crossed),
            "publishes": published, "statuses": statuses, "other_publishes": published - frame_messages - statuses}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--watchers", type=int, default=300)
    parser.add_argument("--skip", nargs="*", default=[])
    args = parser.parse_args(argv)
    setup_torch()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with redis_server() as port, gradlab(port) as first, gradlab(port) as second:
        if "hall" not in args.skip:
            got = asyncio.run(_hall((first, second), port, args.watchers, args.seconds))
            print(f"hall {args.watchers} watchers over 2 processes: p95 lag {got['p95_p1_ms']:.0f} ms on the run's "
                  f"process, {got['p95_p2_ms']:.0f} ms on the other (goal < 250); owner {got['owner_fps']:.1f} "
                  f"frames/s, 5th percentile on the other process {got['p2_fps_p5']:.1f}")
            if got["closed"]:  # a starved client (inflating 300 sockets' frames) misses the servers' pings
                print(f"  {sum(got['closed'].values())} of the {args.watchers + 1} sockets were closed before the "
                      f"end, {dict(got['closed'])}: the figures are not a measure (1011 'keepalive ping timeout' "
                      f"is a server closing a socket whose client did not answer its ping within 20 s)")
            print(f"  of which Redis: p95 {got['p95_redis_ms']:.0f} ms from the run's own socket to a subscriber "
                  f"of its channel (the rest is the other process's fan-out and this client, which used "
                  f"{got['client_cpu']:.0%} of a core: near 100% the lag is the client's)")
            print(f"traffic: {got['publish_per_frame']:.2f} Redis PUBLISH per frame with {args.watchers // 2} "
                  f"watchers on the other process (goal 1); all PUBLISH calls {got['publishes']} for "
                  f"{got['frames']} frames: besides them {got['statuses']} statuses and {got['other_publishes']} "
                  f"other messages (requests between processes, classes)")
        if "explorers" not in args.skip:
            print(f"explorers start: {cluster_explorers.load()}")
            print(cluster_explorers.report(cluster_explorers.measure(port, 40, args.seconds), 40))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

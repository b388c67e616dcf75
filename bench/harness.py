"""Shared pieces of the benchmarks: a real server on loopback and a client draining its frames."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import torch
import websockets

from app.settings import Settings


@contextmanager
def running_server(**env: str) -> Iterator[str]:
    """GradLab in its own process on a free loopback port, as a classroom would run it (the
    benchmark's client then competes with it for nothing but the CPU); yields the WebSocket URL."""
    with server_process(**env) as (url, _):
        yield url


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server_process(start_s: float = 60, own_session: bool = False,
                   **env: str) -> Iterator[tuple[str, "subprocess.Popen[bytes]"]]:
    """As ``running_server``, yielding the WebSocket URL and the server's process (given ``start_s`` to
    answer ``/healthz``; with ``own_session`` in a session of its own, which Linux's autogroup
    schedules as a separate job, as a server run as its own service would be)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environment = {**os.environ, **{f"GRADLAB_{k.upper()}": v for k, v in env.items()}}
    server = subprocess.Popen([sys.executable, "-m", "app", "--port", str(port)], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=own_session)
    try:
        deadline = time.monotonic() + start_s
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the GradLab server did not start") from None
                time.sleep(0.2)
        yield f"ws://127.0.0.1:{port}/ws/runs", server
    finally:
        server.terminate()
        server.wait(10)


async def _stream(url: str, lab: str, config: dict[str, Any]) -> tuple[float, int, int]:
    async with websockets.connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "start", "lab": lab, "config": config}))
        frames, started, last_step = 0, None, 0
        async for raw in ws:
            message = orjson.loads(raw)
            if message["type"] == "started":
                started = time.perf_counter()
            elif message["type"] == "frame":
                frames += 1
                last_step = message["step"]
            elif message["type"] == "status" and message["status"] in ("finished", "diverged", "stopped"):
                assert started is not None
                return time.perf_counter() - started, frames, last_step
            elif message["type"] == "error":
                raise RuntimeError(message)
    raise RuntimeError("the socket closed before the run ended")


def stream_run(url: str, lab: str, config: dict[str, Any]) -> tuple[float, int, int]:
    """Seconds from ``started`` to the end of the run, frames received, and the last step."""
    return asyncio.run(_stream(url, lab, config))


def best_of(repeats: int, fn: Any) -> float:
    return min(fn() for _ in range(repeats))


def setup_torch() -> None:
    torch.set_num_threads(Settings().torch_threads)  # as the server does


async def until_type(ws: Any, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` on a websockets client; an ``error`` raises."""
    while True:
        message = orjson.loads(await ws.recv())
        if message["type"] == kind:
            return message  # type: ignore[no-any-return]
        if message["type"] == "error":
            raise RuntimeError(message)

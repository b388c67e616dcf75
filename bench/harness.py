"""Shared pieces of the benchmarks: a real server on loopback and a client draining its frames."""

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
import uvicorn
import websockets

from app.__main__ import server_config
from app.settings import Settings


@contextmanager
def running_server(**overrides: Any) -> Iterator[str]:
    """GradLab on a free loopback port; yields the WebSocket URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(port=port, **overrides)
    server = uvicorn.Server(server_config(settings, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"ws://127.0.0.1:{port}/ws/runs"
    finally:
        server.should_exit = True
        thread.join(10)


async def _stream(url: str, lab: str, config: dict[str, Any]) -> tuple[float, int, int]:
    async with websockets.connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "start", "lab": lab, "config": config}))
        frames, started, last_step = 0, None, 0
        async for raw in ws:
            message = json.loads(raw)
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

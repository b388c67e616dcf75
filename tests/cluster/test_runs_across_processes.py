"""Two GradLab processes and one Redis: a run computed on one is watched and controlled from the other."""

import asyncio
import json
import time
from typing import Any

import websockets

from tests.cluster.clients import kind, receive, status
from tests.web.test_socket_server import run_async
from tests.web.wsutil import TINY

CONFIG = {**TINY, "steps": 100_000}


def test_a_run_on_one_process_is_watched_and_controlled_from_the_other(two_processes):
    first, second = two_processes

    async def scenario() -> None:
        async with websockets.connect(first.ws) as owner, websockets.connect(second.ws) as watcher, \
                websockets.connect(second.ws) as controller:
            await owner.send(json.dumps({"type": "start", "lab": "initialization", "config": CONFIG}))
            started = await receive(owner, kind("started"))
            await watcher.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
            attached = await receive(watcher, kind("attached"))
            assert attached["control"] is False and attached["lab"] == "initialization"
            assert attached["config"] == started["config"]
            one = await receive(watcher, kind("frame"))
            later = await receive(watcher, lambda m: m["type"] == "frame" and m["step"] > one["step"])
            assert later["run_id"] == started["run_id"]
            await watcher.send(json.dumps({"type": "pause"}))
            assert (await receive(watcher, kind("error")))["field"] == "type"

            await controller.send(json.dumps({"type": "attach", "run_id": started["run_id"], "token": "x" * 22}))
            assert (await receive(controller, kind("error")))["field"] == "token"
            await controller.send(json.dumps({"type": "attach", "run_id": started["run_id"],
                                              "token": started["token"]}))
            assert (await receive(controller, kind("attached")))["control"] is True
            await controller.send(json.dumps({"type": "pause"}))
            await receive(owner, status("paused"))
            paused = await receive(watcher, status("paused"))
            assert paused["run_id"] == started["run_id"]
            await controller.send(json.dumps({"type": "step", "n": 2}))
            frame = await receive(owner, kind("frame"))
            assert (await receive(watcher, lambda m: m["type"] == "frame" and m["step"] == frame["step"]))
            await controller.send(json.dumps({"type": "seek", "step": 1}))
            assert (await receive(watcher, kind("frame")))["step"] == 1
            await controller.send(json.dumps({"type": "stop"}))
            await receive(watcher, status("stopped"))
            await receive(owner, status("stopped"))

    run_async(scenario)


def test_when_the_owner_dies_its_watchers_elsewhere_are_told(two_processes):
    first, second = two_processes

    async def scenario() -> dict[str, Any]:
        async with websockets.connect(first.ws) as owner, websockets.connect(second.ws) as watcher:
            await owner.send(json.dumps({"type": "start", "lab": "initialization", "config": CONFIG}))
            started = await receive(owner, kind("started"))
            await watcher.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
            await receive(watcher, kind("frame"))
            first.kill()
            return await receive(watcher, status("stopped"))

    stopped = run_async(scenario)
    assert "went away" in stopped["message"]

    async def other_runs_go_on() -> None:
        async with websockets.connect(second.ws) as ws:
            await ws.send(json.dumps({"type": "start", "lab": "initialization", "config": {**TINY, "steps": 3}}))
            await receive(ws, status("finished"))

    run_async(other_runs_go_on)


def test_runs_survive_a_redis_restart(two_processes, redis_server):
    first, second = two_processes

    async def scenario() -> None:
        async with websockets.connect(first.ws) as owner:
            await owner.send(json.dumps({"type": "start", "lab": "initialization", "config": CONFIG,
                                         "paused": True}))
            started = await receive(owner, kind("started"))
            redis_server.stop()
            await owner.send(json.dumps({"type": "step", "n": 1}))  # the owner's own socket never noticed
            await receive(owner, status("paused"))
            redis_server.start()
            deadline = time.monotonic() + 60
            while True:  # the processes reconnect; the directory is there (or written again)
                async with websockets.connect(second.ws) as watcher:
                    await watcher.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
                    reply = await receive(watcher, lambda m: m["type"] in ("attached", "error"))
                    if reply["type"] == "attached":
                        assert (await receive(watcher, kind("frame")))["step"] == 1
                        return
                assert time.monotonic() < deadline, reply
                await asyncio.sleep(0.5)

    run_async(scenario)


def test_workers_need_a_shared_broker():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "app", "--workers", "2"], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "GRADLAB_BROKER_URL": "memory://"})
    assert done.returncode == 2 and "GRADLAB_BROKER_URL=redis://" in done.stderr


def test_two_workers_on_one_port_serve_one_run_to_every_socket(redis_server):
    import os
    import subprocess
    import sys
    import urllib.request

    from tests.cluster.conftest import ROOT, free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "app", "--workers", "2", "--port", str(port)], cwd=ROOT,
                              env={**os.environ, "GRADLAB_BROKER_URL": redis_server.url},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240  # two processes importing torch at once on a busy machine
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gradlab --workers 2 did not start"
                time.sleep(0.2)
        url = f"ws://127.0.0.1:{port}/ws/runs"

        async def scenario() -> list[int]:
            async with websockets.connect(url) as owner:
                await owner.send(json.dumps({"type": "start", "lab": "initialization", "config": CONFIG}))
                started = await receive(owner, kind("started"))
                watchers = [await websockets.connect(url) for _ in range(8)]
                try:
                    for ws in watchers:  # the kernel spreads them over both processes
                        await ws.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
                    return [(await receive(ws, kind("frame"), timeout=60))["step"] for ws in watchers]
                finally:
                    for ws in watchers:
                        await ws.close()

        assert len(run_async(scenario)) == 8
    finally:
        server.terminate()
        server.wait(20)

"""The socket behind a real uvicorn: protocol limits and many clients at once."""

import asyncio
import json
import threading
import time
from typing import Any

import websockets

from tests.web.wsutil import TINY


async def _receive(ws, predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        if predicate(message):
            return message


def run_async(scenario: Any) -> Any:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop running in ours."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(scenario())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def ws_url(live_server: str) -> str:
    return live_server.replace("http://", "ws://") + "/ws/runs"


def test_a_large_message_gets_an_error_and_the_socket_lives(live_server):
    async def scenario():
        async with websockets.connect(ws_url(live_server)) as ws:
            await ws.send(json.dumps({"type": "start", "lab": "initialization", "config": {"x": "y" * 200_000}}))
            error = await _receive(ws, lambda m: True)
            assert error["type"] == "error" and error["field"] == "message"
            await ws.send(json.dumps({"type": "start", "lab": "initialization", "config": {**TINY, "steps": 3}}))
            await _receive(ws, lambda m: m["type"] == "status" and m["status"] == "finished")

    run_async(scenario)


def test_twenty_clients_at_once_all_get_their_runs(live_server):
    async def client(i):
        async with websockets.connect(ws_url(live_server)) as ws:
            await ws.send(json.dumps({"type": "start", "lab": "initialization",
                                      "config": {**TINY, "steps": 30, "seed": i}}))
            end = await _receive(ws, lambda m: m["type"] == "status" and m["status"] in ("finished", "diverged")
                                 or m["type"] == "error", timeout=60)
            return end

    async def scenario():
        return await asyncio.gather(*(client(i) for i in range(20)))

    results = run_async(scenario)
    # Twenty different runs at once: everyone is admitted and finishes.
    assert [end.get("status") for end in results] == ["finished"] * 20


def test_a_stalled_watcher_leaves_the_others_frame_rate_as_it_was(live_server):
    """A laptop that stops reading (asleep, a dead Wi-Fi link) fills its own socket, nobody else's."""
    config = {**TINY, "width": 128, "bins": 200}  # large frames: the stalled socket's buffers fill fast

    async def frames_in(ws, seconds):
        count, deadline = 0, time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), left))
            except TimeoutError:
                break
            count += message["type"] == "frame"
        return count

    async def scenario():
        url = ws_url(live_server)
        async with websockets.connect(url, max_size=None) as owner, \
                websockets.connect(url, max_size=None) as watcher:
            await owner.send(json.dumps({"type": "start", "lab": "initialization", "config": config}))
            started = await _receive(owner, lambda m: m["type"] == "started")
            await watcher.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
            await _receive(watcher, lambda m: m["type"] == "attached")
            before = await frames_in(watcher, 4)
            stalled = await websockets.connect(url, max_size=None, max_queue=1, ping_interval=None)
            await stalled.send(json.dumps({"type": "attach", "run_id": started["run_id"]}))
            during = await frames_in(watcher, 10)  # the stalled socket reads nothing all this time
            await owner.send(json.dumps({"type": "stop"}))
            await stalled.close()
            return before / 4, during / 10

    before, during = run_async(scenario)
    assert before > 0 and during >= 0.5 * before, (before, during)

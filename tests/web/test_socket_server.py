"""The socket behind a real uvicorn: protocol limits and many clients at once."""

import asyncio
import json
import time

import websockets

from tests.web.wsutil import TINY


async def _receive(ws, predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        if predicate(message):
            return message


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

    asyncio.run(scenario())


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

    results = asyncio.run(scenario())
    # Beyond the 8 run slots the rest wait in line (16 places): everyone finishes, nobody is refused.
    assert [end.get("status") for end in results] == ["finished"] * 20

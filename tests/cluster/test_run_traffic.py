"""A run's messages through a real redis-server when the processes at either end are busier than the
run: both ends skip to the newest frame (statuses all kept, in order) instead of queueing every one.

The two brokers here stand for two GradLab processes (each has its own process id and Redis
connections); the PUBLISH calls are read from Redis's INFO commandstats.
"""

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import orjson
import redis

from app.broker.redis import PREFIX, RedisBroker
from app.runs.remote_publisher import Publisher
from app.runs.remote_run import RemoteRun
from app.runs.run import Attachment

FRAMES = 200  # made while the process at one end was busy: far more than a screen shows


def frame(step: int) -> bytes:
    return orjson.dumps({"type": "frame", "run_id": "r1", "step": step, "total_steps": 10_000, "loss": step / 7})


def status(name: str) -> bytes:
    return orjson.dumps({"type": "status", "run_id": "r1", "status": name})


def publishes(client: redis.Redis) -> int:
    return int(client.info("commandstats").get("cmdstat_publish", {}).get("calls", 0))


def shown(messages: list[bytes]) -> list[Any]:
    """Each message as its step (a frame) or its status."""
    return [m.get("step", m.get("status")) for m in map(orjson.loads, messages)]


async def until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + 60
    while not predicate():
        assert time.monotonic() < deadline, f"never: {what}"
        await asyncio.sleep(0.01)


async def subscribed(client: redis.Redis, channel: str) -> None:
    await until(lambda: dict(client.pubsub_numsub(PREFIX + channel)).get((PREFIX + channel).encode()) == 1,
                f"a subscriber on {channel}")


def test_a_busy_owner_publishes_the_newest_frame_once_not_every_frame_it_made(redis_server):
    """The owner's loop made 200 frames and a status before its publisher had a turn: Redis gets the
    newest frame before the status, the status, and the frame after it: 3 PUBLISH calls, not 202."""
    client = redis.Redis(port=redis_server.port)

    async def scenario() -> list[bytes]:
        owner, other = RedisBroker(redis_server.url), RedisBroker(redis_server.url)
        await owner.start()
        await other.start()
        heard: list[bytes] = []
        other.subscribe("run:r1", heard.append)
        await subscribed(client, "run:r1")
        publisher = Publisher(SimpleNamespace(run_id="r1"), owner)  # type: ignore[arg-type]
        before = publishes(client)
        for step in range(FRAMES):
            publisher.put(frame(step), frame=True)
        publisher.put(status("paused"))
        publisher.put(frame(FRAMES), frame=True)
        await until(lambda: len(heard) >= 3 and orjson.loads(heard[-1]).get("step") == FRAMES, "the last frame")
        assert publishes(client) - before == 3
        publisher.close()
        await owner.close()
        await other.close()
        return heard

    assert shown(asyncio.run(scenario())) == [FRAMES - 1, "paused", FRAMES]


class Counted:
    """A socket's outbox as the fan-out sees it: every message handed to it, in order."""

    def __init__(self) -> None:
        self.got: list[bytes] = []

    def put(self, data: bytes, frame: bool = False) -> None:
        self.got.append(data)


def test_a_busy_watching_process_hands_its_sockets_the_newest_frame_not_its_backlog(redis_server):
    """Redis delivered 200 frames, a status and a frame while the watching process was busy (its
    loop blocked): each of its 150 sockets is handed the newest frame before the status, the status,
    and the frame after, not 202 messages each."""
    client = redis.Redis(port=redis_server.port)

    async def scenario() -> tuple[list[Counted], RemoteRun]:
        other = RedisBroker(redis_server.url)
        await other.start()
        stand_in = RemoteRun("r1", "owner", "initialization", {}, None, SimpleNamespace())  # type: ignore[arg-type]
        sockets = [Counted() for _ in range(150)]
        for sub in sockets:
            stand_in.attach(Attachment(stand_in, sub, control=False))  # type: ignore[arg-type]
        other.subscribe("run:r1", stand_in.receive)
        await subscribed(client, "run:r1")
        with client.pipeline(transaction=False) as pipe:  # blocks this loop, as 150 sends would
            for step in range(FRAMES):
                pipe.publish(PREFIX + "run:r1", frame(step))
            pipe.publish(PREFIX + "run:r1", status("paused"))
            pipe.publish(PREFIX + "run:r1", frame(FRAMES))
            pipe.execute()
        # still blocked until Redis has written all of it to the watching process's connection
        while any(c.get("sub", "0") != "0" and (c["obl"] != "0" or c["oll"] != "0") for c in client.client_list()):
            time.sleep(0.01)
        await until(lambda: stand_in.position == FRAMES, "the last frame handed out")
        await other.close()
        return sockets, stand_in

    sockets, stand_in = asyncio.run(scenario())
    for sub in sockets:
        assert shown(sub.got)[-3:] == [FRAMES - 1, "paused", FRAMES]
        assert len(sub.got) < 10  # one frame per read of Redis's backlog at most, not one per frame made
    assert stand_in.status == "paused" and stand_in.last_frame == frame(FRAMES)

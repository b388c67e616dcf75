"""``max_classes`` over every process sharing a real redis-server: counted in Redis in one step, so
processes making the last class at the same moment cannot both succeed; an expired or ended class
leaves the count; a teacher refused on any process reads the refusal of the one-process cap."""

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from app.broker.redis import PREFIX, RedisBroker
from app.classes import broker_store
from app.classes.broker_store import BrokerClassStore
from app.classes.store import ClassRecord, TooManyClasses
from tests.cluster.clients import ahttp
from tests.cluster.conftest import GradLab, RedisServer
from tests.web.test_socket_server import run_async


def refusal(limit: int) -> list[dict[str, Any]]:
    """What POST /api/classes answers (503) when the cap is reached: the same in one process
    (tests/web/test_class_api.py) and across several; pages say it by its code."""
    return [{"loc": ["body"], "msg": f"this server already holds {limit} classes, its limit", "type": "value_error",
             "code": "too_many_classes", "params": {"limit": limit}}]


async def processes(url: str, n: int, max_classes: int, idle_s: float = 60.0) -> list[BrokerClassStore]:
    """``n`` class stores, each on its own Redis connection pool and process id, as ``n`` processes."""
    stores = []
    for _ in range(n):
        broker = RedisBroker(url)
        await broker.start()
        stores.append(BrokerClassStore(broker, max_classes, 100, idle_s))
    return stores


async def close(stores: list[BrokerClassStore]) -> None:
    for store in stores:
        await store.close()
        await store.broker.close()


async def make(store: BrokerClassStore) -> ClassRecord | TooManyClasses:
    record = store.create()
    try:
        await store.admitted(record)
    except TooManyClasses as exc:
        assert store.get(record.code) is None  # a refused class is forgotten at once
        return exc
    return record


def class_keys(server: RedisServer) -> list[bytes]:
    return sorted(redis.Redis(port=server.port).keys(f"{PREFIX}class:*"))


def test_six_processes_asking_for_three_places_at_once_get_exactly_three(redis_server):
    async def scenario():
        stores = await processes(redis_server.url, 6, max_classes=3)
        try:
            answers = await asyncio.gather(*(make(store) for store in stores))
        finally:
            await close(stores)
        made = [a for a in answers if isinstance(a, ClassRecord)]
        refused = [a for a in answers if isinstance(a, TooManyClasses)]
        assert len(made) == 3 and len(refused) == 3
        assert {r.limit for r in refused} == {3}
        assert class_keys(redis_server) == sorted(f"{PREFIX}class:{r.code}".encode() for r in made)
    run_async(scenario)


def test_an_ended_class_and_an_expired_one_give_their_place_back(redis_server):
    async def scenario():
        # long enough that the next make, on a loaded machine, comes while the class still holds its place
        first, second = await processes(redis_server.url, 2, max_classes=1, idle_s=5.0)
        try:
            ended = await make(first)
            assert isinstance(ended, ClassRecord) and isinstance(await make(second), TooManyClasses)
            first.end(ended.code)
            await first.flush()
            expiring = await make(second)  # nobody teaches it: it expires 5 s after it was made
            assert isinstance(expiring, ClassRecord)
            assert isinstance(await make(first), TooManyClasses)
            deadline = time.monotonic() + 60
            while class_keys(redis_server) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert class_keys(redis_server) == []
            again = await make(first)
            assert isinstance(again, ClassRecord) and again.code != expiring.code
        finally:
            await close([first, second])
    run_async(scenario)


def test_a_code_another_process_holds_is_drawn_again(redis_server, monkeypatch):
    draws: Iterator[str] = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(broker_store, "new_code", lambda taken: next(draws))

    async def scenario():
        first, second = await processes(redis_server.url, 2, max_classes=5)
        try:
            mine, theirs = await make(first), await make(second)
            assert isinstance(mine, ClassRecord) and isinstance(theirs, ClassRecord)
            assert (mine.code, theirs.code) == ("AAAAAA", "BBBBBB")
            assert second.get("AAAAAA") is None and second.get("BBBBBB") is theirs
            there = await first.load("BBBBBB")
            assert there is not None and there.teacher_token == theirs.teacher_token != mine.teacher_token
        finally:
            await close([first, second])
    run_async(scenario)


@pytest.fixture
def capped(redis_server: RedisServer) -> Iterator[tuple[GradLab, GradLab]]:
    first = GradLab(redis_server.url, max_classes="2")
    try:
        second = GradLab(redis_server.url, max_classes="2")
    except BaseException:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


def test_teachers_on_two_processes_share_the_cap_and_read_the_one_process_refusal(capped):
    first, second = capped

    async def scenario():
        status, made = await ahttp("POST", f"{first.http}/api/classes")
        assert status == 201, made
        raced = await asyncio.gather(ahttp("POST", f"{first.http}/api/classes"),
                                     ahttp("POST", f"{second.http}/api/classes"))
        assert sorted(status for status, _ in raced) == [201, 503], raced
        assert [body["detail"] for status, body in raced if status == 503] == [refusal(2)]
        for process in (first, second):
            assert await ahttp("POST", f"{process.http}/api/classes") == (503, {"detail": refusal(2)})
        status, _ = await ahttp("DELETE", f"{second.http}/api/classes/{made['code']}", token=made["teacher_token"])
        assert status == 204
        status, again = await ahttp("POST", f"{second.http}/api/classes")
        assert status == 201, again
    run_async(scenario)

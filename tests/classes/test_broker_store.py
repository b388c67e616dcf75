"""The broker-backed class store as two processes see it, sharing one in-memory broker (fast, no Redis;
tests/cluster runs the same store over a real redis-server)."""

import asyncio
import subprocess
import sys
import time

from app.broker.memory import MemoryBroker
from app.classes.broker_store import BrokerClassStore
from app.classes.store import Experiment


def two_processes() -> tuple[MemoryBroker, MemoryBroker]:
    """Two brokers with their own process ids over one set of keys and channels."""
    one, two = MemoryBroker(), MemoryBroker()
    two._values, two._hashes, two._handlers = one._values, one._hashes, one._handlers
    return one, two


def stores(idle_s: float = 60.0) -> tuple[BrokerClassStore, BrokerClassStore, list, list]:
    one, two = two_processes()
    first, second = BrokerClassStore(one, 5, 3, idle_s), BrokerClassStore(two, 5, 3, idle_s)
    heard_first, heard_second = [], []
    first.on_event = lambda code, e: heard_first.append(e["kind"])
    second.on_event = lambda code, e: heard_second.append(e["kind"])
    return first, second, heard_first, heard_second


def test_a_class_made_on_one_process_is_joined_on_the_other_and_both_know_the_student():
    async def scenario():
        first, second, heard_first, _ = stores()
        record = first.create()
        await first.flush()
        assert second.get(record.code) is None  # not cached there yet
        there = await second.load(record.code.lower())
        assert there is not None and there.teacher_token == record.teacher_token and there is not record
        assert second.role(record.code, record.teacher_token) == ("teacher", None)
        student = second.add_student(record.code, "Mei")
        await second.flush()
        assert heard_first == ["student"]
        assert first.role(record.code, student.token)[1].name == "Mei"
        assert first.get(record.code).students[student.student_id].alias == student.alias
        for _ in range(2):
            second.add_student(record.code, None)
        try:
            second.add_student(record.code, "late")
            raise AssertionError("a fourth student joined a class of three")
        except Exception as exc:
            assert "full" in str(exc)
        await first.close()
        await second.close()
    asyncio.run(scenario())


def test_what_the_teacher_does_reaches_the_other_cache_with_what_was_before():
    async def scenario():
        first, second, _, heard_second = stores()
        record = first.create()
        await first.flush()
        there = await second.load(record.code)
        record.presenting, record.view, record.frozen = "r1", {"tab": "weights"}, True
        record.experiment = Experiment("training", "lr", "current_loss")
        from app.classes.records import meta

        first.save(record)
        first.publish(record.code, {"kind": "meta", "meta": meta(record), "did": "present"})
        await first.flush()
        assert heard_second == ["meta"]
        assert (there.presenting, there.view, there.frozen) == ("r1", {"tab": "weights"}, True)
        assert there.experiment == Experiment("training", "lr", "current_loss")
        fresh = BrokerClassStore(second.broker, 5, 3, 60)  # a process started later reads it from the broker
        loaded = await fresh.load(record.code)
        assert (loaded.presenting, loaded.frozen, loaded.experiment.field) == ("r1", True, "lr")
        first.end(record.code)
        await first.flush()
        assert heard_second[-1] == "ended" and second.get(record.code) is None
        assert await fresh.load(record.code, fresh=True) is None
    asyncio.run(scenario())


async def until(condition, seconds: float = 20.0) -> None:
    """Wait for ``condition`` (a loaded machine may run the store's keeper late; nothing is timed)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition never held")


def test_a_class_lives_while_a_teacher_socket_anywhere_holds_it_then_idle_s_more():
    async def scenario():
        first, second, _, heard_second = stores(idle_s=2.0)
        record = first.create()
        await first.flush()
        await second.load(record.code)
        second.teacher_arrived(record.code)  # the teacher's socket is on the other process
        await second.flush()
        left_at = first.broker._hashes[f"class:{record.code}"][1]
        await until(lambda: first.broker._hashes[f"class:{record.code}"][1] > left_at)  # the holder refreshes it
        second.teacher_left(record.code)
        await second.flush()
        now = time.monotonic()
        expires = first.broker._hashes[f"class:{record.code}"][1]
        assert 1.5 < expires - now <= 2.0  # idle_s from the teacher's leaving, whoever refreshed before
        await until(lambda: first.get(record.code) is None)
        assert first.expired() == [record.code]
        await until(lambda: "expired" in heard_second)
        await first.close()
        await second.close()
    asyncio.run(scenario())


def test_rows_of_a_process_that_stops_beating_are_forgotten():
    async def scenario():
        first, second, heard_first, _ = stores(idle_s=0.5)
        record = first.create()
        await first.flush()
        await second.load(record.code)
        second.publish(record.code, {"kind": "rows", "rows": {"rows": {"s1": {"step": 3}}, "points": []}})
        await second.flush()
        assert first.rows[record.code] == {second.broker.process_id: {"rows": {"s1": {"step": 3}}, "points": []}}
        first.teacher_arrived(record.code)
        await until(lambda: first.rows[record.code] == {})  # a memory broker's other "process" is never alive
        assert heard_first.count("rows") >= 2
        await first.close()
        await second.close()
    asyncio.run(scenario())


def test_memory_broker_classes_import_nothing_of_redis():
    code = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from app.main import create_app\n"
        "from app.settings import Settings\n"
        "with TestClient(create_app(Settings(broker_url='memory://')), base_url='http://127.0.0.1:8000') as c:\n"
        "    made = c.post('/api/classes').json()\n"
        "    assert c.post(f\"/api/classes/{made['code']}/students\", json={'name': 'Mei'}).status_code == 201\n"
        "    assert type(c.app.state.classes.store).__name__ == 'MemoryClassStore'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'redis' or m.endswith('broker_store')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_with_the_broker_away_a_known_class_is_served_from_the_cache_and_an_unknown_one_is_an_error():
    from app.broker.base import BrokerError

    class Away(MemoryBroker):
        async def hgetall(self, key):
            raise BrokerError("Redis is out of reach: connection refused")

    async def scenario():
        store = BrokerClassStore(Away(), 5, 3, 60)
        record = store.create()
        await store.flush()
        assert await store.load(record.code, fresh=True) is record
        try:
            await store.load("ZZZZZZ")
            raise AssertionError("an unknown class while Redis is away must not read as 'no such class'")
        except BrokerError as exc:
            assert "out of reach" in str(exc)
        await store.close()
    asyncio.run(scenario())

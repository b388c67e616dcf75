"""Run slots: a slot taken by a start and freed by the run's worker thread is freed on the event loop."""

import asyncio
import threading

from app.runs.slots import RunSlots


def test_a_worker_threads_release_runs_on_the_loop():
    async def scenario() -> tuple[int, int]:
        slots = RunSlots(1, 0)
        assert slots.try_acquire()  # the fast path of a start, as in RunConnection._start
        worker = threading.Thread(target=slots.release_soon)
        worker.start()
        worker.join()
        before = slots.active  # nothing changed yet: the release waits for the loop's thread
        await asyncio.sleep(0)
        return before, slots.active

    assert asyncio.run(scenario()) == (1, 0)


def test_a_waiter_gets_the_slot_a_worker_frees():
    async def scenario() -> int:
        slots = RunSlots(1, 1)
        assert slots.try_acquire()
        waiting = asyncio.create_task(slots.acquire())
        await asyncio.sleep(0)
        assert slots.waiting == 1
        threading.Thread(target=slots.release_soon).start()
        await asyncio.wait_for(waiting, 5)
        return slots.active

    assert asyncio.run(scenario()) == 1

"""Runs nobody moves may sleep to make room for new ones, and wake bitwise where they were."""

import asyncio
import json
from typing import Any

import pytest
import torch

from app.runs.errors import RunError
from app.runs.hub import HubLimits, Prepared, RunHub
from app.runs.outbox import Outbox


class Walk:
    """A seeded random walk: its state depends on every draw and every change before it."""

    total_steps = 10_000

    def __init__(self, seed: int) -> None:
        self.gen = torch.Generator().manual_seed(seed)
        self.x = torch.zeros(4, dtype=torch.float64)
        self.scale = 1.0
        self.finished = False

    def step(self) -> float:
        self.x += self.scale * torch.randn(4, generator=self.gen, dtype=torch.float64)
        return float(self.x.square().sum())

    def frame(self) -> dict[str, Any]:
        return {"x": self.x.tolist()}

    def set_params(self, params: dict[str, Any]) -> None:
        self.scale = float(params["scale"])


class Walks:
    def prepare(self, lab: str, config: dict[str, Any]) -> Prepared:
        seed = int(config["seed"])
        return Prepared(lab, config, f"{lab}:{seed}", lambda: Walk(seed), 1 << 20, ("seed",))


def _reference(seed: int, steps: int, change_at: int, scale: float) -> list[float]:
    walk = Walk(seed)
    for i in range(steps):
        if i == change_at:
            walk.set_params({"scale": scale})
        walk.step()
    return walk.x.tolist()


async def _until_paused(outbox: Outbox) -> dict[str, Any]:
    """The last frame before the next `paused` status."""
    frame: dict[str, Any] = {}
    while True:
        message = json.loads(await asyncio.wait_for(outbox.get(), 60))
        if message["type"] == "frame":
            frame = message
        elif message.get("status") == "paused":
            return frame


async def _paused_run(hub: RunHub, seed: int) -> tuple[Any, Outbox]:
    outbox = Outbox(asyncio.get_running_loop())
    run = await hub.start("walk", {"seed": seed}, paused=True, attach=outbox)
    await _until_paused(outbox)
    return run, outbox


def test_an_idle_run_sleeps_to_make_room_and_wakes_bitwise_where_it_was():
    async def scenario() -> dict[str, Any]:
        hub = RunHub(Walks(), HubLimits(max_runs=2, idle_s=0))
        try:
            a, a_out = await _paused_run(hub, 1)
            await a.step_n(30)
            await _until_paused(a_out)
            await a.set({"scale": 0.25})  # a history of its own: sleeping must keep the change
            await a.step_n(10)
            at_40 = await _until_paused(a_out)
            await _paused_run(hub, 2)
            await _paused_run(hub, 3)  # a third computation over max_runs 2: the least recent sleeps
            slept = a.timeline.asleep
            await a.step_n(20)
            at_60 = await _until_paused(a_out)
            await a.seek(35)
            at_35 = await _until_paused(a_out)
            return {"slept": slept, "awake": not a.timeline.asleep, 40: at_40, 60: at_60, 35: at_35}
        finally:
            await hub.close()

    got = asyncio.run(scenario())
    assert got["slept"] and got["awake"]
    for step in (35, 40, 60):
        assert got[step]["step"] == step
        assert got[step]["x"] == _reference(1, step, 30, 0.25)  # bitwise: lists of floats compared exactly


def test_runs_moved_recently_do_not_sleep_and_the_start_is_refused():
    async def scenario() -> str:
        hub = RunHub(Walks(), HubLimits(max_runs=2, idle_s=600))
        try:
            await _paused_run(hub, 1)
            await _paused_run(hub, 2)
            with pytest.raises(RunError) as refused:
                await _paused_run(hub, 3)
            return refused.value.field
        finally:
            await hub.close()

    assert asyncio.run(scenario()) == "lab"


def test_a_running_watched_run_never_sleeps():
    async def scenario() -> tuple[bool, bool, str]:
        hub = RunHub(Walks(), HubLimits(max_runs=2, idle_s=0))
        try:
            running = await hub.start("walk", {"seed": 1}, attach=Outbox(asyncio.get_running_loop()))
            paused, _ = await _paused_run(hub, 2)
            await hub.start("walk", {"seed": 3}, attach=Outbox(asyncio.get_running_loop()))  # the paused one sleeps
            with pytest.raises(RunError) as refused:
                await _paused_run(hub, 4)  # both awake ones are running: no room
            return running.timeline.asleep, paused.timeline.asleep, refused.value.field
        finally:
            await hub.close()

    assert asyncio.run(scenario()) == (False, True, "lab")

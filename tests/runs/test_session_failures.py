"""A lab that raises in step() or frame() ends its run as stopped, with an error and a status."""

import asyncio
import json
from typing import Any

import pytest

from app.runs.hub import HubLimits, Prepared, RunHub
from app.runs.outbox import Outbox


class Broken:
    """A run whose step and, once it has stepped, frame raise: the worst a buggy lab can do."""

    total_steps = 10

    def __init__(self, frame_breaks: bool) -> None:
        self.steps_done = 0
        self.finished = False
        self.frame_breaks = frame_breaks

    def step(self) -> float:
        self.steps_done += 1
        raise RuntimeError("the lab broke")

    def frame(self) -> dict[str, Any]:
        if self.frame_breaks and self.steps_done:
            raise RuntimeError("and so did its frame")
        return {"loss": 1.0}

    def set_params(self, params: Any) -> None:
        pass


class OneLab:
    def __init__(self, make: Any) -> None:
        self.make = make

    def prepare(self, lab: str, config: dict[str, Any]) -> Prepared:
        return Prepared(lab, config, f"{lab}:{sorted(config.items())}", self.make, 1 << 20, ("width",))


async def _messages(outbox: Outbox, until_status: str, limit: int = 50) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        seen.append(json.loads(await asyncio.wait_for(outbox.get(), 60)))
        if seen[-1].get("status") == until_status:
            return seen
    raise AssertionError(seen)


@pytest.mark.parametrize("frame_breaks", [False, True])
def test_a_broken_lab_ends_as_stopped_with_an_error(frame_breaks):
    async def scenario() -> list[dict[str, Any]]:
        hub = RunHub(OneLab(lambda: Broken(frame_breaks)), HubLimits())
        outbox = Outbox(asyncio.get_running_loop())
        try:
            await hub.start("broken", {}, attach=outbox)
            return await _messages(outbox, "stopped")
        finally:
            await hub.close()

    seen = asyncio.run(scenario())
    assert any(m["type"] == "error" and "failed inside the lab" in m["message"] for m in seen)
    assert seen[-1]["status"] == "stopped"


def test_a_start_over_the_memory_budget_is_refused_naming_its_fields():
    async def scenario() -> str:
        hub = RunHub(OneLab(lambda: Broken(False)), HubLimits(max_memory=(1 << 20) + 1))
        try:
            await hub.start("a", {"width": 1})
            try:
                await hub.start("a", {"width": 2})  # a different config: a second computation
            except Exception as exc:
                return f"{exc.field}: {exc.message}"
            await hub.start("a", {"width": 1})  # the same config shares the first: always admitted
            return ""
        finally:
            await hub.close()

    refusal = asyncio.run(scenario())
    assert refusal.startswith("config.width:") and "1 MB" in refusal


class Counter:
    """A deterministic lab with big frames: the loss is its step count."""

    total_steps = 100_000

    def __init__(self) -> None:
        self.steps_done = 0
        self.finished = False

    def step(self) -> float:
        self.steps_done += 1
        return float(self.steps_done)

    def frame(self) -> dict[str, Any]:
        return {"at": self.steps_done, "padding": "x" * 4000}

    def set_params(self, params: Any) -> None:
        pass


def test_a_paced_run_behind_a_head_whose_frames_were_dropped_still_sees_frames():
    """Two runs of one config went ahead and left; a third, paced, starts behind their head with an
    almost empty frame cache: it computes its own frames rather than show nothing for a minute."""

    async def scenario() -> list[dict[str, Any]]:
        hub = RunHub(OneLab(Counter), HubLimits(frame_cache_bytes=10_000, grace_s=60))
        first = Outbox(asyncio.get_running_loop())
        try:
            ahead = await hub.start("c", {}, speed=200, attach=first)
            while ahead.step < 300:
                await asyncio.sleep(0.05)
            hub.detach(ahead.attachments[0])
            late = Outbox(asyncio.get_running_loop())
            run = await hub.start("c", {}, speed=200, attach=late)
            assert run.timeline is ahead.timeline and run.timeline.head >= 300
            frames = []
            while len(frames) < 6:
                message = json.loads(await asyncio.wait_for(late.get(), 60))
                if message["type"] == "frame":
                    frames.append(message)
            return frames
        finally:
            await hub.close()

    frames = asyncio.run(scenario())
    steps = [f["step"] for f in frames]
    assert steps == sorted(steps) and steps[-1] > 20 and all(f["at"] == f["step"] for f in frames)

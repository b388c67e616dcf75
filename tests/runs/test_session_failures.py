"""A lab that raises in step() or frame() ends its run as stopped, with an error and a status."""

import asyncio
import json
from typing import Any

import pytest

from app.runs.outbox import Outbox
from app.runs.session import RunSession


class Broken:
    """A run whose step and, once it has stepped, frame raise: the worst a buggy lab can do."""

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


@pytest.mark.parametrize("frame_breaks", [False, True])
def test_a_broken_lab_ends_as_stopped_with_an_error(frame_breaks):
    async def scenario() -> list[dict[str, Any]]:
        outbox = Outbox(asyncio.get_running_loop())
        ended = asyncio.Event()
        loop = asyncio.get_running_loop()
        session = RunSession(Broken(frame_breaks), "r1", outbox, 60.0, 1.0,
                             on_end=lambda: loop.call_soon_threadsafe(ended.set))
        session.start()
        await asyncio.wait_for(ended.wait(), 5)
        messages = []
        while True:
            message = json.loads(await asyncio.wait_for(outbox.get(), 1))
            messages.append(message)
            if message["type"] == "status":
                return messages

    messages = asyncio.run(scenario())
    assert messages[-1] == {"type": "status", "run_id": "r1", "status": "stopped"}
    assert any(m["type"] == "error" and "failed inside the lab" in m["message"] for m in messages)

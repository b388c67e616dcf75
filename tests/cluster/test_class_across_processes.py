"""One class over two GradLab processes and one Redis: made on one, joined on the other, presented
from one to the other, surviving the loss of a process and a restart of Redis."""

import time
from typing import Any

import redis
import websockets

from tests.cluster.clients import ahttp, kind, receive, send, status
from tests.web.test_socket_server import run_async
from tests.web.wsutil import TINY

LONG = {**TINY, "steps": 100_000}


async def open_class(teacher_on: Any, student_on: Any, name: str = "Mei") -> tuple[dict[str, Any], dict[str, Any]]:
    """A class made over HTTP on one process, a student joined over HTTP on the other."""
    code, made = await ahttp("POST", f"{teacher_on.http}/api/classes")
    assert code == 201, made
    code, joined = await ahttp("POST", f"{student_on.http}/api/classes/{made['code']}/students", {"name": name})
    assert code == 201, joined
    return made, joined


async def join(ws: Any, code: str, token: str) -> dict[str, Any]:
    await send(ws, type="join", code=code, token=token)
    return await receive(ws, lambda m: m["type"] in ("joined", "error"))


def frame_of(run_id: str, step: int | None = None) -> Any:
    return lambda m: m["type"] == "frame" and m["run_id"] == run_id and (step is None or m["step"] == step)


async def last_frame_before_pause(ws: Any, run_id: str) -> int:
    step = -1
    while True:
        message = await receive(ws, lambda m: m.get("run_id") == run_id)
        if message["type"] == "frame":
            step = message["step"]
        elif message["type"] == "status" and message["status"] == "paused":
            return step


def test_a_teacher_on_one_process_leads_students_on_the_other(two_processes):
    first, second = two_processes

    async def scenario() -> None:
        made, joined = await open_class(first, second)
        code = made["code"]
        async with websockets.connect(first.ws) as teacher, websockets.connect(second.ws) as student:
            assert (await join(teacher, code, made["teacher_token"]))["role"] == "teacher"
            assert await join(student, code, joined["student_token"]) == {
                "type": "joined", "role": "student", "code": code, "student_id": joined["student_id"], "name": "Mei"}
            await send(student, type="start", lab="initialization", config={**TINY, "steps": 4}, paused=True)
            own = await receive(student, kind("started"))
            await receive(student, status("paused"))
            await send(student, type="step", n=3)
            row = (await receive(teacher, lambda m: m["type"] == "roster" and m["students"][0]["step"] == 3))
            assert {k: row["students"][0][k] for k in ("student_id", "name", "run_id", "lab", "status", "connected")} \
                == {"student_id": joined["student_id"], "name": "Mei", "run_id": own["run_id"],
                    "lab": "initialization", "status": "paused", "connected": True}
            assert len(row["students"][0]["losses"]) == 3  # its loss sparkline, read on the student's process

            await send(teacher, type="start", lab="initialization", config=LONG)
            run = await receive(teacher, kind("started"))
            await send(teacher, type="present", run_id=run["run_id"], view={"tab": "weights"})
            presented = await receive(student, kind("present"))
            assert presented == {"type": "present", "run_id": run["run_id"], "lab": "initialization",
                                 "config": run["config"], "view": {"tab": "weights"}}
            first_frame = await receive(student, frame_of(run["run_id"]))
            await receive(student, lambda m: frame_of(run["run_id"])(m) and m["step"] > first_frame["step"])

            await send(teacher, type="pause")
            paused_at = await last_frame_before_pause(teacher, run["run_id"])
            await receive(student, lambda m: status("paused")(m) and m["run_id"] == run["run_id"])
            await send(teacher, type="step", n=2)
            await receive(student, frame_of(run["run_id"], paused_at + 2))
            await send(teacher, type="seek", step=1)
            await receive(student, frame_of(run["run_id"], 1))
            await send(teacher, type="present", run_id=run["run_id"], view={"tab": "gradients"})
            assert (await receive(student, kind("present")))["view"] == {"tab": "gradients"}
            await send(teacher, type="freeze", on=True)
            assert await receive(student, kind("freeze")) == {"type": "freeze", "on": True}
            await send(student, type="resume")
            assert (await receive(student, kind("error")))["field"] == "type"  # frozen: even its own run waits
            await send(teacher, type="present", run_id=None)
            await receive(student, kind("release"))

            code_, state = await ahttp("GET", f"{second.http}/api/classes/{code}", token=made["teacher_token"])
            assert code_ == 200 and state["frozen"] is True and state["presenting"] is None
            assert [s["student_id"] for s in state["students"]] == [joined["student_id"]]
            assert state["students"][0]["connected"] is True

            await student.close()  # the only student of the class on process 2 leaves
            await receive(teacher, lambda m: m["type"] == "roster" and not m["students"][0]["connected"])
            assert (await ahttp("DELETE", f"{second.http}/api/classes/{code}", token=made["teacher_token"]))[0] == 204
            assert await receive(teacher, kind("ended")) == {"type": "ended", "code": code}

    run_async(scenario)


def test_killing_a_process_leaves_the_class_and_tells_its_students_pages(two_processes):
    first, second = two_processes

    async def scenario() -> None:
        made, joined = await open_class(first, second)
        code = made["code"]
        async with websockets.connect(first.ws) as teacher:
            await join(teacher, code, made["teacher_token"])
            await send(teacher, type="start", lab="initialization", config=LONG)
            run = await receive(teacher, kind("started"))
            await send(teacher, type="present", run_id=run["run_id"])
            async with websockets.connect(second.ws) as student:
                await join(student, code, joined["student_token"])
                await send(student, type="start", lab="initialization", config=LONG, paused=True)
                own = await receive(student, kind("started"))
                await receive(teacher, lambda m: m["type"] == "roster" and m["students"][0]["run_id"] == own["run_id"])
                second.kill()
            # the page reconnects, to the process that is left
            await receive(teacher, lambda m: m["type"] == "roster" and not m["students"][0]["connected"], timeout=60)
            async with websockets.connect(first.ws) as page:
                assert (await join(page, code, joined["student_token"]))["role"] == "student"
                assert (await receive(page, kind("present")))["run_id"] == run["run_id"]
                await receive(page, frame_of(run["run_id"]))
                await send(page, type="attach", run_id=own["run_id"], token=own["token"])
                refused = await receive(page, kind("error"))
                assert refused["field"] == "run_id" and "went away" in refused["message"]
            await receive(teacher, frame_of(run["run_id"]))  # the teacher's run never stopped

    run_async(scenario)


def test_a_class_resumes_after_redis_restarts(two_processes, redis_server):
    first, second = two_processes

    async def scenario() -> None:
        made, joined = await open_class(first, second)
        code = made["code"]
        async with websockets.connect(first.ws) as teacher, websockets.connect(second.ws) as student:
            await join(teacher, code, made["teacher_token"])
            await join(student, code, joined["student_token"])
            redis_server.stop()
            redis_server.start()  # append-only: what the class wrote is still there
            stored = redis.Redis(port=redis_server.port).hgetall(f"gradlab:class:{code}")
            assert {b"meta", f"s:{joined['student_id']}".encode()} <= set(stored)
            deadline = time.monotonic() + 60
            while True:  # both processes find Redis again by themselves (back-off up to 5 s)
                await send(teacher, type="freeze", on=True)
                try:
                    assert (await receive(student, kind("freeze"), timeout=2))["on"] is True
                    break
                except TimeoutError:
                    assert time.monotonic() < deadline, "the class did not resume after Redis came back"
            status_, late = await ahttp("POST", f"{second.http}/api/classes/{code}/students", {"name": "Late"})
            assert status_ == 201
            async with websockets.connect(first.ws) as page:  # written after the restart, read on the other side
                assert (await join(page, code, late["student_token"]))["name"] == "Late"

    run_async(scenario)

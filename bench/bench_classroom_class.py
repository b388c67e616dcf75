"""A class on one server: a teacher presenting one run to 60 students, and 60 students at their own runs.

- presenting: every student socket follows the teacher's run. Lag is measured per frame from its
  arrival at the teacher's own socket (attached to the run, so as close to its creation as a client
  sees it) to its arrival at each student: p95 and max; frames/s per student against the teacher's
  (goal: the same, the frame rate; p95 lag < 250 ms).
- roster: the teacher's dashboard socket counts roster messages while every student runs a run of
  their own (goal >= 2 a second; the contract allows at most one every 0.5 s).

    python -m bench.bench_classroom_class [--students 60] [--seconds 8]

``class_scenario(url, students, seconds)`` is what bench/bench_classroom.py calls with its server.
"""

import argparse
import asyncio
import json
import re
import statistics
import time
import urllib.request
from typing import Any

import orjson
import websockets

from bench.harness import running_server, until_type

LAB = "initialization"
CONFIG = {"depth": 3, "width": 16, "batch_size": 32, "steps": 100_000, "methods": [{"method": "xavier_normal"}]}
OWN = {**CONFIG, "width": 8}  # the students' own runs: one shared computation (identical starts share)


def _post(http: str, path: str) -> Any:
    request = urllib.request.Request(f"{http}{path}", data=b"{}", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


async def _join(url: str, code: str, token: str) -> Any:
    ws = await websockets.connect(url, max_size=None)
    await ws.send(json.dumps({"type": "join", "code": code, "token": token}))
    await until_type(ws, "joined")
    return ws


STEP = re.compile(rb'"step":(\d+)')


def _frame_step(raw: str | bytes) -> int | None:
    head = (raw.encode() if isinstance(raw, str) else raw)[:200]
    if not head.startswith(b'{"type":"frame"'):
        return None
    found = STEP.search(head)
    return int(found.group(1)) if found else None


async def _record(ws: Any, arrivals: dict[int, float], until: float, counts: dict[str, list[float]]) -> None:
    """Arrival time of every frame step, and of every other message by type, until ``until``."""
    while (left := until - time.perf_counter()) > 0:
        try:
            raw = await asyncio.wait_for(ws.recv(), left)
        except TimeoutError:
            return
        now = time.perf_counter()
        step = _frame_step(raw)
        if step is not None:  # a frame: read its step off its head, as parsing 60 sockets' frames costs the client
            arrivals.setdefault(step, now)
            continue
        counts.setdefault(orjson.loads(raw)["type"], []).append(now)


async def _scenario(url: str, students: int, seconds: float) -> dict[str, float]:
    http = url.replace("ws://", "http://").removesuffix("/ws/runs")
    created = _post(http, "/api/classes")
    code, teacher_token = created["code"], created["teacher_token"]
    tokens = [_post(http, f"/api/classes/{code}/students")["student_token"] for _ in range(students)]

    teacher = await websockets.connect(url, max_size=None)
    await teacher.send(json.dumps({"type": "start", "lab": LAB, "config": CONFIG, "speed": 40}))
    run_id = (await until_type(teacher, "started"))["run_id"]
    await teacher.send(json.dumps({"type": "join", "code": code, "token": teacher_token}))
    await until_type(teacher, "joined")
    class_sockets = await asyncio.gather(*(_join(url, code, t) for t in tokens))
    await teacher.send(json.dumps({"type": "present", "run_id": run_id}))
    await asyncio.gather(*(until_type(ws, "present") for ws in class_sockets))

    until = time.perf_counter() + seconds
    seen: list[dict[int, float]] = [{} for _ in class_sockets]
    teacher_seen: dict[int, float] = {}
    await asyncio.gather(_record(teacher, teacher_seen, until, {}),
                         *(_record(ws, arr, until, {}) for ws, arr in zip(class_sockets, seen)))
    lags = [(arr[step] - at) * 1000 for arr in seen for step, at in teacher_seen.items() if step in arr]
    rates = [len(arr) / seconds for arr in seen]

    # the roster while every student runs their own: release, start, and count at a dashboard socket
    await teacher.send(json.dumps({"type": "present", "run_id": None}))
    for ws in class_sockets:
        await ws.send(json.dumps({"type": "start", "lab": LAB, "config": OWN, "speed": 40}))
    dashboard = await _join(url, code, teacher_token)
    await asyncio.sleep(1.0)  # every run started and the first roster sent
    counts: dict[str, list[float]] = {}
    until = time.perf_counter() + seconds
    await asyncio.gather(_record(dashboard, {}, until, counts),
                         *(_record(ws, {}, until, {}) for ws in [teacher, *class_sockets]))
    for ws in [teacher, dashboard, *class_sockets]:
        await ws.close()
    return {
        "students": students,
        "teacher_frames_per_s": len(teacher_seen) / seconds,
        "student_frames_per_s_min": min(rates),
        "student_frames_per_s_median": statistics.median(rates),
        "lag_ms_p95": statistics.quantiles(lags, n=20)[-1] if len(lags) > 1 else float("nan"),
        "lag_ms_max": max(lags, default=float("nan")),
        "roster_per_s": _rate(counts.get("roster", [])),
    }


def _rate(times: list[float]) -> float:
    """Messages a second between the first and the last (a count over a window would also count
    what waited in the socket's buffer before it opened)."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def class_scenario(url: str, students: int = 60, seconds: float = 8.0) -> dict[str, float]:
    """Run both halves against the server at ``url`` (ws://…/ws/runs) and print the figures."""
    result = asyncio.run(_scenario(url, students, seconds))
    print(f"class of {students}, {seconds:.0f} s per half")
    print(f"  presenting: teacher {result['teacher_frames_per_s']:.2f} frames/s; per student "
          f"min {result['student_frames_per_s_min']:.2f}, median {result['student_frames_per_s_median']:.2f} "
          f"(ratio {result['student_frames_per_s_min'] / max(result['teacher_frames_per_s'], 1e-9):.2f}, goal 1)")
    print(f"  lag teacher -> student: p95 {result['lag_ms_p95']:.0f} ms, max {result['lag_ms_max']:.0f} ms "
          "(goal p95 < 250 ms)")
    print(f"  roster with {students} students running: {result['roster_per_s']:.2f} updates/s (goal >= 2)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    with running_server(max_class_students=str(max(100, args.students))) as url:
        class_scenario(url, args.students, args.seconds)


if __name__ == "__main__":
    main()

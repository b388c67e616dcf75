"""What a computation really holds: its peak resident memory, measured in a process of its own.

    python -m tests.web.memory_probe '[["live", lab, config, steps, copies], ["post", path, body], ...]'

``live`` builds the lab's run as the run hub does (validated, capped, built), takes ``steps`` steps
(-1: to its end) with about 50 frames encoded, then deep-copies it ``copies - 1`` times, as the hub's
timeline keeps checkpoints. ``post`` answers one request in process (no server). For each job, one
line: the peak growth of the resident set in bytes, and the HTTP status (0 for a live run). The
kernel's high-water mark is reset before each job, after the imports, the data sets and a first run
of the lab (lazy imports, kernels), and freed memory is handed back to the system between jobs.
"""

import copy
import ctypes
import gc
import re
import sys
from typing import Any

import orjson
import torch

LIBC = ctypes.CDLL("libc.so.6")


def resident(kind: str) -> int:
    with open("/proc/self/status") as f:
        return int(re.search(rf"{kind}:\s+(\d+) kB", f.read()).group(1)) << 10  # type: ignore[union-attr]


def reset_peak() -> int:
    gc.collect()
    LIBC.malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak resident set (VmHWM) starts again from now
    return resident("VmRSS")


def step(run: Any, steps: int) -> None:
    steps = steps if steps >= 0 else int(run.total_steps)
    for i in range(steps):
        if run.finished:
            break
        run.step()
        if i % max(1, steps // 50) == 0 or i == steps - 1:
            orjson.dumps(run.frame(), option=orjson.OPT_SERIALIZE_NUMPY)


def main() -> None:
    torch.set_num_threads(1)
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings
    from app.web.catalog import LabCatalog
    from app.web.registry import LIVE_LABS

    for lab in LIVE_LABS.values():
        if lab.warm is not None:
            lab.warm()
    catalog = LabCatalog(LIVE_LABS, Settings())
    warmed: set[str] = set()
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        for job in orjson.loads(sys.argv[1]):
            if job[0] == "live":
                _, lab, config, steps, copies = job
                if lab not in warmed:
                    warm = catalog.prepare(lab, {}).build()
                    step(warm, 3)
                    copy.deepcopy(warm)
                    del warm
                    warmed.add(lab)
                prepared = catalog.prepare(lab, config)
                base = reset_peak()
                run = prepared.build()
                step(run, steps)
                kept = [copy.deepcopy(run) for _ in range(copies - 1)]
                peak, status = resident("VmHWM") - base, 0
                del run, kept
            else:
                _, path, body = job
                client.post(path, json=body)  # the first answer's one-time costs
                base = reset_peak()
                status = client.post(path, json=body).status_code
                peak = resident("VmHWM") - base
            sys.stdout.write(f"{peak} {status}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()

"""A GradLab server in a process of its own, for the tests that need one apart from the test process
(raw sockets, a lab whose declarations a script changed first): started, waited for until it answers
``/healthz``, and stopped however the test ends."""

import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serving(command: Sequence[str], port: int, *, start_s: float, failure: str,
            env: Mapping[str, str] | None = None, log: IO[bytes] | None = None) -> Iterator[None]:
    """Run ``command`` (a server on ``port``) from the repository; RuntimeError(``failure``) if it has not
    answered within ``start_s`` seconds or has ended. ``log`` takes its output, else this process's."""
    process = subprocess.Popen(list(command), cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT if log else None)
    try:
        deadline = time.monotonic() + start_s
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(failure) from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

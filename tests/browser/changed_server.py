"""A GradLab server in its own process, started from a script that first changes a lab's declarations:
the tests that change a default and see every page follow share it."""

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
# appended to every script: serve the app the script has changed. Its one-shot questions wait for their
# turn, as the live server's do (tests/conftest.py): a busy CI machine would refuse a page's several at once.
SERVE = """
from app.__main__ import server_config
from app.settings import Settings
uvicorn.Server(server_config(Settings(port=int(sys.argv[1]), heavy_wait_s=30), log_level="warning")).run()
"""


@contextmanager
def changed_server(script: str, start_s: float = 120) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", script + SERVE, str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_s
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the changed-default server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())

"""A GradLab server in its own process, started from a script that first changes a lab's declarations:
the tests that change a default and see every page follow share it."""

import json
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import _free_port
from tests.server_process import serving

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
    with serving([sys.executable, "-c", script + SERVE, str(port)], port, start_s=start_s,
                 failure="the changed-default server did not start"):
        yield f"http://127.0.0.1:{port}"


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())

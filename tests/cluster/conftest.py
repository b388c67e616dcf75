"""A real redis-server and real GradLab processes on free loopback ports, started here, stopped after.

A missing redis-server is a failure, not a skip: CI installs Debian's package.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is required for the multi-process tests: apt-get install redis-server")
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # append-only: what a class wrote survives a restart of Redis (as in docker-compose.yml)
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60  # a shared 2-core machine: bounded by the clock, generously
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class GradLab:
    """One GradLab process (python -m app) on its own port, sharing the broker."""

    def __init__(self, broker_url: str, **env: str) -> None:
        self.port = free_port()
        environment = {**os.environ, "GRADLAB_BROKER_URL": broker_url,
                       **{f"GRADLAB_{k.upper()}": v for k, v in env.items()}}
        # its log, for a failing test to show (pytest prints captured output of failures only)
        self.log = tempfile.NamedTemporaryFile(prefix=f"gradlab-{self.port}-", suffix=".log", delete=False)
        self.process = subprocess.Popen([sys.executable, "-m", "app", "--port", str(self.port)], cwd=ROOT,
                                        env=environment, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180  # importing torch on a busy 2-core machine takes its time
        while True:
            try:
                with urllib.request.urlopen(f"{self.http}/healthz", timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("a GradLab process did not start") from None
                time.sleep(0.1)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/runs"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
        lines = Path(self.log.name).read_text(errors="replace").splitlines()
        sys.stderr.write("\n".join([f"--- GradLab on port {self.port}, the end of its log:", *lines[-40:], ""]))
        Path(self.log.name).unlink(missing_ok=True)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def two_processes(redis_server: RedisServer) -> Iterator[tuple[GradLab, GradLab]]:
    first = GradLab(redis_server.url)
    try:
        second = GradLab(redis_server.url)
    except BaseException:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()

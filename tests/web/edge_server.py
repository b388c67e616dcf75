"""A GradLab server in a process of its own, and raw-socket clients that behave as badly as they like."""

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.server_process import ROOT, serving


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def edge_server(bind: str = "127.0.0.1", **settings: object) -> Iterator[int]:
    """``python -m app`` on a free port with ``GRADLAB_*`` settings; yields the port, stops it after."""
    port = free_port()
    env = {**os.environ, **{f"GRADLAB_{k.upper()}": str(v) for k, v in settings.items()}}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with open(ROOT / "test-artifacts" / f"edge-server-{port}.log", "wb") as log, serving(
            [sys.executable, "-m", "app", "--host", bind, "--port", str(port)], port, env=env, log=log,
            start_s=180, failure=f"the server did not start; see {log.name}"):  # 180 s: torch on a busy machine
        yield port


def connect(port: int, timeout: float = 10) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def read_head(sock: socket.socket) -> tuple[int, dict[str, str]]:
    """The status and headers of the answer on ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), headers


def exchange(port: int, raw: bytes) -> tuple[int, dict[str, str]]:
    with connect(port) as sock:
        sock.sendall(raw)
        return read_head(sock)


def handshake(port: int, host: str, origin: str | None) -> int:
    """The status a WebSocket opening handshake to /ws/runs gets (101 when accepted)."""
    lines = ["GET /ws/runs HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    return exchange(port, ("\r\n".join(lines) + "\r\n\r\n").encode())[0]


def closed_by_peer(sock: socket.socket) -> bool:
    """Whether the server has closed non-blocking ``sock`` (after any answer, end of file or a reset)."""
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except (BlockingIOError, TimeoutError):
        return False

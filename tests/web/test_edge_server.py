"""The network edge against a real server process (issue 13): rebinding on both binds, heavy requests
beside a handshake and /healthz, an oversized body, idle connections, one address's socket bound.

Times asserted here are generous bounds on isolation (a starved thread pool made a handshake wait
22 s), not benchmarks."""

import json
import selectors
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import psutil
import pytest

from tests.web.edge_server import closed_by_peer, connect, edge_server, exchange, handshake, read_head


def _machine_address() -> str | None:
    for addresses in psutil.net_if_addrs().values():
        for a in addresses:
            if a.family == socket.AF_INET and not a.address.startswith("127."):
                return str(a.address)
    return None


# one server for most tests, with short timeouts so idle sockets close within seconds
LIMITS = {"header_timeout_s": 1.5, "body_timeout_s": 1.5, "keep_alive_s": 1, "max_connections_per_client": 1000,
          "heavy_wait_s": 2, "max_body_bytes": 100_000}


@pytest.fixture(scope="module")
def loopback() -> Iterator[int]:
    with edge_server("127.0.0.1", **LIMITS) as port:
        yield port


@pytest.fixture(scope="module")
def open_bind() -> Iterator[int]:
    with edge_server("0.0.0.0", **LIMITS) as port:
        yield port


def _get(port: int, path: str, host: str) -> tuple[int, dict[str, str]]:
    return exchange(port, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())


@pytest.mark.parametrize("bind", ["127.0.0.1", "0.0.0.0"])
def test_rebinding_pairs_on_both_binds(bind, request):
    port = request.getfixturevalue("loopback" if bind == "127.0.0.1" else "open_bind")
    own, evil = f"127.0.0.1:{port}", f"evil.com:{port}"
    # the rebinding pair: a page on evil.com whose name now points here (Origin matches Host)
    assert handshake(port, evil, f"http://{evil}") in (400, 403)
    assert handshake(port, evil, None) in (400, 403)
    assert handshake(port, own, f"http://{evil}") == 403  # plain cross-site
    assert handshake(port, own, f"http://{own}") == 101
    assert handshake(port, f"localhost:{port}", f"http://localhost:{port}") == 101
    assert _get(port, "/healthz", evil)[0] == 400
    status, headers = _get(port, "/static", evil)
    assert status == 400 and "location" not in headers
    status, headers = _get(port, "/static", own)
    assert status in (307, 308) and "evil" not in headers["location"]
    machine = _machine_address()
    if bind == "0.0.0.0" and machine:  # students browse to the teacher's address
        assert _get(port, "/healthz", f"{machine}:{port}")[0] == 200
        assert handshake(port, f"{machine}:{port}", f"http://{machine}:{port}") == 101
    elif machine:  # a loopback bind answers loopback names only
        assert _get(port, "/healthz", f"{machine}:{port}")[0] == 400


HEAVY = json.dumps({"init": {"method": "kaiming_normal"}, "depth": 16, "width": 512, "batch_size": 1024}).encode()


def test_sixty_heavy_requests_leave_the_handshake_and_healthz_answering(loopback):
    port = loopback
    results: list[tuple[int, str | None]] = []

    def heavy() -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/init/inspect", data=HEAVY,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as r:
                results.append((r.status, None))
        except urllib.error.HTTPError as e:
            results.append((e.code, e.headers.get("retry-after")))

    threads = [threading.Thread(target=heavy) for _ in range(60)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # every request is in: two compute, the rest wait their turn
    t0 = time.monotonic()
    assert _get(port, "/healthz", f"127.0.0.1:{port}")[0] == 200
    healthz_s = time.monotonic() - t0
    t0 = time.monotonic()
    assert handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101
    handshake_s = time.monotonic() - t0
    for t in threads:
        t.join()
    assert healthz_s < 1 and handshake_s < 1, (healthz_s, handshake_s)
    codes = [code for code, _ in results]
    assert len(codes) == 60 and set(codes) <= {200, 503} and codes.count(200) >= 2
    assert all(retry == "2" for code, retry in results if code == 503)


def test_an_oversized_body_is_refused_before_it_is_read(loopback):
    port = loopback
    with connect(port) as sock:
        sock.sendall(b"POST /api/init/inspect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 43000000\r\n\r\n" + b"[" * 1000)  # 1 KB of 43 MB sent
        status, headers = read_head(sock)
        assert status == 413 and headers["connection"] == "close"
        sock.settimeout(5)
        assert closed_by_peer(sock)
    with connect(port) as sock:  # chunked: cut as soon as it passes the limit
        sock.sendall(b"POST /api/init/inspect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        for _ in range(30):
            try:
                sock.sendall(b"2710\r\n" + b" " * 10_000 + b"\r\n")  # 10 KB chunks, never the last one
            except (BrokenPipeError, ConnectionResetError):
                break  # refused and closed before the rest was sent (its answer waits to be read)
        assert read_head(sock)[0] == 413


def test_three_hundred_idle_connections_are_closed_within_the_timeouts(loopback):
    port = loopback
    host = f"127.0.0.1:{port}"
    kinds = {
        "silent": b"",
        "half a head": f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode(),
        "half a body": (f"POST /api/init/inspect HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                        f"Content-Length: 1000\r\n\r\n").encode() + b'{"init": ',
        "kept alive": f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode(),
    }
    socks = []
    opened = time.monotonic()
    for i in range(300):
        kind = list(kinds)[i % len(kinds)]
        sock = connect(port)
        sock.sendall(kinds[kind])
        sock.setblocking(False)
        socks.append((kind, sock))
    assert _get(port, "/healthz", host)[0] == 200  # held, not yet closed: the server still answers
    selector = selectors.DefaultSelector()
    for kind, sock in socks:
        selector.register(sock, selectors.EVENT_READ, kind)
    closed_at: dict[str, list[float]] = {kind: [] for kind in kinds}
    while selector.get_map() and time.monotonic() - opened < 30:
        for key, _ in selector.select(timeout=0.2):
            if closed_by_peer(key.fileobj):  # type: ignore[arg-type]
                closed_at[key.data].append(time.monotonic() - opened)
                selector.unregister(key.fileobj)
    open_left = len(selector.get_map())
    for _, sock in socks:
        sock.close()
    assert open_left == 0, f"{open_left} of 300 still open after 30 s"  # before: all held for over 40 s
    # closed by the timeouts (1 to 1.5 s), not at once; generous above for a loaded machine
    assert all(1 <= min(t) and max(t) < 1.5 + 15 for t in closed_at.values()), closed_at


def test_one_address_holds_a_bounded_number_of_sockets():
    with edge_server(max_connections_per_client=5, header_timeout_s=30) as port:
        held = [connect(port) for _ in range(5)]
        time.sleep(0.2)
        status, headers = _get(port, "/healthz", f"127.0.0.1:{port}")
        assert status == 503 and headers["retry-after"] == "5"
        for sock in held:
            sock.close()
        time.sleep(0.2)
        assert _get(port, "/healthz", f"127.0.0.1:{port}")[0] == 200

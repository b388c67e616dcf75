"""The network edge in process: allowed hosts, cross-site posts, body caps, security headers, and the
heavy-computation limiter (issue 13, items 1, 2, 3, 6, 10). The real-server side is test_edge_server.py."""

import base64
import hashlib
import re

import anyio
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.main import create_app
from app.settings import Settings
from app.web.hosts import allowed_hosts, host_allowed
from app.web.limits import HeavyLimiter
from tests.conftest import BASE, WS

INSPECT = {"init": {"method": "normal"}, "depth": 3, "width": 8, "batch_size": 8}
EVIL = {"host": "evil.com:8000", "origin": "http://evil.com:8000"}


def test_a_foreign_host_is_refused_over_http(client):
    # issue 13 item 1: curl -H 'Host: evil.com:8000' .../api/init/inspect answered 200
    response = client.post("/api/init/inspect", json=INSPECT, headers={"host": "evil.com:8000"})
    assert response.status_code == 400 and response.text == "Invalid host header"
    assert client.get("/healthz", headers={"host": "evil.com"}).status_code == 400
    assert client.post("/api/init/inspect", json=INSPECT, headers={"host": "localhost:8000"}).status_code == 200


def test_the_static_redirect_never_names_a_foreign_host(client):
    refused = client.get("/static", headers={"host": "evil.com:8000"}, follow_redirects=False)
    assert refused.status_code == 400 and "location" not in refused.headers
    own = client.get("/static", follow_redirects=False)
    assert own.status_code in (307, 308) and own.headers["location"].startswith("http://127.0.0.1:8000/")


def test_the_socket_refuses_a_rebound_host_even_with_a_matching_origin(client):
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect(WS, headers=EVIL) as ws:
            ws.receive_text()
    with client.websocket_connect(WS, headers={"origin": BASE}) as ws:
        ws.send_json({"type": "pause"})
        assert ws.receive_json()["type"] == "error"  # answered: the socket is open


def test_allowed_hosts_by_bind():
    loopback = allowed_hosts(Settings(host="127.0.0.1"))
    assert set(loopback) == {"127.0.0.1", "localhost", "::1", "[::1]"}
    open_bind = allowed_hosts(Settings(host="0.0.0.0", allowed_hosts=("gradlab.school.lan",)))
    assert {"127.0.0.1", "localhost", "gradlab.school.lan"} <= set(open_bind)
    assert "evil.com" not in open_bind and len(open_bind) > len(loopback)  # the machine's names and addresses
    assert host_allowed("gradlab.school.lan:8000", open_bind) and host_allowed("[::1]:8000", loopback)
    assert not host_allowed("evil.com:8000", open_bind) and not host_allowed("", open_bind)
    assert not host_allowed("gradlab.school.lan.evil.com", open_bind)


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.com"},
    {"origin": "null"},
    {"origin": "http://127.0.0.1:9999"},  # another port of the same machine is another site
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},
])
def test_cross_site_posts_are_refused(client, headers):
    # issue 13 item 6: a cross-site form may post text/plain to the upload without a preflight
    raw = b"x1,x2,label\n" + b"".join(b"%d,%d,%d\n" % (i, i, i % 2) for i in range(8))
    response = client.post("/api/training/upload", content=raw, headers={"content-type": "text/plain", **headers})
    assert response.status_code == 403 and "cross-site" in response.json()["detail"]


def test_same_origin_posts_and_cross_site_reads_pass(client):
    own = {"origin": BASE, "sec-fetch-site": "same-origin"}
    assert client.post("/api/init/inspect", json=INSPECT, headers=own).status_code == 200
    cross_site = {"origin": "http://evil.com", "sec-fetch-site": "cross-site"}
    assert client.get("/healthz", headers=cross_site).status_code == 200


def test_a_declared_oversized_body_is_413_before_it_is_read():
    # issue 13 item 3: a 43 MB JSON body was read and parsed on the event loop
    settings = Settings(max_body_bytes=2048)
    with TestClient(create_app(settings), base_url=BASE) as client:
        body = b'{"init": {"method": "normal"}, "pad": "' + b"x" * 5000 + b'"}'
        response = client.post("/api/init/inspect", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 413 and "2048 bytes" in response.json()["detail"]
        assert response.headers["connection"] == "close"

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b" " * 1000

        chunked = client.post("/api/init/inspect", content=chunks(), headers={"content-type": "application/json"})
        assert chunked.status_code == 413
        assert client.post("/api/init/inspect", json=INSPECT).status_code == 200


@pytest.mark.parametrize("path", ["/", "/labs/initialization", "/healthz", "/static/js/socket.js", "/openapi.json"])
def test_security_headers_on_every_kind_of_answer(client, path):
    # issue 13 item 10: none of these headers were sent
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_docs_allow_exactly_their_own_inline_script(client):
    response = client.get("/docs")
    scripts = re.findall(rb"<script>(.*?)</script>", response.content, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0]).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in response.headers["content-security-policy"]


def test_heavy_limiter_waits_briefly_then_503_with_retry_after():
    async def scenario():
        limiter = HeavyLimiter(Settings(heavy_concurrency=1, heavy_wait_s=0.05))
        first, second = object(), object()
        await limiter.acquire(first)
        with pytest.raises(HTTPException) as refused:
            await limiter.acquire(second)
        assert refused.value.status_code == 503 and refused.value.headers == {"Retry-After": "1"}
        limiter.release(first)
        await limiter.acquire(second)  # free again
        limiter.release(second)

    anyio.run(scenario)


def test_a_busy_limiter_answers_503_only_on_computations():
    # issue 13 item 2: 60 heavy requests made a handshake wait 22.3 s; now they wait their turn or get a 503
    with TestClient(create_app(Settings(heavy_concurrency=1, heavy_wait_s=0)), base_url=BASE) as client:
        limiter = client.app_state["heavy"]
        token = object()
        client.portal.call(limiter.acquire, token)  # a computation holds the only token
        try:
            busy = client.post("/api/init/inspect", json=INSPECT)
            assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
            assert "busy" in busy.json()["detail"]
            assert client.get("/healthz").status_code == 200
            assert client.get("/labs/initialization").status_code == 200
            assert client.get("/api/init/methods").status_code == 200  # a read is not a computation
            with client.websocket_connect(WS) as ws:
                ws.send_json({"type": "pause"})
                assert ws.receive_json()["type"] == "error"
        finally:
            limiter.release(token)
        assert client.post("/api/init/inspect", json=INSPECT).status_code == 200


def test_a_computation_over_the_memory_budget_is_refused_before_it_is_built(client):
    # issue 13 item 4: depth 24 x width 1024 x batch 2048 was built first (hundreds of MB)
    body = {"init": {"method": "normal"}, "depth": 24, "width": 1024, "batch_size": 2048}
    response = client.post("/api/init/inspect", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "batch_size"]
    assert "MB" in detail["msg"] and "batch_size, width, depth" in detail["msg"]


def test_the_descent_scene_memory_does_not_grow_with_the_samples(client):
    import tracemalloc

    tracemalloc.start()
    try:
        response = client.post("/api/descent/scene", json={"samples": 20000, "epochs": 1})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200 and len(response.json()["contour"]["mse"]) == 60
    assert peak < 200 << 20, peak >> 20  # a 60 x 60 x 20,000 float64 grid alone was 576 MB (1.1 GB in all)


@pytest.mark.parametrize(("path", "body", "loc"), [
    ("/api/init/inspect", {"init": {"method": "normal"}, "depth": True}, ["body", "depth"]),
    ("/api/init/inspect", {"init": {"method": "normal", "std": False}}, ["body", "init", "std"]),
    ("/api/init/inspect", {"init": {"method": "normal"}, "width": "8"}, ["body", "width"]),
])
def test_booleans_and_strings_are_not_numbers(client, path, body, loc):
    # issue 13 item 11: false was accepted where a number is expected in 16 operations
    response = client.post(path, json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == loc


def test_a_diverged_descent_run_matches_its_schema(client):
    # issue 13 item 11: a diverged run answered null in losses where the schema promised numbers
    response = client.post("/api/descent/run", json={"lr": 5, "epochs": 50, "variant": "batch"})
    assert response.status_code == 200
    losses = response.json()["losses"]
    assert losses[0] is not None and any(v is None for v in losses)
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    items = next(v for k, v in schema.items() if k.startswith("RunResponse") and "losses" in v["properties"])
    assert {"type": "null"} in items["properties"]["losses"]["items"]["anyOf"]

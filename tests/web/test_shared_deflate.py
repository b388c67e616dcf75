"""A frame going to many sockets is deflated once, and every client still reads it exactly."""

import json

import pytest
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.server import ServerProtocol
from websockets.uri import parse_uri

from app.web import shared_deflate
from app.web.shared_deflate import CompressedFrames, SharedDeflateFactory


def _pair(**client_options: object) -> tuple[ServerProtocol, ClientProtocol]:
    """A server and a client connection after an in-memory handshake."""
    client = ClientProtocol(parse_uri("ws://127.0.0.1/ws/runs"),
                            extensions=[ClientPerMessageDeflateFactory(**client_options)])  # type: ignore[arg-type]
    server = ServerProtocol(extensions=[SharedDeflateFactory()])
    request = client.connect()
    client.send_request(request)
    server.receive_data(b"".join(client.data_to_send()))
    [parsed] = server.events_received()
    response = server.accept(parsed)
    server.send_response(response)
    client.receive_data(b"".join(server.data_to_send()))
    client.events_received()
    return server, client


def _deliver(server: ServerProtocol, client: ClientProtocol) -> list[Frame]:
    wire = b"".join(server.data_to_send())
    client.receive_data(wire)
    return [e for e in client.events_received() if isinstance(e, Frame)]


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> CompressedFrames:
    cache = CompressedFrames(entries=4)
    monkeypatch.setattr(shared_deflate, "CACHE", cache)
    return cache


def _frame(step: int) -> bytes:
    return json.dumps({"type": "frame", "step": step, "values": [i * 0.125 for i in range(800)]}).encode()


def test_the_server_declares_no_context_takeover_whatever_the_client_asked() -> None:
    server, _ = _pair()
    [extension] = server.extensions
    assert extension.local_no_context_takeover  # type: ignore[attr-defined]


def test_one_compression_serves_every_socket_and_each_client_reads_the_frame(fresh_cache: CompressedFrames) -> None:
    pairs = [_pair() for _ in range(5)]
    for step in range(3):
        payload = _frame(step)
        for server, client in pairs:
            server.send_text(payload)
            [got] = _deliver(server, client)
            assert got.opcode is Opcode.TEXT and got.data == payload
    assert fresh_cache.compressions == 3


def test_a_smaller_window_gets_its_own_compression(fresh_cache: CompressedFrames) -> None:
    wide, narrow = _pair(), _pair(server_max_window_bits=9)
    payload = _frame(7)
    for server, client in (wide, narrow, narrow):
        server.send_text(payload)
        [got] = _deliver(server, client)
        assert got.data == payload
    assert fresh_cache.compressions == 2


def test_small_messages_and_clients_without_deflate_are_served_as_before(fresh_cache: CompressedFrames) -> None:
    server, client = _pair()
    server.send_text(b'{"type":"status","state":"paused"}')
    [got] = _deliver(server, client)
    assert got.data == b'{"type":"status","state":"paused"}'
    assert fresh_cache.compressions == 0


def test_the_cache_is_bounded_in_entries_and_bytes() -> None:
    cache = CompressedFrames(entries=3, max_bytes=10_000)
    for step in range(10):
        cache.get(12, _frame(step), lambda p: p[: len(p) // 3])
    assert len(cache.held) <= 3 and cache.size <= 10_000
    assert cache.size == sum(len(k[1]) + len(v) for k, v in cache.held.items())

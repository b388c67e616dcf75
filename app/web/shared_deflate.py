"""permessage-deflate that compresses a frame once for every socket it goes to.

A run watched by 300 sockets sends each frame 300 times. With uvicorn's permessage-deflate every
socket compresses it again in its own zlib context, about 1.5 ms for a 21 kB frame here, so the
event loop spent some 450 ms per frame on deflate alone and a lecture of 300 fell to 0.4 frames/s.

Here the server always declares ``server_no_context_takeover`` (RFC 7692 lets a server do so whatever
the client asked): each message is then compressed from a fresh context, so the compressed bytes
depend only on the payload and the window size, and a small per-process cache hands the same bytes
to every socket sending the same payload. Clients decompress exactly as before; what changes is that
the server's compression no longer borrows from earlier messages (frames compress well on their own).
"""

from collections import OrderedDict
from collections.abc import Callable, Sequence

from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.typing import ExtensionParameter

# uvicorn's own choices for permessage-deflate, kept so that only the sharing changes
WINDOW_BITS = 12
COMPRESS_SETTINGS = {"memLevel": 5}
SHARED_FROM_BYTES = 1024  # smaller messages (statuses, replies) are cheaper to compress than to look up


class CompressedFrames:
    """The most recent compressed payloads, bounded in count and bytes (they are a frame's worth)."""

    def __init__(self, entries: int = 16, max_bytes: int = 32 << 20) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self.held: OrderedDict[tuple[int, bytes], bytes] = OrderedDict()
        self.size = 0
        self.compressions = 0  # how many times zlib ran: tests and benchmarks read it

    def get(self, window_bits: int, payload: bytes, compress: Callable[[bytes], bytes]) -> bytes:
        key = (window_bits, payload)
        found = self.held.get(key)
        if found is not None:
            self.held.move_to_end(key)
            return found
        self.compressions += 1
        found = compress(payload)
        self.held[key] = found
        self.size += len(payload) + len(found)
        while self.held and (len(self.held) > self.entries or self.size > self.max_bytes):
            (_, old), dropped = self.held.popitem(last=False)
            self.size -= len(old) + len(dropped)
        return found


CACHE = CompressedFrames()


class SharedDeflate(PerMessageDeflate):
    """A negotiated permessage-deflate whose whole messages come from ``CACHE``."""

    def encode(self, frame: Frame) -> Frame:
        payload = frame.data
        if not (self.local_no_context_takeover and frame.fin and frame.opcode in (Opcode.TEXT, Opcode.BINARY)
                and type(payload) is bytes and len(payload) >= SHARED_FROM_BYTES):
            return super().encode(frame)
        data = CACHE.get(self.local_max_window_bits, payload, lambda payload: bytes(super(SharedDeflate, self)
                                                                                       .encode(frame).data))
        return Frame(frame.opcode, data, frame.fin, True, frame.rsv2, frame.rsv3)


class SharedDeflateFactory(ServerPerMessageDeflateFactory):
    def __init__(self) -> None:
        super().__init__(server_no_context_takeover=True, server_max_window_bits=WINDOW_BITS,
                         client_max_window_bits=WINDOW_BITS, compress_settings=dict(COMPRESS_SETTINGS))

    def process_request_params(self, params: Sequence[ExtensionParameter], accepted_extensions: Sequence[Extension],
                               ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        response, negotiated = super().process_request_params(params, accepted_extensions)
        return response, SharedDeflate(negotiated.remote_no_context_takeover, negotiated.local_no_context_takeover,
                                       negotiated.remote_max_window_bits, negotiated.local_max_window_bits,
                                       negotiated.compress_settings)

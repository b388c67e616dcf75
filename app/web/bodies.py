"""Every request body capped in size and in time, before the app reads it whole.

A 43 MB JSON body was read and parsed on the event loop (1.15 s of stall each, 1 GB of RSS for four).
A declared ``Content-Length`` over ``settings.max_body_bytes`` is answered 413 before one byte is
read; a chunked body is counted as it arrives and refused as soon as it passes the limit. A body
trickling in (or never finished) is cut at ``settings.body_timeout_s`` with a 408. Both answers close
the connection, so the rest of the body is never read.
"""

import anyio
import orjson
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings

CLOSE = {"Connection": "close"}


def too_large(limit: int) -> str:
    return f"the request body is larger than this server's limit of {limit} bytes"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit = settings.max_body_bytes
        self.timeout = settings.body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await _refuse(send, 413, too_large(self.limit))
            return
        received, complete = 0, False
        deadline = anyio.current_time() + self.timeout

        async def counted() -> Message:
            nonlocal received, complete
            if complete:  # after the body, receive() waits for a disconnect: no deadline on that
                return await receive()
            message: Message | None = None
            with anyio.move_on_after(deadline - anyio.current_time()):
                message = await receive()
            if message is None:
                raise HTTPException(408, f"the request body did not arrive within {self.timeout:g} s", CLOSE)
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, too_large(self.limit), CLOSE)
                complete = not message.get("more_body", False)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP parser refuses a malformed one before we get here
    return None


async def _refuse(send: Send, status: int, message: str) -> None:
    body = orjson.dumps({"detail": message})
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

"""What the multi-process tests say to GradLab: HTTP calls and the next matching socket message."""

import asyncio
import json
import time
import urllib.request
from typing import Any


async def receive(ws: Any, predicate: Any, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        if predicate(message):
            return message


def kind(name: str) -> Any:
    return lambda m: m["type"] == name


def status(name: str) -> Any:
    return lambda m: m["type"] == "status" and m["status"] == name


async def send(ws: Any, **message: Any) -> None:
    await ws.send(json.dumps(message))


def http(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    """(status, JSON body) of one request, done off the event loop's thread by the caller if need be."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


async def ahttp(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    return await asyncio.to_thread(http, method, url, body, token)

"""Reading a run's messages in tests: strict JSON, and a bounded wait for what we expect."""

import json
from collections.abc import Callable
from typing import Any


def _no_constants(token: str) -> None:
    raise AssertionError(f"non-strict JSON token {token} in a message")


def receive(ws: Any) -> dict[str, Any]:
    return json.loads(ws.receive_text(), parse_constant=_no_constants)  # type: ignore[no-any-return]


def until(ws: Any, predicate: Callable[[dict[str, Any]], bool], limit: int = 2000) -> list[dict[str, Any]]:
    """Messages up to and including the first that satisfies ``predicate``."""
    seen = []
    for _ in range(limit):
        message = receive(ws)
        seen.append(message)
        if predicate(message):
            return seen
    raise AssertionError(f"no expected message among {len(seen)}: last {seen[-3:]}")


def status(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m["type"] == "status" and m["status"] == name


def is_error(m: dict[str, Any]) -> bool:
    return m["type"] == "error"


TINY = {"depth": 3, "width": 16, "batch_size": 32, "steps": 100_000,
        "methods": [{"method": "xavier_normal"}, {"method": "zeros"}]}

"""The one-process broker: a dict with expiry and local pub/sub. Nothing to install, nothing to reach."""

import time
import uuid
from collections import defaultdict
from typing import Any

from app.broker.base import BrokerError, Handler, Server


class MemoryBroker:
    distributed = False

    def __init__(self) -> None:
        self.process_id = uuid.uuid4().hex[:12]
        self._values: dict[str, tuple[dict[str, Any], float | None]] = {}
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._hashes: dict[str, tuple[dict[str, dict[str, Any]], float | None]] = {}

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def put(self, key: str, value: dict[str, Any], ttl: float | None = None) -> None:
        self._values[key] = (value, None if ttl is None else time.monotonic() + ttl)

    async def get(self, key: str) -> dict[str, Any] | None:
        found = self._values.get(key)
        if found is None:
            return None
        value, expires = found
        if expires is not None and time.monotonic() > expires:
            del self._values[key]
            return None
        return value

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)
        self._hashes.pop(key, None)

    async def hset(self, key: str, field: str, value: dict[str, Any], ttl: float | None = None) -> bool:
        fields = self._hash(key)
        if ttl is not None:
            if fields is None:
                fields = {}
                self._hashes[key] = (fields, time.monotonic() + ttl)
            elif field in fields:
                return False
        elif fields is None:
            return False
        fields[field] = value
        return True

    async def hgetall(self, key: str) -> dict[str, dict[str, Any]]:
        return dict(self._hash(key) or {})

    async def hdel(self, key: str, field: str) -> None:
        (self._hash(key) or {}).pop(field, None)

    async def expire(self, key: str, ttl: float) -> bool:
        fields = self._hash(key)
        if fields is None:
            return False
        self._hashes[key] = (fields, time.monotonic() + ttl)
        return True

    async def exists(self, keys: list[str]) -> list[bool]:
        return [self._hash(k) is not None or await self.get(k) is not None for k in keys]

    async def hcreate_counted(self, key: str, field: str, value: dict[str, Any], ttl: float, registry: str,
                              cap: int) -> str:
        # the registry is a hash with no expiry whose fields are the keys it lists (see redis.HCREATE_COUNTED)
        listed = self._hashes.setdefault(registry, ({}, None))[0]
        for member in [m for m in listed if self._hash(m) is None]:
            del listed[member]
        if self._hash(key) is not None:
            return "taken"
        if len(listed) >= cap:
            return "full"
        self._hashes[key] = ({field: value}, time.monotonic() + ttl)
        listed[key] = {}
        return "made"

    def _hash(self, key: str) -> dict[str, dict[str, Any]] | None:
        found = self._hashes.get(key)
        if found is None:
            return None
        if found[1] is not None and time.monotonic() > found[1]:
            del self._hashes[key]
            return None
        return found[0]

    async def publish(self, channel: str, data: bytes) -> None:
        for handler in list(self._handlers.get(channel, ())):
            handler(data)

    publish_now = publish

    def subscribe(self, channel: str, handler: Handler) -> None:
        self._handlers[channel].append(handler)

    def unsubscribe(self, channel: str, handler: Handler) -> None:
        if handler in self._handlers.get(channel, ()):
            self._handlers[channel].remove(handler)
            if not self._handlers[channel]:
                del self._handlers[channel]

    def serve(self, server: Server) -> None:
        pass  # no other process can ask

    async def request(self, process_id: str, message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        raise BrokerError(f"no process {process_id} here: this server runs in one process")

    async def alive(self, process_id: str) -> bool:
        return process_id == self.process_id

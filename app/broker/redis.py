"""The broker through Redis: keys with expiry, pub/sub, requests between processes, liveness.

One pub/sub connection per process carries every channel it listens to, its own inbox included;
``publish`` goes through one queue, so a class's messages reach other processes in the order they
were made; a run's publisher coalesces frames in an outbox of its own and sends with ``publish_now``.
When Redis goes away the process keeps serving its own sockets, retries with back-off, and
subscribes again once Redis is back.
"""

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from app.broker.base import BrokerError, Handler, Server
from app.broker.redis_scripts import HCREATE_COUNTED, HSET_LIVE, HSET_NEW

log = logging.getLogger(__name__)
PREFIX = "gradlab:"
HEARTBEAT_S = 1.0
ALIVE_MS = 3000  # a process silent this long is gone
POOL = 64  # connections to Redis per process, the pub/sub one included


@contextlib.contextmanager
def _reach() -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError) as exc:
        raise BrokerError(f"Redis is out of reach: {exc}") from None


class RedisBroker:
    distributed = True

    def __init__(self, url: str) -> None:
        self.process_id = uuid.uuid4().hex[:12]
        # a request beyond the pool's connections waits for one (redis-py's plain pool refuses it)
        self._redis = aioredis.Redis(connection_pool=aioredis.BlockingConnectionPool.from_url(
            url, max_connections=POOL, timeout=5, socket_connect_timeout=2, socket_timeout=5))
        self._inbox = f"{PREFIX}proc:{self.process_id}"
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._pubsub: Any = None
        self._outgoing: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(maxsize=10_000)
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._server: Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.connected = asyncio.Event()

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._publisher()),
                       asyncio.create_task(self._heartbeat())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), 5)  # serve anyway: Redis may come later

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(RedisError, OSError):
            await self._redis.delete(f"{PREFIX}alive:{self.process_id}")
        await self._redis.aclose(close_connection_pool=True)

    # -- keys ------------------------------------------------------------------------------------

    async def put(self, key: str, value: dict[str, Any], ttl: float | None = None) -> None:
        with _reach():
            await self._redis.set(PREFIX + key, orjson.dumps(value), px=None if ttl is None else int(ttl * 1000))

    async def get(self, key: str) -> dict[str, Any] | None:
        with _reach():
            raw = await self._redis.get(PREFIX + key)
        return None if raw is None else orjson.loads(raw)

    async def delete(self, key: str) -> None:
        with _reach():
            await self._redis.delete(PREFIX + key)

    async def hset(self, key: str, field: str, value: dict[str, Any], ttl: float | None = None) -> bool:
        data = orjson.dumps(value)
        with _reach():
            if ttl is None:
                return bool(await self._redis.eval(HSET_LIVE, 1, PREFIX + key, field, data))
            return bool(await self._redis.eval(HSET_NEW, 1, PREFIX + key, field, data, max(1, int(ttl * 1000))))

    async def hcreate_counted(self, key: str, field: str, value: dict[str, Any], ttl: float, registry: str,
                              cap: int) -> str:
        with _reach():
            answer = await self._redis.eval(HCREATE_COUNTED, 2, PREFIX + key, PREFIX + registry, field,
                                            orjson.dumps(value), max(1, int(ttl * 1000)), cap)
        return answer.decode() if isinstance(answer, bytes) else str(answer)

    async def hgetall(self, key: str) -> dict[str, dict[str, Any]]:
        with _reach():
            raw = await self._redis.hgetall(PREFIX + key)
        return {k.decode() if isinstance(k, bytes) else k: orjson.loads(v) for k, v in raw.items()}

    async def hdel(self, key: str, field: str) -> None:
        with _reach():
            await self._redis.hdel(PREFIX + key, field)

    async def expire(self, key: str, ttl: float) -> bool:
        with _reach():
            return bool(await self._redis.pexpire(PREFIX + key, max(1, int(ttl * 1000))))

    async def exists(self, keys: list[str]) -> list[bool]:
        with _reach():
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.exists(PREFIX + key)
                return [bool(n) for n in await pipe.execute()]

    # -- pub/sub ---------------------------------------------------------------------------------

    async def publish(self, channel: str, data: bytes) -> None:
        try:
            self._outgoing.put_nowait((PREFIX + channel, data))
        except asyncio.QueueFull:  # Redis has been away a while: the oldest news is the least useful
            self._outgoing.get_nowait()
            self._outgoing.put_nowait((PREFIX + channel, data))

    async def publish_now(self, channel: str, data: bytes) -> None:
        with _reach():
            await self._redis.publish(PREFIX + channel, data)

    def subscribe(self, channel: str, handler: Handler) -> None:
        first = not self._handlers.get(channel)
        self._handlers[channel].append(handler)
        if first and self._pubsub is not None:
            asyncio.create_task(self._pubsub_call("subscribe", PREFIX + channel))

    def unsubscribe(self, channel: str, handler: Handler) -> None:
        handlers = self._handlers.get(channel)
        if handlers and handler in handlers:
            handlers.remove(handler)
            if not handlers:
                del self._handlers[channel]
                if self._pubsub is not None:
                    asyncio.create_task(self._pubsub_call("unsubscribe", PREFIX + channel))

    async def _pubsub_call(self, verb: str, channel: str) -> None:
        with contextlib.suppress(RedisError, OSError, AttributeError):
            await getattr(self._pubsub, verb)(channel)

    # -- requests between processes ------------------------------------------------------------

    def serve(self, server: Server) -> None:
        self._server = server

    async def request(self, process_id: str, message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        ask = str(uuid.uuid4())
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[ask] = future
        try:
            await self._redis.publish(f"{PREFIX}proc:{process_id}", orjson.dumps(
                {"kind": "ask", "id": ask, "from": self.process_id, "body": message}))
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise BrokerError(f"the server process {process_id} did not answer") from None
        except (RedisError, OSError) as exc:
            raise BrokerError(f"Redis is out of reach: {exc}") from None
        finally:
            self._replies.pop(ask, None)

    async def alive(self, process_id: str) -> bool:
        with _reach():
            return bool(await self._redis.exists(f"{PREFIX}alive:{process_id}"))

    async def _answer(self, envelope: dict[str, Any]) -> None:
        try:
            body = await self._server(envelope["body"]) if self._server else {"error": {
                "field": None, "message": "this process serves no requests"}}
        except Exception as exc:  # the asker gets an answer, whatever happened here
            log.exception("a request from process %s failed", envelope.get("from"))
            body = {"error": {"field": None, "message": f"the request failed: {exc}"}}
        await self._redis.publish(f"{PREFIX}proc:{envelope['from']}", orjson.dumps(
            {"kind": "answer", "id": envelope["id"], "body": body}))

    # -- the connection's life -------------------------------------------------------------------

    async def _listen(self) -> None:
        backoff = 0.2
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._inbox, *(PREFIX + c for c in self._handlers))
                self._pubsub = pubsub
                self.connected.set()
                backoff = 0.2
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message["type"] == "message":
                        self._dispatch(message["channel"].decode(), message["data"])
            except (RedisError, OSError) as exc:
                if self.connected.is_set():
                    log.warning("lost Redis (%s); retrying", exc)
                self.connected.clear()
                self._pubsub = None
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated

    def _dispatch(self, channel: str, data: bytes) -> None:
        if channel == self._inbox:
            envelope = orjson.loads(data)
            if envelope.get("kind") == "ask":
                asyncio.create_task(self._answer(envelope))
            else:
                future = self._replies.get(envelope.get("id"))
                if future is not None and not future.done():
                    future.set_result(envelope["body"])
            return
        for handler in list(self._handlers.get(channel.removeprefix(PREFIX), ())):
            try:
                handler(data)
            except Exception:
                log.exception("a handler of %s failed", channel)

    async def _publisher(self) -> None:
        while True:
            channel, data = await self._outgoing.get()
            while True:
                try:
                    await self._redis.publish(channel, data)
                    break
                except (RedisError, OSError):
                    await asyncio.sleep(0.5)

    async def _heartbeat(self) -> None:
        while True:
            with contextlib.suppress(RedisError, OSError):
                await self._redis.set(f"{PREFIX}alive:{self.process_id}", b"1", px=ALIVE_MS)
            await asyncio.sleep(HEARTBEAT_S)

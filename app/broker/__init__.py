"""What crosses processes: a small key/value store with expiry, pub/sub and requests to a process.

``memory://`` (the default) keeps everything in this process and imports nothing more; ``redis://``
shares it between GradLab processes through Redis (redis-py's asyncio client).
"""

from app.broker.base import Broker, BrokerError
from app.broker.memory import MemoryBroker


def make_broker(url: str) -> Broker:
    if url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from app.broker.redis import RedisBroker  # only now: a one-process install needs no Redis

        return RedisBroker(url)
    raise ValueError(f"broker_url {url!r}: use memory:// or redis://host:port/db")


__all__ = ["Broker", "BrokerError", "MemoryBroker", "make_broker"]

"""Where the training lab's user data lives between the upload and the run: uploads and Fashion-MNIST.

Uploads are kept in an ``UploadStore`` of the app's state (``app.state.uploads``), keyed by the hash
of their bytes: the run config names an upload by that id, and the training lab's builder is bound to
the store when the app is made. The store holds raw bytes, re-parsed with the run's split and seed,
and is fair to a class: each client (address) keeps its own last ``max_uploads_per_client`` files, so
one student's uploads only ever replace their own; all of them together stay under
``max_upload_store_bytes`` (beyond it a new upload is refused with a 503 until old ones expire after
``upload_ttl_s`` unused), so nobody can evict a classmate's file.
"""

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException
from starlette.requests import HTTPConnection

from app.labs.errors import FieldError
from app.labs.training import Dataset, load_fashion_mnist, parse_csv
from app.settings import Settings


@dataclass
class Upload:
    raw: bytes
    task: str  # "classification" or "regression", as the parser found it
    owners: set[str] = field(default_factory=set)  # the clients that uploaded these bytes
    used: float = field(default_factory=time.monotonic)


class UploadStore:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: dict[str, Upload] = {}
        self._by_client: dict[str, list[str]] = {}  # oldest first
        self._lock = threading.Lock()
        self._per_client = settings.max_uploads_per_client
        self._max_bytes = settings.max_upload_store_bytes
        self._ttl = settings.upload_ttl_s
        self._clock = clock

    @property
    def held_bytes(self) -> int:
        return sum(len(u.raw) for u in self._items.values())

    def put(self, client: str, raw: bytes, task: str) -> str:
        key = hashlib.sha256(raw + task.encode()).hexdigest()[:16]
        now = self._clock()
        with self._lock:
            self._expire(now)
            mine = self._by_client.setdefault(client, [])
            if key in mine:
                mine.remove(key)
            elif len(mine) >= self._per_client:
                self._drop(client, mine.pop(0))  # the client's own oldest makes room
            if key not in self._items and self.held_bytes + len(raw) > self._max_bytes:
                raise HTTPException(503, f"the server holds {self._max_bytes} bytes of uploads, its limit; "
                                         "try again later", headers={"Retry-After": "60"})
            upload = self._items.setdefault(key, Upload(raw, task))
            upload.owners.add(client)
            upload.used = now
            mine.append(key)
        return key

    def get(self, key: str | None) -> Upload:
        with self._lock:
            upload = self._items.get(key or "")
            if upload is not None:
                upload.used = self._clock()
        if upload is None:
            raise FieldError("upload", "no uploaded file with this id on the server; upload the CSV again")
        return upload

    def _drop(self, client: str, key: str) -> None:
        upload = self._items.get(key)
        if upload is not None:
            upload.owners.discard(client)
            if not upload.owners:
                del self._items[key]

    def _expire(self, now: float) -> None:
        for key in [k for k, u in self._items.items() if now - u.used > self._ttl]:
            for client in self._items[key].owners:
                self._by_client[client].remove(key)
            del self._items[key]
        for client in [c for c, keys in self._by_client.items() if not keys]:
            del self._by_client[client]


def get_uploads(conn: HTTPConnection) -> UploadStore:
    return conn.app.state.uploads  # type: ignore[no-any-return]


UploadsDep = Annotated[UploadStore, Depends(get_uploads)]


def parse(raw: bytes, task: str, settings: Settings, test_fraction: float = 0.3, seed: int = 0) -> Dataset:
    return parse_csv(raw, task, max_bytes=settings.max_upload_bytes, max_rows=settings.max_samples,
                     test_fraction=test_fraction, seed=seed)


def uploaded(uploads: UploadStore | None, key: str | None, settings: Settings, test_fraction: float,
             seed: int) -> tuple[Dataset, str]:
    if uploads is None:
        raise FieldError("upload", "this server keeps no uploads")
    upload = uploads.get(key)
    return parse(upload.raw, upload.task, settings, test_fraction, seed), upload.task


def fashion(settings: Settings, limit: int) -> Dataset:
    if not settings.fashion_mnist_dir:
        raise FieldError("dataset", "Fashion-MNIST is not set up on this server (GRADLAB_FASHION_MNIST_DIR)")
    return _fashion(settings.fashion_mnist_dir, limit)


@lru_cache(maxsize=1)
def _fashion(folder: str, limit: int) -> Dataset:
    # tensors are never written to, so runs can share one copy
    return load_fashion_mnist(Path(folder), limit=limit)

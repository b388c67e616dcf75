"""Where the training lab's user data lives between the upload and the run: uploads and Fashion-MNIST.

Uploads are kept in a small process-wide store, keyed by the hash of their bytes: a run's builder
gets only ``(config, settings)``, so the run config names an upload by that id. The store is
bounded (oldest out first) and holds raw bytes, re-parsed with the run's split and seed.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.labs.errors import FieldError
from app.labs.training import Dataset, load_fashion_mnist, parse_csv
from app.settings import Settings

MAX_UPLOADS = 16


@dataclass(frozen=True)
class Upload:
    raw: bytes
    task: str  # "classification" or "regression", as the parser found it


class UploadStore:
    def __init__(self, limit: int = MAX_UPLOADS) -> None:
        self._items: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def put(self, raw: bytes, task: str) -> str:
        key = hashlib.sha256(raw + task.encode()).hexdigest()[:16]
        with self._lock:
            self._items[key] = Upload(raw, task)
            self._items.move_to_end(key)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return key

    def get(self, key: str | None) -> Upload:
        with self._lock:
            upload = self._items.get(key or "")
        if upload is None:
            raise FieldError("upload", "no uploaded file with this id on the server; upload the CSV again")
        return upload


UPLOADS = UploadStore()


def parse(raw: bytes, task: str, settings: Settings, test_fraction: float = 0.3, seed: int = 0) -> Dataset:
    return parse_csv(raw, task, max_bytes=settings.max_upload_bytes, max_rows=settings.max_samples,
                     test_fraction=test_fraction, seed=seed)


def uploaded(key: str | None, settings: Settings, test_fraction: float, seed: int) -> tuple[Dataset, str]:
    upload = UPLOADS.get(key)
    return parse(upload.raw, upload.task, settings, test_fraction, seed), upload.task


def fashion(settings: Settings, limit: int) -> Dataset:
    if not settings.fashion_mnist_dir:
        raise FieldError("dataset", "Fashion-MNIST is not set up on this server (GRADLAB_FASHION_MNIST_DIR)")
    return _fashion(settings.fashion_mnist_dir, limit)


@lru_cache(maxsize=1)
def _fashion(folder: str, limit: int) -> Dataset:
    # tensors are never written to, so runs can share one copy
    return load_fashion_mnist(Path(folder), limit=limit)

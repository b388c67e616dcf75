"""Fashion-MNIST from the standard IDX files the user already has; GradLab never downloads it.

IDX (LeCun's MNIST format): two zero bytes, a type code, the number of dimensions, each dimension
as a big-endian uint32, then the values in C order, big-endian. Files may be gzipped, as
distributed. Anything else (a wrong magic, a short or over-long body) is refused, naming the file.
"""

import gzip
import io
import zlib
from pathlib import Path

import numpy as np
import torch

from app.labs.common.datasets import Dataset
from app.labs.errors import FieldError

DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
MAX_FILE_BYTES = 64 * 2**20  # Fashion-MNIST's largest file is 47 MB unpacked


def read_idx(raw: bytes, name: str = "file", field: str = "file", max_bytes: int = MAX_FILE_BYTES) -> np.ndarray:
    """The array stored in IDX bytes (gzipped or not); ``name`` is shown in errors."""
    if raw[:2] == b"\x1f\x8b":
        try:
            # read one byte past the limit so an oversized (or bomb) file is refused, not unpacked
            raw = gzip.GzipFile(fileobj=io.BytesIO(raw)).read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise FieldError(field, f"{name}: not a readable gzip file ({exc})") from exc
    if len(raw) > max_bytes:
        raise FieldError(field, f"{name}: larger than {max_bytes} bytes")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in DTYPES:
        raise FieldError(field, f"{name}: not an IDX file (bad magic number {raw[:4].hex() or 'empty'})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise FieldError(field, f"{name}: truncated IDX header ({ndim} dimensions)")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    body = len(raw) - header
    if body != expected:
        what = "truncated" if body < expected else "longer than its header says"
        raise FieldError(field, f"{name}: {what}: shape {shape} needs {expected} bytes of data, found {body}")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _load(directory: Path, key: str, field: str) -> np.ndarray:
    stem = FILES[key]
    for candidate in (directory / stem, directory / f"{stem}.gz"):
        if candidate.is_file():
            return read_idx(candidate.read_bytes(), candidate.name, field)
    raise FieldError(field, f"{stem} (or {stem}.gz) not found in {directory}")


def _images_and_labels(directory: Path, part: str, field: str) -> tuple[np.ndarray, np.ndarray]:
    images, labels = _load(directory, f"{part}_images", field), _load(directory, f"{part}_labels", field)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise FieldError(
            field, f"{part}: expected images [n, rows, cols] and n labels, got {images.shape} and {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= len(FASHION_CLASSES)):
        raise FieldError(field, f"{part}: labels must be 0 to 9, found {labels.min()} to {labels.max()}")
    return images, labels


def load_fashion_mnist(directory: Path, limit: int | None = None, field: str = "dataset") -> Dataset:
    """Fashion-MNIST's own train/test split, pixels scaled to [0, 1] and flattened.

    ``limit`` keeps the first ``limit`` training and test images, for a classroom-sized run.
    """
    if not directory.is_dir():
        raise FieldError(field, f"Fashion-MNIST folder {directory} does not exist")
    (x_tr, y_tr), (x_te, y_te) = (_images_and_labels(directory, p, field) for p in ("train", "test"))
    if limit is not None:
        x_tr, y_tr, x_te, y_te = x_tr[:limit], y_tr[:limit], x_te[:limit], y_te[:limit]

    def flat(images: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)

    return Dataset(
        name="fashion",
        task="classification",
        x_train=flat(x_tr),
        y_train=torch.from_numpy(y_tr.astype(np.int64)),
        x_test=flat(x_te),
        y_test=torch.from_numpy(y_te.astype(np.int64)),
        classes=FASHION_CLASSES,
        image_shape=(int(x_tr.shape[1]), int(x_tr.shape[2])),
    )

"""A small CSV of the user's own points: ``x1,x2,label`` to classify or ``x,y`` to fit a curve.

A header row is optional (recognised by its non-numeric coordinates). Labels may be any text or
numbers; each distinct label is a class. Coordinates are standardised for training, and the
dataset keeps the shift and scale so the page draws points and boundaries in the user's units.
Every refusal is a ``FieldError`` on the upload's field that names the row and column at fault.
"""

import csv
import io
import math
from dataclasses import replace

import numpy as np
import torch

from app.labs.common.datasets import Dataset, split
from app.labs.errors import FieldError

TASKS = ("auto", "classification", "regression")
COLUMNS = {"classification": 3, "regression": 2}
MIN_ROWS = 6  # enough for a train and a test part


def _number(cell: str, row: int, column: str, field: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise FieldError(field, f"row {row}, column {column!r}: {cell.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise FieldError(field, f"row {row}, column {column!r}: {cell.strip()!r} is not a finite number")
    return value


def _rows(raw: bytes, field: str, max_bytes: int) -> list[list[str]]:
    if len(raw) > max_bytes:
        raise FieldError(field, f"the file is {len(raw)} bytes; the limit is {max_bytes}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FieldError(field, f"not UTF-8 text (byte {exc.start})") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","  # one column or an odd file: the column check below explains what is wrong
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [[c.strip() for c in r] for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:  # a field over csv.field_size_limit() (131,072 characters), a stray NUL
        raise FieldError(field, f"line {reader.line_num}: {exc}") from None


def parse_csv(
    raw: bytes,
    task: str = "auto",
    *,
    field: str = "file",
    max_bytes: int = 1_000_000,
    max_rows: int = 20_000,
    max_classes: int = 10,
    test_fraction: float = 0.3,
    seed: int = 0,
) -> Dataset:
    """The uploaded bytes as a seeded train/test ``Dataset`` named ``csv``."""
    if task not in TASKS:
        raise FieldError("task", f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    rows = _rows(raw, field, max_bytes)
    if not rows:
        raise FieldError(field, "the file is empty")
    width = len(rows[0])
    if task == "auto":
        task = {3: "classification", 2: "regression"}.get(width, "")
        if not task:
            raise FieldError(field, f"expected 3 columns (x1, x2, label) or 2 (x, y), found {width} in row 1")
    columns = COLUMNS[task]
    names = ["x1", "x2", "label"] if task == "classification" else ["x", "y"]
    numeric = columns - 1 if task == "classification" else columns
    first = 1
    if any(_is_text(c) for c in rows[0][:numeric]):  # a header: use its names in messages
        names, rows, first = [c or n for c, n in zip(rows[0], names, strict=False)], rows[1:], 2
    if len(rows) < MIN_ROWS:
        raise FieldError(field, f"{len(rows)} data rows; at least {MIN_ROWS} are needed")
    if len(rows) > max_rows:
        raise FieldError(field, f"{len(rows)} data rows; the limit is {max_rows}")
    for i, row in enumerate(rows, start=first):
        if len(row) != columns:
            raise FieldError(field, f"row {i} has {len(row)} columns; every row needs {columns} ({', '.join(names)})")
    values = np.array([[_number(r[j], i, names[j], field) for j in range(numeric)] for i, r in enumerate(rows, first)])
    if task == "regression":
        return _standardised(split("csv", values[:, :1], values[:, 1:], test_fraction, seed))
    labels = [r[2] for r in rows]
    classes = sorted(set(labels), key=_label_order)
    if not 2 <= len(classes) <= max_classes:
        raise FieldError(field, f"column {names[2]!r} has {len(classes)} classes; 2 to {max_classes} are allowed")
    index = {c: k for k, c in enumerate(classes)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    return replace(_standardised(split("csv", values, y, test_fraction, seed)), classes=tuple(classes))


def _is_text(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _label_order(label: str) -> tuple[int, float, str]:
    """Numeric labels in numeric order (2 before 10), then text labels alphabetically."""
    return (0, float(label), "") if not _is_text(label) else (1, 0.0, label)


def _standardised(data: Dataset) -> Dataset:
    """Zero mean, unit std from the training part; a constant column keeps scale 1."""
    mean = data.x_train.mean(dim=0)
    spread = data.x_train.std(dim=0, unbiased=False)
    scale = torch.where(spread > 0, spread, torch.ones_like(spread))
    changes: dict[str, object] = {
        "x_train": (data.x_train - mean) / scale,
        "x_test": (data.x_test - mean) / scale,
        "x_shift": tuple(float(m) for m in mean),
        "x_scale": tuple(float(s) for s in scale),
    }
    if data.task == "regression":
        y_mean, y_std = float(data.y_train.mean()), float(data.y_train.std(unbiased=False)) or 1.0
        changes |= {
            "y_train": (data.y_train - y_mean) / y_std,
            "y_test": (data.y_test - y_mean) / y_std,
            "y_shift": y_mean,
            "y_scale": y_std,
        }
    return replace(data, **changes)  # type: ignore[arg-type]

"""Bounded chart series: what a frame sends of a run's history, however long the run.

Two shapes of the one idea. A ``Series`` records as the run goes and halves itself when full, so
it costs bounded memory yet spans the whole run; ``evenly`` and ``doubling`` pick which points of
a complete record to send.
"""

import math


class Series:
    """An append-only record of ``(x, row)`` that keeps every other point when it reaches
    ``2·limit`` (and from then on takes every other point offered), so it holds between ``limit``
    and ``2·limit`` points spread evenly over the whole run. ``digits`` rounds the values kept to
    that many significant digits (a curve needs four, not seventeen), or keeps them exact."""

    def __init__(self, limit: int, stride: int = 1, digits: int | None = None) -> None:
        self.limit, self.stride, self.digits, self._count = limit, stride, digits, 0
        self.x: list[float] = []
        self.rows: list[list[float]] = []

    def wants_next(self) -> bool:
        """Whether the next ``add`` is kept: lets callers skip computing a value nobody keeps."""
        return self._count % self.stride == 0

    def add(self, x: float, row: list[float]) -> None:
        if self.wants_next():
            self.x.append(x)
            self.rows.append(row if self.digits is None else [float(f"{v:.{self.digits}g}") for v in row])
            if len(self.x) >= 2 * self.limit:
                self.x, self.rows, self.stride = self.x[::2], self.rows[::2], self.stride * 2
        self._count += 1

    def columns(self) -> list[list[float]]:
        """The rows transposed: one list per recorded quantity."""
        return [list(col) for col in zip(*self.rows, strict=True)] if self.rows else []


def evenly(n: int, limit: int) -> list[int]:
    """Indices of at most ``limit`` (+1) of ``n`` points, evenly strided, always ending at the latest."""
    stride = max(1, math.ceil(n / limit))
    picked = list(range(0, n, stride))
    if picked and picked[-1] != n - 1:
        picked.append(n - 1)
    return picked


def doubling(n: int, limit: int) -> list[int]:
    """Indices of at most ``limit`` of ``n`` points, always the first and the latest.

    The stride is a power of two, so between two frames the kept points stay the same until it
    doubles: a growing path is redrawn, not reshuffled.
    """
    stride = 1
    while math.ceil(n / stride) > limit - 1:
        stride *= 2
    indices = list(range(0, n, stride))
    if indices[-1] != n - 1:
        indices.append(n - 1)
    return indices

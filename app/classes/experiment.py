"""A class experiment: one point per student's run, a config field against a result, anonymous."""

import math
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Metric = Literal["final_loss", "current_loss", "test_accuracy", "steps_to_target"]
METRICS: tuple[Metric, ...] = typing.get_args(Metric)
MAX_FIELD = 60  # characters of a field path like "methods[0].method"


@dataclass(frozen=True)
class RunResult:
    """What the experiment needs of one run (taken from the engine's Run by the socket layer)."""

    lab: str
    config: Mapping[str, Any]
    status: str
    step: int
    losses: Sequence[float | None]  # the loss history: point j is the loss of step min((j+1)·stride, step)
    frame: Mapping[str, Any] | None = None  # the run's latest frame, for accuracy
    stride: int = 1  # steps between two points of ``losses``


def config_value(config: Mapping[str, Any], path: str) -> Any:
    """``lr``, ``methods[0].method`` or ``optimizer.lr`` read out of a config; None if absent."""
    value: Any = config
    for part in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    if isinstance(value, bool) or isinstance(value, (int, float, str)):
        return value
    return None


def _finite(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)]


def test_accuracy(frame: Mapping[str, Any] | None) -> float | None:
    """The latest test accuracy a training frame carries (its first model's curves)."""
    try:
        series = frame["runs"][0]["curves"]["test_acc"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
    last = _finite(series[-1:]) if isinstance(series, list) else []
    return last[0] if last else None


def steps_to_target(result: RunResult, target: float | None) -> float | None:
    """The first step whose loss is at or below ``target`` (to the resolution of the history)."""
    if target is None or not result.losses:
        return None
    for j, loss in enumerate(result.losses):
        if isinstance(loss, (int, float)) and math.isfinite(loss) and loss <= target:
            return min((j + 1) * result.stride, result.step)
    return None


def metric_value(result: RunResult, metric: str, target: float | None = None) -> float | None:
    if metric == "current_loss":
        finite = _finite(result.losses[-1:])
        return finite[0] if finite else None
    if metric == "final_loss":
        finite = _finite(result.losses[-1:])
        return finite[0] if finite and result.status == "finished" else None
    if metric == "test_accuracy":
        return test_accuracy(result.frame)
    if metric == "steps_to_target":
        return steps_to_target(result, target)
    raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def points(results: Iterable[RunResult], lab: str, field: str, metric: str,
           target: float | None = None) -> list[dict[str, Any]]:
    """One ``{x, y, status}`` per run of ``lab`` that has both values, sorted by x; no names."""
    out = []
    for result in results:
        if result.lab != lab:
            continue
        x, y = config_value(result.config, field), metric_value(result, metric, target)
        if x is not None and y is not None:
            out.append({"x": x, "y": y, "status": result.status})
    return sorted(out, key=point_order)


def point_order(point: Mapping[str, Any]) -> tuple[bool, Any]:
    """Points by x (one field: one type of x); also how points pooled from several processes merge."""
    return isinstance(point["x"], str), point["x"]

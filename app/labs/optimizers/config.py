"""What a live optimiser run is built from, and the caps the web layer passes in from settings."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from app.labs.errors import FieldError
from app.labs.optimizers.race import MAX_RACERS, MAX_STEPS, check_steps
from app.labs.optimizers.specs import OptimizerSpec, check_point, parse_specs
from app.labs.optimizers.surfaces import SURFACES, Surface, custom_surface
from app.labs.optimizers.swarm import LAYOUTS, MAX_SWARM

MODES = ("race", "swarm")


@dataclass(frozen=True)
class Limits:
    max_steps: int = MAX_STEPS
    max_racers: int = MAX_RACERS
    max_swarm: int = MAX_SWARM


DEFAULT_LIMITS = Limits()


def _default_racers() -> list[dict[str, Any]]:
    return [{"name": "sgd", "lr": 0.05}, {"name": "momentum", "lr": 0.05}, {"name": "adam", "lr": 0.05}]


@dataclass
class OptimizersConfig:
    mode: str = "race"  # "race": a few paths, step by step; "swarm": a cloud of starts per optimiser
    surface: str = "saddle"  # a built-in surface, used when no expression is given
    expression: str | None = None  # a custom surface: a formula in x and y
    start: tuple[float, float] | None = None  # where every racer starts; None: the surface's classic start
    steps: int = 300  # the run finishes after this many steps
    optimizers: list[dict[str, Any]] = field(default_factory=_default_racers)  # {"name": ..., torch.optim kwargs}
    swarm_size: int = 2500  # starting points per optimiser (a grid uses the largest square that fits)
    swarm_layout: str = "grid"  # "grid" or "random"
    seed: int = 0  # the random layout and the sample of the cloud drawn
    path_points: int = 500  # at most this many points of each path per frame (the latest always)
    cloud_points: int = 1000  # at most this many points of each cloud per frame


@dataclass(frozen=True)
class Checked:
    """A config whose every field has been checked: what a run is built from."""

    config: OptimizersConfig
    surface: Surface
    start: tuple[float, float]
    specs: list[OptimizerSpec]


def config_from_mapping(raw: Mapping[str, Any]) -> OptimizersConfig:
    """An OptimizersConfig from wire-shaped data; unknown keys are refused by name."""
    known = {f.name for f in fields(OptimizersConfig)}
    for key in raw:
        if key not in known:
            raise FieldError(str(key), f"unknown setting; known: {', '.join(sorted(known))}")
    values = dict(raw)
    if values.get("start") is not None:
        values["start"] = check_point(values["start"], "start")
    return OptimizersConfig(**values)


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FieldError(where, f"expected a whole number from {low} to {high}, got {value!r}")
    return value


def _surface(config: OptimizersConfig) -> Surface:
    if config.expression is not None:
        if not isinstance(config.expression, str):
            raise FieldError("expression", f"expected text, got {config.expression!r}")
        return custom_surface(config.expression, "expression")
    if config.surface not in SURFACES:
        raise FieldError("surface", f"unknown surface {config.surface!r}; known: {', '.join(SURFACES)}")
    return SURFACES[config.surface]


def check_config(config: OptimizersConfig, limits: Limits = DEFAULT_LIMITS) -> Checked:
    if config.mode not in MODES:
        raise FieldError("mode", f"unknown mode {config.mode!r}; use race or swarm")
    surface = _surface(config)
    start = surface.start if config.start is None else check_point(config.start, "start")
    check_steps(config.steps, limits.max_steps)
    specs = parse_specs(config.optimizers, "optimizers", limits.max_racers)
    if config.mode == "swarm":
        _whole(config.swarm_size, "swarm_size", 1, limits.max_swarm)
        if config.swarm_layout not in LAYOUTS:
            raise FieldError("swarm_layout", f"unknown layout {config.swarm_layout!r}; use grid or random")
    _whole(config.seed, "seed", 0, 2**31 - 1)
    _whole(config.path_points, "path_points", 2, 5000)
    _whole(config.cloud_points, "cloud_points", 1, 10_000)
    return Checked(config, surface, start, specs)

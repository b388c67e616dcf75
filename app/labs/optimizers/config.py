"""What a live optimiser run is built from, each field declared once (type, default, bounds, choices, the
settings cap and help; see app/labs/fields.py), and the caps the web layer passes in from settings."""

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Annotated, Any, Literal

from app.labs.errors import FieldError
from app.labs.fields import Cap, Ge, Help, Le, MaxLen, MinLen, Seed, within
from app.labs.optimizers.formula import MAX_LENGTH
from app.labs.optimizers.race import MAX_RACERS, MAX_STEPS, check_steps
from app.labs.optimizers.racer import Point, Racer
from app.labs.optimizers.specs import OptimizerSpec, check_point, parse_specs
from app.labs.optimizers.surfaces import SURFACES, Surface, SurfaceName, custom_surface
from app.labs.optimizers.swarm import LAYOUTS, MAX_SWARM, Layout

Mode = Literal["race", "swarm"]
MODES: tuple[Mode, ...] = typing.get_args(Mode)


@dataclass(frozen=True)
class Limits:
    max_steps: int = MAX_STEPS
    max_racers: int = MAX_RACERS
    max_swarm: int = MAX_SWARM


DEFAULT_LIMITS = Limits()
Formula = Annotated[str, MaxLen(MAX_LENGTH)]


def _default_racers() -> list[Racer]:
    return [Racer("sgd", lr=0.02), Racer("momentum", lr=0.02), Racer("adam", lr=0.02)]


@dataclass
class OptimizersConfig:
    """A live race (or swarm); ``{}`` races SGD, Momentum and Adam across the saddle with a floor."""

    mode: Annotated[Mode, Help("race: a few paths, step by step; swarm: a cloud of starts per optimiser")] = "race"
    surface: Annotated[SurfaceName, Help("a built-in surface, used when no expression is given")] = "saddle_bounded"
    expression: Annotated[Formula | None,
                          Help("a custom surface, a formula in x and y (e.g. x^2 - y^2); overrides surface")] = None
    start: Annotated[Point | None, Help("where every racer starts; null: the surface's classic start")] = None
    steps: Annotated[int, Ge(1), Cap("max_steps"), Help("the run finishes after this many steps")] = 300
    optimizers: Annotated[list[Racer], MinLen(1), Cap("max_racers"),
                          Help("the racers, each a torch.optim optimiser")] = field(default_factory=_default_racers)
    swarm_size: Annotated[int, Ge(1), Cap("max_swarm"), Help("starting points per optimiser in swarm mode (a grid "
                                                              "uses the largest square that fits)")] = 2500
    swarm_layout: Annotated[Layout, Help("the swarm's starts: a grid or uniform random")] = "grid"
    seed: Annotated[Seed, Help("the random layout and the sample of the cloud drawn")] = 0
    path_points: Annotated[int, Ge(2), Le(5000), Help("points of each path per frame, at most (the latest "
                                                      "always)")] = 500
    cloud_points: Annotated[int, Ge(1), Le(10_000), Help("points of each swarm cloud per frame, at most")] = 1000


_HINTS = typing.get_type_hints(OptimizersConfig, include_extras=True)


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


def _whole(config: OptimizersConfig, name: str, high: int | None = None) -> int:
    """Field ``name`` within its declared bounds (and ``high``, this server's cap, when it has one)."""
    value: int = within(_HINTS[name], getattr(config, name), name)
    if high is not None and value > high:
        raise FieldError(name, f"{value} is above this server's limit of {high}")
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
        _whole(config, "swarm_size", limits.max_swarm)
        if config.swarm_layout not in LAYOUTS:
            raise FieldError("swarm_layout", f"unknown layout {config.swarm_layout!r}; use grid or random")
    for name in ("seed", "path_points", "cloud_points"):
        _whole(config, name)
    return Checked(config, surface, start, specs)

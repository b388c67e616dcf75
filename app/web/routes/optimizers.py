"""Optimiser lab on the wire: surfaces, one-shot trajectories, grids, EWA, code, and the live race."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.labs import optimizers as lab
from app.labs.optimizers.formula import MAX_LENGTH
from app.labs.optimizers.specs import KINDS, default_hyper
from app.labs.optimizers.surfaces import MAX_GRID
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.live import LiveLab, check_caps

router = APIRouter(prefix="/api/optimizers", tags=["optimizers"])

Finite = Annotated[float, Field(allow_inf_nan=False)]
Point = tuple[Finite, Finite]
SurfaceName = Literal[tuple(lab.SURFACES)]  # type: ignore[valid-type]
OptimizerName = Literal[tuple(KINDS)]  # type: ignore[valid-type]
Expression = Annotated[str, Field(max_length=MAX_LENGTH, description="a formula in x and y, e.g. x^2 - y^2")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Hyperparameters(_Strict):
    """The ``torch.optim`` keyword arguments that may also change mid-run."""

    lr: Finite | None = None
    momentum: Finite | None = None
    dampening: Finite | None = None
    weight_decay: Finite | None = None
    eps: Finite | None = None
    alpha: Finite | None = None
    lr_decay: Finite | None = None
    betas: tuple[Finite, Finite] | None = None


class OptimizerModel(_Hyperparameters):
    """One racer: a name and any ``torch.optim`` keyword arguments its class takes (others are refused
    by name). Unset ones keep PyTorch's defaults; ``momentum`` and ``nesterov`` default to momentum 0.9."""

    name: OptimizerName
    initial_accumulator_value: Finite | None = None
    centered: bool | None = None
    amsgrad: bool | None = None
    start: Annotated[Point | None, Field(description="this racer's own start; else the race's")] = None

    def lab_spec(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SurfaceModel(_Strict):
    """A built-in surface by ``name`` or a custom ``expression``: exactly one of them."""

    name: SurfaceName | None = None
    expression: Expression | None = None

    def lab_surface(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SurfaceInfo(BaseModel):
    name: str
    formula: str
    domain: tuple[Point, Point]
    start: Point
    minima: list[Point]


@router.get("/surfaces", response_model=list[SurfaceInfo], summary="The built-in loss surfaces")
def surfaces() -> list[dict[str, Any]]:
    return lab.surfaces()


class TrajectoriesRequest(_Strict):
    surface: SurfaceModel
    start: Point
    steps: int = Field(ge=0, description="optimiser steps; points holds the start and one point per step")
    optimizers: list[OptimizerModel] = Field(min_length=1)


class Trajectory(BaseModel):
    name: str
    points: list[Point]
    values: list[float]
    diverged: bool = Field(description="the run went non-finite and stopped at its last finite point")


class TrajectoriesResponse(BaseModel):
    trajectories: list[Trajectory]


ONE_SHOT_CAPS = {"steps": "max_trajectory_steps", "optimizers#": "max_racers"}  # one request, answered in seconds


@router.post("/trajectories", response_model=TrajectoriesResponse, summary="Each optimiser's path on a surface")
def trajectories(body: TrajectoriesRequest, settings: SettingsDep) -> dict[str, Any]:
    """Every optimiser from the same start (or its own), stepped by real ``torch.optim``."""
    check_caps(body, ONE_SHOT_CAPS, settings)
    return lab.trajectories(body.surface.lab_surface(), list(body.start), body.steps,
                            [o.lab_spec() for o in body.optimizers],
                            max_steps=settings.max_trajectory_steps, max_racers=settings.max_racers)  # fmt: skip


class OptimizerInfo(BaseModel):
    name: str
    torch_class: str
    defaults: dict[str, Any] = Field(description="every hyperparameter it takes, at its default")


@router.get("/optimizers", response_model=list[OptimizerInfo], summary="The optimisers and their hyperparameters")
def optimizers() -> list[dict[str, Any]]:
    return [{"name": name, "torch_class": f"torch.optim.{kind.cls.__name__}", "defaults": default_hyper(name)}
            for name, kind in KINDS.items()]  # fmt: skip


class GridRequest(_Strict):
    surface: SurfaceModel
    resolution: int = Field(81, ge=2, le=MAX_GRID)
    domain: tuple[tuple[Finite, Finite], tuple[Finite, Finite]] | None = None


class Grid(BaseModel):
    x: list[float]
    y: list[float]
    z: list[list[float | None]] = Field(description="z[j][i] = f(x[i], y[j]); null where not finite")


@router.post("/grid", response_model=Grid, summary="A surface sampled on a grid, for contour and 3D plots")
def grid(body: GridRequest) -> dict[str, Any]:
    return lab.surface_grid(body.surface.lab_surface(), body.resolution, body.domain)


class EwaRequest(_Strict):
    beta: Finite = Field(0.9, description="from 0.5 to 0.999")
    n: int = Field(365, description="points in the series, 2 to 1000")
    seed: int = Field(0, ge=0, le=2**31 - 1)


class EwaResponse(BaseModel):
    beta: float
    window: float
    t: list[int]
    series: list[float]
    average: list[float]
    corrected: list[float]
    adam_exp_avg: list[float]
    momentum_buffer: list[float]


@router.post("/ewa", response_model=EwaResponse, summary="The exponentially weighted average of a noisy series")
def ewa(body: EwaRequest) -> dict[str, Any]:
    """The notes' average with and without bias correction, beside torch.optim's own running averages."""
    return lab.ewa(body.beta, body.n, body.seed)


def _default_racers() -> list[OptimizerModel]:
    return [OptimizerModel(name="sgd", lr=0.05), OptimizerModel(name="momentum", lr=0.05),
            OptimizerModel(name="adam", lr=0.05)]  # fmt: skip


class RunConfig(_Strict):
    """A live race (or swarm); ``{}`` races SGD, Momentum and Adam across the saddle."""

    mode: Literal["race", "swarm"] = "race"
    surface: SurfaceName = "saddle"
    expression: Expression | None = Field(None, description="a custom surface; overrides surface")
    start: Point | None = Field(None, description="null: the surface's classic start")
    steps: int = Field(300, ge=1)
    optimizers: list[OptimizerModel] = Field(default_factory=_default_racers, min_length=1)
    swarm_size: int = Field(2500, ge=1, description="starting points per optimiser in swarm mode")
    swarm_layout: Literal["grid", "random"] = "grid"
    seed: int = Field(0, ge=0, le=2**31 - 1)
    path_points: int = Field(500, ge=2, le=5000, description="points of each path per frame, at most")
    cloud_points: int = Field(1000, ge=1, le=10_000, description="points of each swarm cloud per frame, at most")

    def lab_config(self) -> lab.OptimizersConfig:
        data = self.model_dump(exclude={"optimizers"})
        return lab.config_from_mapping({**data, "optimizers": [o.lab_spec() for o in self.optimizers]})


class RacerParams(_Hyperparameters):
    index: int = Field(ge=0)


class RunParams(_Strict):
    """Mid-run: ``lr`` for every racer, and/or per-racer changes written into its param group."""

    lr: Finite | None = None
    racers: list[RacerParams] | None = None


RUN_CAPS = {"steps": "max_steps", "optimizers#": "max_racers", "swarm_size": "max_swarm"}


def limits(settings: Settings) -> lab.Limits:
    return lab.Limits(max_steps=settings.max_steps, max_racers=settings.max_racers, max_swarm=settings.max_swarm)


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a race or swarm")
def code(body: RunConfig, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, RUN_CAPS, settings)
    return {"code": lab.pytorch_code(body.lab_config(), limits(settings))}


class Scene(BaseModel):
    name: str
    title: dict[str, str]
    question: dict[str, str]
    config: dict[str, Any]
    ewa: dict[str, float] | None = None


@router.get("/presets", response_model=list[Scene], summary="One-click scenes, each asking one question")
def presets() -> list[dict[str, Any]]:
    return lab.presets()


def build(config: RunConfig, settings: Settings) -> lab.OptimizerRun:
    return lab.OptimizerRun(config.lab_config(), limits(settings))


LIVE = LiveLab("optimizers", RunConfig, build, RUN_CAPS, RunParams)

"""Optimiser lab on the wire: surfaces, one-shot trajectories, grids, EWA, code, and the live race."""

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.labs import optimizers as lab
from app.labs.optimizers.config import Formula
from app.labs.optimizers.memory import run_memory
from app.labs.optimizers.racer import FIXED_AFTER_START, KINDS, LIVE_HYPERPARAMETERS, Racer, default_hyper
from app.labs.optimizers.surfaces import MAX_GRID, SurfaceName
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.limits import estimate_of
from app.web.live import LiveLab, check_caps
from app.web.spec import SpecModel, model_of, takes
from app.web.wire import Integer, Number, cap, caps_of

router = APIRouter(prefix="/api/optimizers", tags=["optimizers"])

Finite = Number
Point = tuple[Finite, Finite]

# The run's models are derived from the lab's declarations (app/labs/optimizers/config.py, racer.py).
OptimizerModel = model_of(Racer)
RunConfig = model_of(lab.OptimizersConfig, name="OptimizersRunConfig")
RacerParams = model_of(Racer, name="RacerParams", only=LIVE_HYPERPARAMETERS, optional=True,
                       doc="One racer's mid-run changes, written into its param group.",
                       wire={"index": (Annotated[int, Field(ge=0, description="which racer")], ...)})
RunParams = model_of(Racer, name="OptimizersRunParams", only=("lr",), optional=True,  # lr: for every racer
                     doc="Mid-run: lr for every racer, and/or per-racer changes written into its param group.",
                     # a derived model inside a type made at run time: mypy reads it as a variable
                     wire={"racers": (list[RacerParams] | None, None)})  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SurfaceModel(_Strict):
    """A built-in surface by ``name`` or a custom ``expression``: exactly one of them."""

    name: SurfaceName | None = None
    expression: Formula | None = Field(None, description="a formula in x and y, e.g. x^2 - y^2")

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
    steps: Integer = Field(ge=0, json_schema_extra=cap("max_trajectory_steps"),
                           description="optimiser steps; points holds the start and one point per step")
    # the racers as the live race takes them: a model derived at run time, which mypy reads as a variable
    optimizers: list[OptimizerModel] = Field(min_length=1, json_schema_extra=cap("max_racers"))  # type: ignore[valid-type]


class Trajectory(BaseModel):
    name: str
    points: list[Point]
    values: list[float]
    diverged: bool = Field(description="the run went non-finite and stopped at its last finite point")


class TrajectoriesResponse(BaseModel):
    trajectories: list[Trajectory]


ONE_SHOT_CAPS = caps_of(TrajectoriesRequest)  # one request, answered in seconds


@router.post("/trajectories", response_model=TrajectoriesResponse, summary="Each optimiser's path on a surface")
def trajectories(body: TrajectoriesRequest, settings: SettingsDep) -> dict[str, Any]:
    """Every optimiser from the same start (or its own), stepped by real ``torch.optim``."""
    check_caps(body, ONE_SHOT_CAPS, settings)
    racers: list[SpecModel] = body.optimizers
    return lab.trajectories(body.surface.lab_surface(), list(body.start), body.steps,
                            [o.lab_config().wire() for o in racers],
                            max_steps=settings.max_trajectory_steps, max_racers=settings.max_racers)  # fmt: skip


class OptimizerInfo(BaseModel):
    name: str
    torch_class: str
    defaults: dict[str, Any] = Field(description="every hyperparameter it takes, at its default")
    live: list[str] = Field(description="the hyperparameters a set message may change mid-run (others need a restart)")


@router.get("/optimizers", response_model=list[OptimizerInfo], summary="The optimisers and their hyperparameters")
def optimizers() -> list[dict[str, Any]]:
    return [{"name": name, "torch_class": f"torch.optim.{kind.cls.__name__}", "defaults": default_hyper(name),
             "live": [k for k in kind.keys if k not in FIXED_AFTER_START]} for name, kind in KINDS.items()]


class GridRequest(_Strict):
    surface: SurfaceModel
    resolution: Integer = Field(81, ge=2, le=MAX_GRID)
    domain: tuple[tuple[Finite, Finite], tuple[Finite, Finite]] | None = None


class Grid(BaseModel):
    x: list[float]
    y: list[float]
    z: list[list[float | None]] = Field(description="z[j][i] = f(x[i], y[j]); null where not finite")


@router.post("/grid", response_model=Grid, summary="A surface sampled on a grid, for contour and 3D plots")
def grid(body: GridRequest) -> dict[str, Any]:
    return lab.surface_grid(body.surface.lab_surface(), body.resolution, body.domain)


EwaRequest = model_of(lab.EwaConfig, name="EwaRequest")


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
@takes(body=EwaRequest)
def ewa(body: SpecModel) -> dict[str, Any]:
    """The notes' average with and without bias correction, beside torch.optim's own running averages."""
    return lab.ewa(body.beta, body.n, body.seed)


RUN_CAPS = RunConfig.caps


def limits(settings: Settings) -> lab.Limits:
    return lab.Limits(max_steps=settings.max_steps, max_racers=settings.max_racers, max_swarm=settings.max_swarm)


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a race or swarm")
@takes(body=RunConfig)
def code(body: SpecModel, settings: SettingsDep) -> dict[str, str]:
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


def build(config: Any, settings: Settings) -> lab.OptimizerRun:
    return lab.OptimizerRun(config.lab_config(), limits(settings))


LIVE = LiveLab("optimizers", RunConfig, build, RUN_CAPS, RunParams, tools={"ewa": EwaRequest},
               memory=estimate_of(run_memory))

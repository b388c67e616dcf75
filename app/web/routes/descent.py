"""Gradient-descent lab on the wire: one variant to the end, the static scene, the race, the code.

Every request model is derived from the lab's declarations (app/labs/descent/config.py)."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.labs import descent as lab
from app.labs.descent.memory import one_run_memory, run_memory, scene_memory
from app.labs.errors import FieldError
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.limits import estimate_of, refuse_over_budget
from app.web.live import LiveLab, check_caps
from app.web.spec import SpecModel, model_of, takes

router = APIRouter(prefix="/api/descent", tags=["descent"])

RunRequest = model_of(lab.OneRun, name="RunRequest")
RaceConfig = model_of(lab.DescentConfig, name="RaceConfig")
RaceParams = model_of(lab.DescentConfig, name="RaceParams", only=lab.LIVE_PARAMS, optional=True,
                      doc="What a race may change mid-way; absent fields stay as they are.")
CAPS = RaceConfig.caps  # the same caps as RunRequest's: the fields they share


class LeastSquares(BaseModel):
    w: float
    b: float


class RunResponse(BaseModel):
    updates: int
    w: float
    b: float
    path: list[list[float]] = Field(description="(w, b) from the start and after every update: updates + 1 points")
    losses: list[float | None] = Field(description="the batch MSE each update descended, measured before it; "
                                       "null where it overflowed (a diverged run)")
    least_squares: LeastSquares


@router.post("/run", response_model=RunResponse, summary="One descent variant from start to end")
@takes(body=RunRequest)
def run(body: SpecModel, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, RunRequest.caps, settings)
    one: lab.OneRun = body.lab_config()
    updates = min(one.race().updates_of(one.variant), settings.max_descent_updates)
    refuse_over_budget(one_run_memory(one.samples, updates), settings.max_request_memory_mb)
    return lab.run_one(one, max_updates=settings.max_descent_updates)


def lab_config(config: SpecModel, settings: Settings) -> lab.DescentConfig:
    """The lab's config, refusing a race longer than the server's step limit."""
    cfg: lab.DescentConfig = config.lab_config()
    ticks = lab.DescentRun.ticks_for(cfg)
    if ticks > settings.max_steps:
        raise FieldError("epochs", f"{ticks} ticks exceed this server's limit of {settings.max_steps}")
    return cfg


class SceneResponse(BaseModel):
    data: dict[str, list[float]]
    contour: dict[str, Any] = Field(description="w and b axes and mse[b][w], Plotly's contour layout")
    least_squares: LeastSquares
    start: list[float]
    x_range: list[float]


@router.post("/scene", response_model=SceneResponse, summary="The data, the MSE contour and the target of a race")
@takes(body=RaceConfig)
def scene(body: SpecModel, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, CAPS, settings)
    config = lab_config(body, settings)
    refuse_over_budget(scene_memory(config), settings.max_request_memory_mb)
    return lab.DescentRun(config).scene()


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The notes' script for the first chosen variant")
@takes(body=RaceConfig)
def code(body: SpecModel, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, CAPS, settings)
    return {"code": lab.pytorch_code(body.lab_config())}


def build(config: SpecModel, settings: Settings) -> lab.DescentRun:
    return lab.DescentRun(lab_config(config, settings))


LIVE = LiveLab("descent", RaceConfig, build, CAPS, RaceParams, memory=estimate_of(run_memory))

"""Gradient-descent lab on the wire: one variant to the end, the static scene, the race, the code."""

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.labs import descent as lab
from app.labs import fields
from app.labs.descent.memory import one_run_memory, run_memory, scene_memory
from app.labs.errors import FieldError
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.limits import estimate_of, refuse_over_budget
from app.web.live import LiveLab, check_caps
from app.web.spec import wire_type
from app.web.wire import Integer, cap, caps_of

router = APIRouter(prefix="/api/descent", tags=["descent"])

Variant = Literal["batch", "stochastic", "minibatch"]
LearningRate = wire_type(fields.LearningRate)  # one bound for every lab


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Data(_Strict):
    batch_size: Integer = Field(20, ge=1, json_schema_extra=cap("max_batch_size"),
                          description="mini-batch size; batch uses every sample, stochastic one")
    epochs: Integer = Field(50, ge=1, json_schema_extra=cap("max_epochs"))
    lr: LearningRate = 0.01
    samples: Integer = Field(100, ge=2, json_schema_extra=cap("max_samples"),
                       description="points of the notes' data, y = 3 + 2x + 0.5·noise")
    seed: Integer = Field(0, ge=0, le=2**31 - 1, description="the start (w, b) and the shuffle order")


CAPS = caps_of(_Data)


class RunRequest(_Data):
    """``{}`` is the notes' run: mini-batches of 20, 50 epochs, lr 0.01, 100 samples."""

    variant: Variant = "minibatch"


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
def run(body: RunRequest, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, CAPS, settings)
    config = lab.DescentConfig(variants=(body.variant,), **body.model_dump(exclude={"variant"}))
    updates = min(config.updates_of(body.variant), settings.max_descent_updates)
    refuse_over_budget(one_run_memory(body.samples, updates), settings.max_request_memory_mb)
    return lab.run(body.variant, body.batch_size, body.epochs, body.lr, body.samples, body.seed,
                   max_updates=settings.max_descent_updates)


class RaceConfig(_Data):
    """A live race; ``{}`` races batch, stochastic and mini-batch descent on the notes' data."""

    variants: list[Variant] = Field(default_factory=lambda: list(lab.VARIANTS), min_length=1, max_length=3)

    def lab_config(self) -> lab.DescentConfig:
        return lab.DescentConfig(variants=tuple(self.variants), **self.model_dump(exclude={"variants"}))


class RaceParams(_Strict):
    lr: LearningRate | None = None


def lab_config(config: RaceConfig, settings: Settings) -> lab.DescentConfig:
    """The lab's config, refusing a race longer than the server's step limit."""
    cfg = config.lab_config()
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
def scene(body: RaceConfig, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, CAPS, settings)
    config = lab_config(body, settings)
    refuse_over_budget(scene_memory(config), settings.max_request_memory_mb)
    return lab.DescentRun(config).scene()


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The notes' script for the first chosen variant")
def code(body: RaceConfig, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, CAPS, settings)
    return {"code": lab.pytorch_code(body.lab_config())}


def build(config: RaceConfig, settings: Settings) -> lab.DescentRun:
    return lab.DescentRun(lab_config(config, settings))


LIVE = LiveLab("descent", RaceConfig, build, CAPS, RaceParams, memory=estimate_of(run_memory))

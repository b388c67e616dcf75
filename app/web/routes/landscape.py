"""Loss-landscape lab on the wire: the one-shot surface, the code, and the live run."""

import dataclasses
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, create_model

from app.labs import landscape as lab
from app.labs.errors import FieldError
from app.labs.landscape import config as spec
from app.labs.landscape.memory import run_memory, surface_memory
from app.labs.landscape.oneshot import costs, load_data
from app.labs.landscape.presets import PRESETS
from app.labs.landscape.run import LIVE_PARAMS
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.limits import estimate_of, refuse_over_budget
from app.web.live import LiveLab, check_caps
from app.web.spec import Boolean, SpecModel, model_of, takes

router = APIRouter(prefix="/api/landscape", tags=["landscape"])

# Every request model is derived from the lab's declarations (app/labs/landscape/config.py).
RunConfig = model_of(lab.LandscapeConfig, name="LandscapeRunConfig")
CompareModel = model_of(spec.Compare, name="LandscapeCompare")
RunParams = model_of(lab.LandscapeConfig, name="LandscapeRunParams", only=LIVE_PARAMS, optional=True,
                     doc="What a run may change mid-way; absent fields stay as they are.")
NETWORK_FIELDS = tuple(f.name for f in dataclasses.fields(lab.LandscapeConfig) if f.name != "compare")
SurfaceRequest = create_model(
    "LandscapeSurfaceRequest",
    __base__=model_of(lab.LandscapeConfig, name="LandscapeNetwork", only=NETWORK_FIELDS),
    __doc__="Train a network, then the loss over the plane around its weights; {} is a 16-16 MLP on moons.",
    return_parameters=(Boolean, Field(False, description="also return θ, d1, d2 and the training set")),
)


def checked(body: Any, settings: Settings) -> lab.LandscapeConfig:
    """The lab's config once every size is within this server's limits, the work included."""
    check_caps(body, type(body).caps, settings)
    compare = getattr(body, "compare", None)
    if compare is not None:
        check_caps(compare, CompareModel.caps, settings, prefix="compare.")
    config = lab.LandscapeConfig(**{name: getattr(body, name) for name in NETWORK_FIELDS},
                                 compare=compare.lab_config() if compare is not None else None)
    steps, work = costs(config, load_data(config))
    if steps > settings.max_landscape_steps:
        raise FieldError("epochs", f"{config.epochs} epochs are {steps} updates, above this server's limit of "
                                   f"{settings.max_landscape_steps}")
    if work > settings.max_landscape_work:
        raise FieldError("grid", f"a {config.grid}×{config.grid} surface of this network is {work:.2g} "
                                 f"multiply-adds, above this server's limit of {settings.max_landscape_work:.2g}")
    return config


class Parameters(BaseModel):
    center: list[float]
    d1: list[float]
    d2: list[float]
    inputs: list[list[float]]
    targets: list[float]


class Line(BaseModel):
    alphas: list[float]
    train_loss: list[float | None]
    test_loss: list[float | None]
    train_acc: list[float | None]
    test_acc: list[float | None]


class SurfaceResponse(BaseModel):
    alphas: list[float]
    betas: list[float]
    loss: list[list[float | None]] = Field(description="loss[i][j] at alphas[j], betas[i]")
    center_loss: float | None
    trajectory: list[list[float]] | None
    explained_variance: list[float] | None
    parameters: Parameters | None
    line: Line = Field(description="the 1D line from the initial (α=0) to the trained (α=1) weights")


@router.post("/surface", response_model=SurfaceResponse,
             summary="Train a network, then its training loss over a plane of weights around the result")
@takes(body=SurfaceRequest)
def surface(body: SpecModel, settings: SettingsDep) -> dict[str, Any]:
    config = checked(body, settings)
    refuse_over_budget(surface_memory(config), settings.max_request_memory_mb)
    return lab.surface(config, body.return_parameters, settings.max_landscape_parameters)


class Preset(BaseModel):
    name: str
    config: dict[str, Any] = Field(description="changes from the default run config")


@router.get("/presets", response_model=list[Preset], summary="Scenes that follow the papers' findings")
def presets() -> list[dict[str, Any]]:
    return [{"name": name, "config": config} for name, config in PRESETS.items()]


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a surface")
@takes(body=RunConfig)
def code(body: SpecModel, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, RunConfig.caps, settings)
    if body.compare is not None:
        check_caps(body.compare, CompareModel.caps, settings, prefix="compare.")
    return {"code": lab.pytorch_code(body.lab_config())}


def build(config: Any, settings: Settings) -> lab.LandscapeRun:
    return lab.LandscapeRun(checked(config, settings))


LIVE = LiveLab("landscape", RunConfig, build, RunConfig.caps, RunParams,
               warm=lambda: load_data(lab.LandscapeConfig()), memory=estimate_of(run_memory))

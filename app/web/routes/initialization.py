"""Initialisation lab on the wire: the one-shot inspect endpoint and the live comparison."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.labs import initialization as lab
from app.labs.initialization.memory import inspect_memory, run_memory
from app.labs.initialization.network import digits
from app.labs.initialization.presets import PRESETS
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.limits import refuse_over_budget
from app.web.live import LiveLab, check_caps
from app.web.spec import SpecModel, model_of, takes

router = APIRouter(prefix="/api/init", tags=["initialization"])

# Every request model is derived from the lab's declarations (app/labs/initialization/config.py).
InspectRequest = model_of(lab.InspectConfig, name="InspectRequest")
RunConfig = model_of(lab.InitConfig, name="InitRunConfig")
RunParams = model_of(lab.InitConfig, name="InitRunParams", only=lab.LIVE_PARAMS, optional=True,
                     doc="What a run may change mid-way; absent fields stay as they are.")


class Histogram(BaseModel):
    edges: list[float]
    counts: list[int]


class Summary(BaseModel):
    mean: float | None
    std: float | None
    count: int
    nonfinite: int
    spike: float | None = Field(description="the one value of a tensor with no spread, else null")
    histogram: Histogram


class LayerReport(BaseModel):
    index: int
    fan_in: int
    fan_out: int
    theory_weight_std: float
    distinct_neurons: int
    weight: Summary
    activation: Summary
    gradient: Summary


class InspectResponse(BaseModel):
    method: str
    layers: list[LayerReport]


@router.post("/inspect", response_model=InspectResponse, summary="Per-layer statistics of a fresh network")
@takes(body=InspectRequest)
def inspect(body: SpecModel, settings: SettingsDep) -> dict[str, Any]:
    """One forward and backward pass (cross-entropy on a batch of digits), no update: per layer the
    weight, activation and weight-gradient summaries beside the method's theoretical weight std."""
    check_caps(body, InspectRequest.caps, settings)
    c = body.lab_config()
    refuse_over_budget(inspect_memory(c), settings.max_request_memory_mb)
    return lab.inspect(c.init, c.depth, c.width, c.activation, c.batch_size, c.seed, c.bins)


class MethodInfo(BaseModel):
    name: str
    arguments: list[str]


METHOD_ARGUMENTS = {
    "constant": ["val"], "uniform": ["a", "b"], "normal": ["mean", "std"],
    "xavier_uniform": ["gain"], "xavier_normal": ["gain"], "orthogonal": ["gain"],
    "kaiming_uniform": ["a", "mode", "nonlinearity"], "kaiming_normal": ["a", "mode", "nonlinearity"],
}


@router.get("/methods", response_model=list[MethodInfo], summary="The initialisation methods and their arguments")
def methods() -> list[dict[str, Any]]:
    return [{"name": m, "arguments": METHOD_ARGUMENTS.get(m, [])} for m in lab.METHODS]


class CodeResponse(BaseModel):
    code: str


@router.get("/presets", summary="One-click comparisons: the config fields each sets")
def presets() -> dict[str, dict[str, Any]]:
    return PRESETS


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a comparison")
@takes(body=RunConfig)
def code(body: SpecModel, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, RunConfig.caps, settings)
    return {"code": lab.pytorch_code(body.lab_config())}


def build(config: Any, settings: Settings) -> lab.InitializationRun:
    return lab.InitializationRun(config.lab_config())


LIVE = LiveLab("initialization", RunConfig, build, RunConfig.caps, RunParams, warm=digits, memory=run_memory)

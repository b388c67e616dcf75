"""Initialisation lab on the wire: the one-shot inspect endpoint and the live comparison."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.labs import initialization as lab
from app.labs.initialization.network import ACTIVATIONS, digits
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.live import LiveLab, check_caps

router = APIRouter(prefix="/api/init", tags=["initialization"])

Method = Literal[lab.METHODS]  # type: ignore[valid-type]
Activation = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InitModel(_Strict):
    """An initialisation method; argument names and defaults as in ``torch.nn.init``."""

    method: Method
    val: Finite = 0.77
    a: Finite | None = None
    b: Finite = 1.0
    mean: Finite = 0.0
    std: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 1.0
    gain: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 1.0
    mode: Literal["fan_in", "fan_out"] = "fan_in"
    nonlinearity: Literal["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"] = "leaky_relu"

    def spec(self) -> lab.InitSpec:
        return lab.InitSpec(**self.model_dump())


class _Network(_Strict):
    depth: int = Field(10, ge=2, description="Linear layers, input and output included")
    width: int = Field(256, ge=1, description="neurons per hidden layer")
    activation: Activation = "tanh"
    batch_size: int = Field(128, ge=1)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    bins: int = Field(40, ge=2)


NETWORK_CAPS = {"depth": "max_depth", "width": "max_width", "batch_size": "max_batch_size", "bins": "max_bins"}


class InspectRequest(_Network):
    init: InitModel
    batch_size: int = Field(256, ge=1)
    activation: Activation = "relu"


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
def inspect(body: InspectRequest, settings: SettingsDep) -> dict[str, Any]:
    """One forward and backward pass (cross-entropy on a batch of digits), no update: per layer the
    weight, activation and weight-gradient summaries beside the method's theoretical weight std."""
    check_caps(body, NETWORK_CAPS, settings)
    return lab.inspect(body.init.spec(), body.depth, body.width, body.activation,
                       body.batch_size, body.seed, body.bins)


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


def _default_methods() -> list[InitModel]:
    return [InitModel(method="normal"), InitModel(method="xavier_normal"),
            InitModel(method="kaiming_normal", nonlinearity="relu")]


class RunConfig(_Network):
    """A live comparison; ``{}`` compares normal, Xavier and Kaiming on a 10-layer tanh net."""

    methods: list[InitModel] = Field(default_factory=_default_methods, min_length=1)
    lr: float = Field(0.05, gt=0, le=10, allow_inf_nan=False)
    steps: int = Field(1000, ge=1)

    def lab_config(self) -> lab.InitConfig:
        fields = self.model_dump(exclude={"methods"})
        return lab.InitConfig(methods=[m.spec() for m in self.methods], **fields)


class RunParams(_Strict):
    lr: float | None = Field(None, gt=0, le=10, allow_inf_nan=False)


RUN_CAPS = {**NETWORK_CAPS, "steps": "max_steps", "methods#": "max_methods"}


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a comparison")
def code(body: RunConfig, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, RUN_CAPS, settings)
    return {"code": lab.pytorch_code(body.lab_config())}


def build(config: RunConfig, settings: Settings) -> lab.InitializationRun:
    return lab.InitializationRun(config.lab_config())


LIVE = LiveLab("initialization", RunConfig, build, RUN_CAPS, RunParams, warm=digits)

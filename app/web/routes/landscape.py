"""Loss-landscape lab on the wire: the one-shot surface, the code, and the live run."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.labs import landscape as lab
from app.labs.errors import FieldError
from app.labs.landscape import config as spec
from app.labs.landscape.oneshot import costs, load_data
from app.labs.landscape.presets import PRESETS
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.live import LiveLab, check_caps

router = APIRouter(prefix="/api/landscape", tags=["landscape"])
DEFAULT = lab.LandscapeConfig()  # the lab's defaults, declared once there

Dataset = Literal[spec.DATASETS]  # type: ignore[valid-type]
Activation = Literal[spec.ACTIVATIONS]  # type: ignore[valid-type]
Optimizer = Literal[spec.OPTIMIZERS]  # type: ignore[valid-type]
Directions = Literal[spec.DIRECTIONS]  # type: ignore[valid-type]
Normalization = Literal[spec.NORMALIZATIONS]  # type: ignore[valid-type]
LearningRate = Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]
WeightDecay = Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)]
Width = Annotated[int, Field(ge=1)]
BatchSize = Annotated[int, Field(ge=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Compare(_Strict):
    """What the twin run changes; only the fields given are changed."""

    hidden: list[Width] | None = Field(None, min_length=1)
    activation: Activation | None = None
    residual: bool | None = None
    batch_norm: bool | None = None
    optimizer: Optimizer | None = None
    lr: LearningRate | None = None
    batch_size: BatchSize | None = None
    weight_decay: WeightDecay | None = None
    normalization: Normalization | None = None
    directions: Directions | None = None


class Network(_Strict):
    """The network, its training and the plane; ``{}`` trains a 16-16 ReLU MLP on the two moons."""

    dataset: Dataset = DEFAULT.dataset
    samples: int = Field(DEFAULT.samples, ge=8, description="points generated (not for digits); half train")
    noise: float = Field(DEFAULT.noise, ge=0, le=1, allow_inf_nan=False)
    hidden: list[Width] = Field(default_factory=lambda: list(DEFAULT.hidden), min_length=1)
    activation: Activation = DEFAULT.activation
    residual: bool = DEFAULT.residual
    batch_norm: bool = DEFAULT.batch_norm
    optimizer: Optimizer = DEFAULT.optimizer
    lr: LearningRate = DEFAULT.lr
    batch_size: BatchSize = DEFAULT.batch_size
    weight_decay: WeightDecay = DEFAULT.weight_decay
    epochs: int = Field(DEFAULT.epochs, ge=1)
    seed: int = Field(DEFAULT.seed, ge=0, le=2**31 - 2)
    directions: Directions = DEFAULT.directions
    normalization: Normalization = DEFAULT.normalization
    grid: int = Field(DEFAULT.grid, ge=3, description="points per side; odd puts the trained weights at the centre")
    span: float = Field(DEFAULT.span, gt=0, le=100, allow_inf_nan=False)

    def lab_config(self, compare: "Compare | None" = None) -> lab.LandscapeConfig:
        fields = self.model_dump(exclude={"hidden", "compare", "return_parameters"})
        changes = compare.model_dump(exclude_none=True) if compare else None
        if changes and "hidden" in changes:
            changes["hidden"] = tuple(changes["hidden"])
        return lab.LandscapeConfig(hidden=tuple(self.hidden), compare=changes, **fields)


class RunConfig(Network):
    """A live run: train, then fill in the plane; ``compare`` trains a twin on the same data and seed."""

    compare: Compare | None = None


class SurfaceRequest(Network):
    return_parameters: bool = Field(False, description="also return θ, d1, d2 and the training set")


CAPS = {"hidden[]": "max_landscape_width", "hidden#": "max_landscape_depth", "epochs": "max_landscape_epochs",
        "samples": "max_landscape_samples", "grid": "max_landscape_grid", "batch_size": "max_batch_size"}
COMPARE_CAPS = {"hidden[]": "max_landscape_width", "hidden#": "max_landscape_depth", "batch_size": "max_batch_size"}


def checked(body: Network, settings: Settings, compare: Compare | None = None) -> lab.LandscapeConfig:
    """The lab's config once every size is within this server's limits, the work included."""
    check_caps(body, CAPS, settings)
    if compare is not None:
        check_caps(compare, COMPARE_CAPS, settings, prefix="compare.")
    config = body.lab_config(compare)
    steps, work = costs(config, load_data(config))
    if steps > settings.max_landscape_steps:
        raise FieldError("epochs", f"{body.epochs} epochs are {steps} updates, above this server's limit of "
                                   f"{settings.max_landscape_steps}")
    if work > settings.max_landscape_work:
        raise FieldError("grid", f"a {body.grid}×{body.grid} surface of this network is {work:.2g} "
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
def surface(body: SurfaceRequest, settings: SettingsDep) -> dict[str, Any]:
    config = checked(body, settings)
    return lab.surface(config, body.return_parameters, settings.max_landscape_parameters)


class Spec(BaseModel):
    defaults: dict[str, Any] = Field(description="the run config {} stands for")
    choices: dict[str, list[str]]
    comparable: list[str]
    limits: dict[str, float] = Field(description="this server's cap of each capped field")


@router.get("/spec", response_model=Spec, summary="Defaults, choices and limits of the run config, for the form")
def form_spec(settings: SettingsDep) -> dict[str, Any]:
    return {
        "defaults": RunConfig().model_dump(),
        "choices": {"dataset": list(spec.DATASETS), "activation": list(spec.ACTIVATIONS),
                    "optimizer": list(spec.OPTIMIZERS), "directions": list(spec.DIRECTIONS),
                    "normalization": list(spec.NORMALIZATIONS)},
        "comparable": list(spec.COMPARABLE),
        "limits": {path.rstrip("[]#"): getattr(settings, name) for path, name in CAPS.items() if path != "hidden#"}
        | {"depth": settings.max_landscape_depth},
    }


class Preset(BaseModel):
    name: str
    config: dict[str, Any] = Field(description="changes from the default run config")


@router.get("/presets", response_model=list[Preset], summary="Scenes that follow the papers' findings")
def presets() -> list[dict[str, Any]]:
    return [{"name": name, "config": config} for name, config in PRESETS.items()]


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a surface")
def code(body: RunConfig, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, CAPS, settings)
    if body.compare is not None:
        check_caps(body.compare, COMPARE_CAPS, settings, prefix="compare.")
    return {"code": lab.pytorch_code(body.lab_config())}


def build(config: RunConfig, settings: Settings) -> lab.LandscapeRun:
    return lab.LandscapeRun(checked(config, settings, config.compare))


class RunParams(_Strict):
    lr: LearningRate | None = None


LIVE = LiveLab("landscape", RunConfig, build, CAPS, RunParams, warm=lambda: load_data(DEFAULT))

"""Training lab on the wire: CSV upload, the static scene, over-fitting and vanishing-gradient
scenes, the code, and the live run (with an optional comparison twin)."""

from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from app.labs import training as lab
from app.labs.errors import FieldError
from app.labs.training.config import DATASETS
from app.labs.training.datasets import BUILT_IN
from app.labs.training.features import FEATURES, RAW
from app.labs.training.model import ACTIVATIONS, INITS, OPTIMIZERS
from app.labs.training.vanishing import DEFAULT_NETS, PRESETS
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.live import LiveLab, check_caps
from app.web.routes import training_data as store

router = APIRouter(prefix="/api/training", tags=["training"])

DatasetName = Literal[DATASETS]  # type: ignore[valid-type]
Activation = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
Init = Literal[INITS]  # type: ignore[valid-type]
Optimizer = Literal[OPTIMIZERS]  # type: ignore[valid-type]
Net = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
Feature = Literal[tuple(FEATURES)]  # type: ignore[valid-type]
LearningRate = Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]
Penalty = Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)]
Dropout = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)]
ClipNorm = Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]
Width = Annotated[int, Field(ge=1)]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Compare(_Strict):
    """What the twin run changes; only the fields given are changed."""

    hidden: list[Width] | None = None
    activation: Activation | None = None
    init: Init | None = None
    optimizer: Optimizer | None = None
    lr: LearningRate | None = None
    weight_decay: Penalty | None = None
    l1: Penalty | None = None
    dropout: Dropout | None = None
    batch_norm: bool | None = None
    residual: bool | None = None
    clip_norm: ClipNorm | None = None


class RunConfig(_Strict):
    """A live training run; ``{}`` trains a 16-16 ReLU MLP on the two moons with Adam."""

    dataset: DatasetName = "moons"
    upload: str | None = Field(None, pattern=r"^[0-9a-f]{16}$", description="id from POST /api/training/upload")
    samples: int = Field(400, ge=4, description="points generated; images kept per part for fashion")
    noise: float = Field(0.1, ge=0, le=1, allow_inf_nan=False)
    test_fraction: float = Field(0.5, gt=0, lt=1, allow_inf_nan=False)
    data_seed: Seed = 0
    hidden: list[Width] = Field(default_factory=lambda: [16, 16])
    activation: Activation = "relu"
    init: Init = "default"
    optimizer: Optimizer = "adam"
    lr: LearningRate = 0.01
    batch_size: int = Field(16, ge=1)
    epochs: int = Field(60, ge=1)
    weight_decay: Penalty = 0.0
    l1: Penalty = 0.0
    dropout: Dropout = 0.0
    batch_norm: bool = False
    residual: bool = False
    clip_norm: ClipNorm = 0.0
    seed: Seed = 0
    features: list[Feature] = Field(default_factory=lambda: list(RAW), min_length=1, max_length=len(FEATURES),
                                    description="what a 2D set's model sees, each at most once")
    network_view: bool = Field(True, description="2D sets: the network, each neuron a map of the plane, in every frame")
    compare: Compare | None = None

    def lab_config(self) -> lab.TrainingConfig:
        fields = self.model_dump(exclude={"upload", "compare", "hidden", "features"})
        # a null in compare changes nothing, as if the field were not given
        changes = self.compare.model_dump(exclude_none=True) if self.compare else None
        if changes and "hidden" in changes:
            changes["hidden"] = tuple(changes["hidden"])
        return lab.TrainingConfig(hidden=tuple(self.hidden), features=tuple(self.features), compare=changes, **fields)


CAPS = {"hidden[]": "max_width", "hidden#": "max_depth", "batch_size": "max_batch_size", "epochs": "max_epochs",
        "samples": "max_samples"}
COMPARE_CAPS = {"hidden[]": "max_width", "hidden#": "max_depth"}


def _data(config: RunConfig, settings: Settings) -> tuple[lab.Dataset | None, str]:
    """The user's data when the config names it, and the task of an uploaded CSV."""
    if config.dataset == "csv":
        return store.uploaded(config.upload, settings, config.test_fraction, config.data_seed)
    if config.dataset == "fashion":
        return store.fashion(settings, config.samples), "classification"
    return None, "classification"


def build(config: RunConfig, settings: Settings) -> lab.TrainingRun:
    if config.compare is not None:
        check_caps(config.compare, COMPARE_CAPS, settings, prefix="compare.")
    data, _ = _data(config, settings)
    run = lab.TrainingRun(config.lab_config(), data)
    if run.total_steps > settings.max_steps:
        raise FieldError("epochs", f"{config.epochs} epochs of {run.steps_per_epoch} steps exceed this server's "
                                   f"limit of {settings.max_steps} steps")
    return run


class RunParams(_Strict):
    lr: LearningRate | None = None
    weight_decay: Penalty | None = None
    l1: Penalty | None = None
    dropout: Dropout | None = None
    clip_norm: ClipNorm | None = None


LIVE = LiveLab("training", RunConfig, build, CAPS, RunParams, warm=lambda: lab.make_dataset("digits"))


@router.post("/scene", summary="What stays fixed in a run: points, heatmap axes, classes, layer sizes")
def scene(body: RunConfig, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, CAPS, settings)
    run = build(body, settings)
    return {**run.scene(), "steps": run.total_steps, "epochs": body.epochs}


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a run")
def code(body: RunConfig, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, CAPS, settings)
    if body.compare is not None:
        check_caps(body.compare, COMPARE_CAPS, settings, prefix="compare.")
    task = store.UPLOADS.get(body.upload).task if body.dataset == "csv" and body.upload else "classification"
    return {"code": lab.pytorch_code(body.lab_config(), task)}


class UploadResponse(BaseModel):
    upload: str = Field(description="give it as the run config's upload, with dataset 'csv'")
    task: str
    rows: int
    classes: list[str]
    columns: int


@router.post("/upload", response_model=UploadResponse, summary="A CSV of x1,x2,label or x,y, as the request body",
             openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}})
async def upload(
    request: Request,
    settings: SettingsDep,
    task: Annotated[Literal["auto", "classification", "regression"], Query()] = "auto",
) -> dict[str, Any]:
    """Validated now (size, columns, numbers, classes); a bad file is a 422 on ``file``."""
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > settings.max_upload_bytes:
            limit = settings.max_upload_bytes
            raise FieldError("file", f"the file is larger than this server's limit of {limit} bytes")
    data = await anyio.to_thread.run_sync(store.parse, bytes(raw), task, settings)
    key = store.UPLOADS.put(bytes(raw), data.task)
    return {"upload": key, "task": data.task, "rows": len(data.x_train) + len(data.x_test),
            "classes": list(data.classes), "columns": data.input_dim + 1}


class DatasetInfo(BaseModel):
    name: str
    available: bool


@router.get("/datasets", response_model=list[DatasetInfo], summary="The data sets this server offers")
def datasets(settings: SettingsDep) -> list[dict[str, Any]]:
    offered = {*BUILT_IN, "csv"} | ({"fashion"} if settings.fashion_mnist_dir else set())
    return [{"name": name, "available": name in offered} for name in DATASETS]


class PolynomialRequest(_Strict):
    """``{}``: degrees 1-20 on 15 and on 100 noisy points of d2l's cubic."""

    max_degree: int = Field(20, ge=1, le=20)
    small: int = Field(15, ge=2)
    large: int = Field(100, ge=2)
    test: int = Field(200, ge=2)
    noise: float = Field(0.1, ge=0, le=10, allow_inf_nan=False)
    weight_decay: Penalty = 0.0
    seed: Seed = 0


@router.post("/polynomial", summary="Train and test error against polynomial degree, for a small and a large sample")
def polynomial(body: PolynomialRequest, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, {"small": "max_samples", "large": "max_samples", "test": "max_samples"}, settings)
    return lab.polynomial_scene(lab.PolynomialConfig(**body.model_dump()))


class VanishingRequest(_Strict):
    """``{}``: a 10-layer sigmoid net against ReLU + Kaiming and sigmoid + batch norm."""

    nets: list[Net] = Field(default_factory=lambda: list(DEFAULT_NETS), min_length=1, max_length=len(PRESETS))
    depth: int = Field(10, ge=1)
    width: int = Field(32, ge=1)
    dataset: Literal[tuple(n for n in BUILT_IN if n != "curve")] = "moons"  # type: ignore[valid-type]
    batch: int = Field(256, ge=1)
    seed: Seed = 0


@router.post("/vanishing", summary="Each layer's weight-gradient norm in deep nets at initialisation")
def vanishing(body: VanishingRequest, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, {"depth": "max_depth", "width": "max_width", "batch": "max_batch_size"}, settings)
    config = body.model_dump()
    return lab.vanishing_scene(lab.VanishingConfig(**{**config, "nets": tuple(config["nets"])}))

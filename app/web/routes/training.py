"""Training lab on the wire: CSV upload, the static scene, over-fitting and vanishing-gradient
scenes, the code, and the live run (with an optional comparison twin)."""

from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from app.labs import training as lab
from app.labs.common.datasets import BUILT_IN
from app.labs.errors import FieldError
from app.labs.training.config import COMPARABLE, LIVE_PARAMS, PLANE
from app.labs.training.memory import run_memory, vanishing_memory
from app.labs.training.presets import PRESETS as SCENES
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.limits import estimate_of, refuse_over_budget
from app.web.live import LiveLab, check_caps
from app.web.routes import training_data as store
from app.web.spec import SpecModel, model_of, takes

router = APIRouter(prefix="/api/training", tags=["training"])


# The run's models are derived from the lab's declarations (app/labs/training/config.py).
Compare = model_of(lab.TrainingConfig, name="TrainingCompare", only=COMPARABLE, optional=True,
                   doc="What the twin run changes; only the fields given are changed.")
RunConfig = model_of(lab.TrainingConfig, name="TrainingRunConfig", wire={
    "upload": (str | None, Field(None, pattern=r"^[0-9a-f]{16}$", description="id from POST /api/training/upload")),
    "compare": (Compare | None, Field(None, description="a twin run that changes these settings")),
})
RunParams = model_of(lab.TrainingConfig, name="TrainingRunParams", only=LIVE_PARAMS, optional=True,
                     doc="What a run may change mid-way; absent fields stay as they are.")
CAPS = RunConfig.caps


def _data(config: Any, settings: Settings, uploads: store.UploadStore | None) -> tuple[lab.Dataset | None, str]:
    """The user's data when the config names it, and the task of an uploaded CSV."""
    if config.dataset == "csv":
        return store.uploaded(uploads, config.upload, settings, config.test_fraction, config.data_seed)
    if config.dataset == "fashion":
        return store.fashion(settings, config.samples), "classification"
    return None, "classification"


def build(config: Any, settings: Settings, uploads: store.UploadStore | None = None) -> lab.TrainingRun:
    """The run; ``uploads`` is the app's store (bound in ``app.main``), where a CSV run finds its file."""
    data, _ = _data(config, settings, uploads)
    run = lab.TrainingRun(config.lab_config(), data)
    if run.total_steps > settings.max_steps:
        raise FieldError("epochs", f"{config.epochs} epochs of {run.steps_per_epoch} steps exceed this server's "
                                   f"limit of {settings.max_steps} steps")
    return run


LIVE = LiveLab("training", RunConfig, build, CAPS, RunParams, warm=lambda: lab.make_dataset("digits"),
               memory=estimate_of(run_memory))


@router.post("/scene", summary="What stays fixed in a run: points, heatmap axes, classes, layer sizes")
@takes(body=RunConfig)
def scene(body: SpecModel, settings: SettingsDep,
          uploads: store.UploadsDep) -> dict[str, Any]:
    check_caps(body, CAPS, settings)
    refuse_over_budget(run_memory(body.lab_config(), copies=1), settings.max_request_memory_mb)
    run = build(body, settings, uploads)
    return {**run.scene(), "steps": run.total_steps, "epochs": body.epochs}


class CodeResponse(BaseModel):
    code: str


@router.post("/code", response_model=CodeResponse, summary="The PyTorch script behind a run")
@takes(body=RunConfig)
def code(body: SpecModel, settings: SettingsDep,
         uploads: store.UploadsDep) -> dict[str, str]:
    check_caps(body, CAPS, settings)
    task = uploads.get(body.upload).task if body.dataset == "csv" and body.upload else "classification"
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
    uploads: store.UploadsDep,
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
    client = request.client.host if request.client else "?"
    key = uploads.put(client, bytes(raw), data.task)
    return {"upload": key, "task": data.task, "rows": len(data.x_train) + len(data.x_test),
            "classes": list(data.classes), "columns": data.input_dim + 1}


class DatasetInfo(BaseModel):
    name: str
    available: bool
    plane: bool = Field(description="its points sit on the (x1, x2) plane: drawn there, with feature inputs")


@router.get("/datasets", response_model=list[DatasetInfo], summary="The data sets this server offers")
def datasets(settings: SettingsDep) -> list[dict[str, Any]]:
    offered = {*BUILT_IN, "csv"} | ({"fashion"} if settings.fashion_mnist_dir else set())
    return [{"name": name, "available": name in offered, "plane": plane} for name, plane in PLANE.items()]


@router.get("/presets", summary="One-click scenes: the config fields each changes from the defaults")
def presets() -> dict[str, dict[str, Any]]:
    return SCENES


# The scenes' questions are derived from the lab's declarations too (polynomial.py, vanishing.py).
PolynomialRequest = model_of(lab.PolynomialConfig, name="PolynomialRequest")
VanishingRequest = model_of(lab.VanishingConfig, name="VanishingRequest")


@router.post("/polynomial", summary="Train and test error against polynomial degree, for a small and a large sample")
@takes(body=PolynomialRequest)
def polynomial(body: SpecModel, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, PolynomialRequest.caps, settings)
    return lab.polynomial_scene(body.lab_config())


@router.post("/vanishing", summary="Each layer's weight-gradient norm in deep nets at initialisation")
@takes(body=VanishingRequest)
def vanishing(body: SpecModel, settings: SettingsDep) -> dict[str, Any]:
    check_caps(body, VanishingRequest.caps, settings)
    refuse_over_budget(vanishing_memory(body), settings.max_request_memory_mb)
    return lab.vanishing_scene(body.lab_config())

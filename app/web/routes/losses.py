"""Loss-functions lab on the wire: evaluate a loss, the curves and examples, information, the outlier run."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, Strict

from app.labs import losses as lab
from app.labs.errors import FieldError
from app.labs.losses import evaluate, examples_code, guide, information, pytorch_code
from app.labs.losses import examples as losses_examples
from app.labs.losses import loss_curves as losses_curves
from app.labs.losses.evaluate import LossName
from app.labs.losses.memory import run_memory
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.limits import estimate_of
from app.web.live import LiveLab, check_caps
from app.web.spec import SpecModel, model_of, takes
from app.web.wire import Number

router = APIRouter(prefix="/api/losses", tags=["losses"])

Finite = Number
Numbers = list[Finite] | list[list[Finite]]
# A class index as written: torch reads [1.0, 2.0] as a float target (probabilities), not as labels, so
# here 1.0 is not the integer 1 (JSON Schema cannot tell them apart; the 422 names target).
Label = Annotated[int, Strict()]

# The live fit's models and the one-shot panels' requests are derived from the lab's declarations.
OutlierRunConfig = model_of(lab.OutlierConfig, name="OutlierRunConfig")
RunParams = model_of(lab.OutlierConfig, name="OutlierRunParams", only=lab.LIVE_PARAMS, optional=True,
                     doc="What a run may change mid-way; absent fields stay as they are.")
CurvesRequest = model_of(lab.CurvesConfig, name="CurvesRequest")
CrossEntropyRequest = model_of(lab.CrossEntropyConfig, name="CrossEntropyRequest")
InformationRequest = model_of(lab.InformationConfig, name="InformationRequest")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Options(_Strict):
    """Options named as in ``torch.nn``; each loss accepts only its own (422 names any other)."""

    reduction: Literal["mean", "sum", "none"] | None = None
    beta: Finite | None = Field(None, description="SmoothL1Loss")
    delta: Finite | None = Field(None, description="HuberLoss")
    label_smoothing: Finite | None = Field(None, description="CrossEntropyLoss")
    weight: Finite | Numbers | None = Field(None, description="per class (CE, NLL) or per element (BCE)")
    pos_weight: Finite | list[Finite] | None = Field(None, description="BCEWithLogitsLoss, per class")


class EvaluateRequest(_Strict):
    loss: LossName
    input: Numbers = Field(description="predictions, logits, log-probabilities or probabilities")
    target: list[Label] | Numbers = Field(description="same shape as input, or one class label per row")
    options: Options = Field(default_factory=lambda: Options())

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"loss": "cross_entropy", "input": [[1.5, 2.0, 0.5], [0.5, 1.0, 1.5]],
                        "target": [1, 2], "options": {}}
        },
    )


class EvaluateResponse(BaseModel):
    value: float | list[float] | list[list[float]] = Field(description="a list only for reduction='none'")
    per_sample: list[float]
    grad: list[float] | list[list[float]] = Field(description="d value / d input, same shape as input")


def _size(value: Any) -> int:
    return sum(_size(v) for v in value) if isinstance(value, list) else 1


@router.post("/evaluate", response_model=EvaluateResponse, summary="A torch.nn loss, per sample, and its gradient")
def evaluate_loss(body: EvaluateRequest, settings: SettingsDep) -> dict[str, Any]:
    """The loss computed by ``torch.nn`` in float32 and its gradient with respect to ``input`` by autograd."""
    if _size(body.input) > settings.max_samples:
        raise FieldError("input", f"more than this server's limit of {settings.max_samples} numbers")
    return evaluate(body.loss, body.input, body.target, body.options.model_dump(exclude_none=True))


@router.post("/curves", summary="L1, MSE, SmoothL1 and Huber loss and gradient against the error")
@takes(body=CurvesRequest)
def curves(body: SpecModel) -> dict[str, Any]:
    return losses_curves.curves(body.beta, body.delta, body.error_range, body.points)


@router.get("/bce", summary="BCE curves, the notes' BCE table, BCEWithLogitsLoss beside BCELoss∘sigmoid")
def bce() -> dict[str, Any]:
    return {
        "curves": losses_curves.bce_curves(),
        "table": losses_examples.bce_table(),
        "logits": {str(t): losses_curves.bce_logits_comparison(target=t) for t in (0, 1)},
    }


@router.post("/cross-entropy", summary="Logits → softmax → log-softmax → NLL, with every intermediate value")
@takes(body=CrossEntropyRequest)
def cross_entropy(body: SpecModel) -> dict[str, Any]:
    if any(len(row) > losses_examples.MAX_CLASSES for row in body.logits):
        raise FieldError("logits", f"at most {losses_examples.MAX_CLASSES} classes")
    return losses_examples.cross_entropy_walkthrough(body.logits, body.labels, body.label_smoothing)


@router.get("/examples", summary="The notes' regression examples, the loss guide and the examples script")
def examples() -> dict[str, Any]:
    return {"regression": losses_examples.regression_examples(), "guide": guide(), "code": examples_code()}


@router.post("/information", summary="Information, entropy, cross-entropy and KL of P and Q")
@takes(body=InformationRequest)
def info(body: SpecModel) -> dict[str, Any]:
    return information.compare(body.p, body.q, body.unit)


RUN_CAPS = OutlierRunConfig.caps


@router.post("/code", summary="The PyTorch script behind the outlier fit")
@takes(body=OutlierRunConfig)
def code(body: SpecModel, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, RUN_CAPS, settings)
    return {"code": pytorch_code(body.lab_config())}


def build(config: Any, settings: Settings) -> lab.OutlierRun:
    return lab.OutlierRun(config.lab_config())


LIVE = LiveLab("losses", OutlierRunConfig, build, RUN_CAPS, RunParams,
               memory=estimate_of(run_memory),
               tools={"curves": CurvesRequest, "cross_entropy": CrossEntropyRequest, "information": InformationRequest})

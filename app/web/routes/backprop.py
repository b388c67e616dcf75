"""Back-propagation lab on the wire: the worked example, the one-neuron chain rule, training on."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.labs import backprop, fields
from app.labs.backprop import ACTIVATIONS, LIMIT, BackpropConfig, BackpropRun, pytorch_code
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.live import LiveLab, check_caps
from app.web.spec import wire_type

router = APIRouter(prefix="/api/backprop", tags=["backprop"])

Value = Annotated[float, Field(ge=-LIMIT, le=LIMIT, allow_inf_nan=False)]
Activation = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
LearningRate = wire_type(fields.LearningRate)  # one bound for every lab


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Weights(_Strict):
    """w1, w2 → h1; w3, w4 → h2; w5 (from h1), w6 (from h2) → o1; w7 (h1), w8 (h2) → o2."""

    w1: Value | None = None
    w2: Value | None = None
    w3: Value | None = None
    w4: Value | None = None
    w5: Value | None = None
    w6: Value | None = None
    w7: Value | None = None
    w8: Value | None = None


class Biases(_Strict):
    """One bias per neuron; ``b1`` sets both hidden biases and ``b2`` both output biases, as in the notes."""

    b_h1: Value | None = None
    b_h2: Value | None = None
    b_o1: Value | None = None
    b_o2: Value | None = None
    b1: Value | None = None
    b2: Value | None = None


class ExampleRequest(_Strict):
    """Every field optional: ``{}`` is the notes' network with lr 0.5."""

    inputs: tuple[Value, Value] | None = None
    targets: tuple[Value, Value] | None = None
    weights: Weights | None = None
    biases: Biases | None = None
    lr: LearningRate = 0.5
    activation: Activation = "sigmoid"

    def lab_config(self, steps: int = 10_000) -> BackpropConfig:
        return backprop.make_config(
            inputs=self.inputs,
            targets=self.targets,
            weights=self.weights.model_dump(exclude_none=True) if self.weights else None,
            biases=self.biases.model_dump(exclude_none=True) if self.biases else None,
            lr=self.lr,
            activation=self.activation,
            steps=steps,
        )


class ExampleResponse(BaseModel):
    forward: dict[str, float] = Field(description="net_h1, h1, net_h2, h2, net_o1, o1, net_o2, o2")
    loss: float = Field(description="E = ½ Σ (t − o)², equal to nn.MSELoss() over the two outputs")
    gradients: dict[str, float] = Field(description="∂E/∂p for w1..w8 and b_h1, b_h2, b_o1, b_o2, by hand")
    updated: dict[str, float] = Field(description="every parameter after one optim.SGD step with lr")
    autograd_max_abs_diff: float = Field(description="max |hand − autograd| over all gradients")
    autograd: dict[str, Any] = Field(description="loss, mse_loss and gradients from autograd")
    walkthrough: list[dict[str, Any]] = Field(description="per parameter: chain-rule factors, product, update")
    config: dict[str, Any]


@router.post("/example", response_model=ExampleResponse, summary="The 2-2-2 network by hand, checked by autograd")
def example(body: ExampleRequest | None = None) -> dict[str, Any]:
    """Forward values, E, each gradient by the chain rule, one SGD update, and autograd's agreement."""
    body = body or ExampleRequest()
    config = body.lab_config()
    return backprop.example(
        config.inputs, config.targets, config.weights, config.biases, config.lr, config.activation
    )


class ChainRuleRequest(_Strict):
    x: Value = 1.0
    w: Value = 0.0
    b: Value = 0.0
    activation: Activation = "sigmoid"


@router.post("/chain-rule", summary="d f(wx + b)/dw and /db for one neuron: 0.25 at w = b = 0, x = 1")
def chain_rule(body: ChainRuleRequest) -> dict[str, Any]:
    return backprop.chain_rule_demo(body.x, body.w, body.b, body.activation)


class RunConfig(ExampleRequest):
    """Keep training the network with optim.SGD; ``{}`` is the notes' network, lr 0.5."""

    steps: int = Field(10_000, ge=1)


class RunParams(_Strict):
    lr: LearningRate | None = None


RUN_CAPS = {"steps": "max_steps"}


@router.post("/code", summary="The notes' MyNet with optim.SGD, with these values")
def code(body: RunConfig, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, RUN_CAPS, settings)
    return {"code": pytorch_code(body.lab_config(body.steps))}


def build(config: RunConfig, settings: Settings) -> BackpropRun:
    return BackpropRun(config.lab_config(config.steps))


LIVE = LiveLab("backprop", RunConfig, build, RUN_CAPS, RunParams)

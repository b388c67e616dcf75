"""Back-propagation lab on the wire: the worked example, the one-neuron chain rule, training on."""

import dataclasses
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.labs import backprop as lab
from app.labs.backprop.memory import run_memory
from app.settings import Settings
from app.web.deps import SettingsDep
from app.web.live import LiveLab, check_caps
from app.web.spec import SpecModel, model_of, takes

router = APIRouter(prefix="/api/backprop", tags=["backprop"])

# Every request model is derived from the lab's declarations (app/labs/backprop/config.py).
RunConfig = model_of(lab.BackpropConfig, name="BackpropRunConfig")
ExampleRequest = model_of(lab.BackpropConfig, name="ExampleRequest",
                          only=[f.name for f in dataclasses.fields(lab.BackpropConfig) if f.name != "steps"],
                          doc="Every field optional: ``{}`` is the notes' network with lr 0.5.")
RunParams = model_of(lab.BackpropConfig, name="BackpropRunParams", only=lab.LIVE_PARAMS, optional=True,
                     doc="What a run may change mid-way; absent fields stay as they are.")
ChainRuleRequest = model_of(lab.ChainRule, name="ChainRuleRequest")


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
@takes(body=ExampleRequest | None)
def example(body: SpecModel | None = None) -> dict[str, Any]:
    """Forward values, E, each gradient by the chain rule, one SGD update, and autograd's agreement."""
    given: dict[str, Any] = body.lab_config() if body is not None else {}
    return lab.example(lab.BackpropConfig(**given))


@router.post("/chain-rule", summary="d f(wx + b)/dw and /db for one neuron: 0.25 at w = b = 0, x = 1")
@takes(body=ChainRuleRequest)
def chain_rule(body: SpecModel) -> dict[str, Any]:
    return lab.chain_rule_demo(body.lab_config())


@router.post("/code", summary="The notes' MyNet with optim.SGD, with these values")
@takes(body=RunConfig)
def code(body: SpecModel, settings: SettingsDep) -> dict[str, str]:
    check_caps(body, RunConfig.caps, settings)
    return {"code": lab.pytorch_code(body.lab_config())}


def build(config: Any, settings: Settings) -> lab.BackpropRun:
    return lab.BackpropRun(config.lab_config())


LIVE = LiveLab("backprop", RunConfig, build, RunConfig.caps, RunParams, memory=run_memory)

"""Change a default where the lab declares it, and everything derived follows: the served spec, the
OpenAPI schema, the page's form, and a run started with {} (issue 8: one source of truth)."""

import json
from collections.abc import Iterator

import pytest

from tests.browser.changed_server import changed_server as serve_changed
from tests.browser.changed_server import get

# A server whose Initialisation lab declares depth 12 and activation relu by default instead of 10 and
# tanh (and the Back-propagation, Training and Gradient-descent labs other defaults too): the dataclasses are the only
# thing changed, before the web layer derives anything from them.
SCRIPT = """
import dataclasses, sys
import uvicorn
import app.labs.initialization as lab
from app.labs.initialization import config

@dataclasses.dataclass
class InitConfig(config.InitConfig):
    depth: config.Depth = 12
    activation: config.Activation = "relu"

lab.InitConfig = config.InitConfig = InitConfig

# The Back-propagation lab: lr 0.3 and tanh instead of 0.5 and sigmoid, w1 0.9 instead of the notes' 0.15.
import app.labs.backprop as backprop
from app.labs.backprop import config as backprop_config

@dataclasses.dataclass(frozen=True)
class BackpropConfig(backprop_config.BackpropConfig):
    weights: backprop_config.BackpropConfig.__annotations__["weights"] = dataclasses.field(
        default_factory=lambda: backprop_config.Weights(w1=0.9))
    activation: backprop_config.Activation = "tanh"
    lr: backprop_config.LearningRate = 0.3

backprop.BackpropConfig = backprop_config.BackpropConfig = BackpropConfig

# The Training lab: 7 epochs of a tanh network instead of 60 of a ReLU one.
import app.labs.training as training
from app.labs.training import config as training_config

@dataclasses.dataclass(frozen=True)
class TrainingConfig(training_config.TrainingConfig):
    epochs: training_config.TrainingConfig.__annotations__["epochs"] = 7
    activation: training_config.Activation = "tanh"

training.TrainingConfig = training_config.TrainingConfig = TrainingConfig

# The Gradient-descent lab: a race of stochastic and mini-batch descent over 7 epochs of 40 points
# instead of all three variants over the notes' 50 epochs of 100.
import app.labs.descent as descent
from app.labs.descent import config as descent_config

@dataclasses.dataclass(frozen=True)
class DescentConfig(descent_config.DescentConfig):
    epochs: descent_config.DescentData.__annotations__["epochs"] = 7
    samples: descent_config.DescentData.__annotations__["samples"] = 40
    variants: descent_config.DescentConfig.__annotations__["variants"] = ("stochastic", "minibatch")

descent.DescentConfig = descent_config.DescentConfig = DescentConfig
"""


@pytest.fixture(scope="module")
def changed_server() -> Iterator[str]:
    with serve_changed(SCRIPT) as url:
        yield url


def test_a_changed_default_reaches_spec_openapi_and_form(page, changed_server):
    spec = get(f"{changed_server}/api/labs/initialization/spec")
    assert spec["defaults"]["depth"] == 12 and spec["defaults"]["activation"] == "relu"
    assert spec["schema"]["properties"]["depth"]["default"] == 12
    openapi = get(f"{changed_server}/openapi.json")
    body = openapi["paths"]["/api/init/code"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = openapi["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["depth"]["default"] == 12
    assert schema["properties"]["activation"]["default"] == "relu"

    page.goto(f"{changed_server}/labs/initialization?lang=en")
    page.wait_for_function("document.getElementById('histograms').data?.length > 0")
    assert page.input_value("#depth") == "12"
    assert page.input_value("#activation") == "relu"
    assert page.evaluate("document.getElementById('histograms').data.length") == 12 * 3  # 12 layers x 3 methods


def test_a_changed_backprop_default_reaches_spec_and_form(page, changed_server):
    spec = get(f"{changed_server}/api/labs/backprop/spec")
    assert spec["defaults"]["lr"] == 0.3 and spec["defaults"]["activation"] == "tanh"
    assert spec["defaults"]["weights"]["w1"] == 0.9 and spec["defaults"]["weights"]["w2"] == 0.2
    page.goto(f"{changed_server}/labs/backprop?lang=en")
    page.wait_for_function("document.body.dataset.ready === 'true'")
    assert page.input_value("#lr") == "0.3" and page.input_value("#activation") == "tanh"
    assert page.input_value("[data-value=w1]") == "0.9" and page.input_value("[data-value=w2]") == "0.2"
    example = page.request.post(f"{changed_server}/api/backprop/example", data={}).json()
    assert example["config"]["weights"]["w1"] == 0.9 and example["config"]["activation"] == "tanh"
    assert page.text_content("[data-node=o1] .value") == f"{example['forward']['o1']:.4f}"


def test_a_changed_training_default_reaches_spec_form_and_run(page, changed_server):
    spec = get(f"{changed_server}/api/labs/training/spec")
    assert spec["defaults"]["epochs"] == 7 and spec["defaults"]["activation"] == "tanh"
    started = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: started.extend(
        m for m in [json.loads(payload)] if m.get("type") == "started")))
    page.goto(f"{changed_server}/labs/training?lang=en")
    page.wait_for_function("document.getElementById('view-0').data?.length > 0")
    assert page.input_value("#epochs") == "7" and page.input_value("#activation") == "tanh"
    assert started and started[-1]["config"]["epochs"] == 7 and started[-1]["config"]["activation"] == "tanh"


def test_a_changed_descent_default_reaches_spec_openapi_form_run_and_code(page, changed_server):
    spec = get(f"{changed_server}/api/labs/descent/spec")
    assert (spec["defaults"]["epochs"], spec["defaults"]["samples"], spec["defaults"]["variants"]) == \
        (7, 40, ["stochastic", "minibatch"])
    assert spec["schema"]["properties"]["variants"]["items"]["enum"] == ["batch", "stochastic", "minibatch"]
    openapi = get(f"{changed_server}/openapi.json")
    body = openapi["paths"]["/api/descent/code"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert openapi["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]["epochs"]["default"] == 7
    started = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: started.extend(
        m for m in [json.loads(payload)] if m.get("type") == "started")))
    page.goto(f"{changed_server}/labs/descent?lang=en")
    page.wait_for_function("document.querySelectorAll('#updates-table tbody tr').length === 3")  # 2 + the target
    assert page.input_value("#epochs") == "7" and page.input_value("#samples") == "40"
    assert page.eval_on_selector_all("#variants input:checked", "els => els.map(e => e.value)") == \
        ["stochastic", "minibatch"]
    assert started and (started[-1]["config"]["epochs"], started[-1]["config"]["variants"]) == \
        (7, ["stochastic", "minibatch"])
    # the code panel is the run's: 7 epochs of the first variant, stochastic, on 40 points
    page.wait_for_function("document.getElementById('code').textContent.includes('range(1, 8)')")
    code = page.text_content("#code")
    assert "np.random.rand(40, 1)" in code and "# stochastic gradient descent: batch size 1" in code

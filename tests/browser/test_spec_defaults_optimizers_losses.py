"""Change a default where the Optimiser and Loss labs declare it, and the page's form follows: the
served spec, the OpenAPI schema, the form, and a run started with {} (issue 8: one source of truth)."""

from collections.abc import Iterator

import pytest

from tests.browser.changed_server import changed_server as serve_changed
from tests.browser.changed_server import get

# The labs' dataclasses are the only things changed, before the web layer derives anything from them:
# the race runs 120 steps on the ravine, the outlier fit 40 points with Adam and the Huber loss too, and
# the regression curves are drawn over errors in ±2.
SCRIPT = """
import dataclasses, sys
from typing import Annotated
import uvicorn
import app.labs.optimizers as optimizers
import app.labs.losses as losses
from app.labs.optimizers import config as race
from app.labs.losses import outliers

@dataclasses.dataclass
class OptimizersConfig(race.OptimizersConfig):
    steps: Annotated[int, race.Ge(1), race.Cap("max_steps")] = 120
    surface: race.SurfaceName = "ravine"

@dataclasses.dataclass(frozen=True)
class CurvesConfig(losses.CurvesConfig):  # the regression curves over errors in ±2 instead of ±3
    error_range: losses.CurvesConfig.__annotations__["error_range"] = 2.0

@dataclasses.dataclass
class OutlierConfig(outliers.OutlierConfig):
    samples: Annotated[int, outliers.Ge(2), outliers.Cap("max_samples")] = 40
    optimizer: outliers.FitOptimizer = "adam"
    losses: tuple[outliers.FitLoss, ...] = ("l1", "huber")

optimizers.OptimizersConfig = race.OptimizersConfig = OptimizersConfig
losses.OutlierConfig = outliers.OutlierConfig = OutlierConfig
losses.CurvesConfig = CurvesConfig
"""


@pytest.fixture(scope="module")
def changed_server() -> Iterator[str]:
    with serve_changed(SCRIPT) as url:
        yield url


def schema_of(openapi: dict, path: str) -> dict:
    body = openapi["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return openapi["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]


def test_a_changed_default_reaches_spec_openapi_and_both_forms(page, changed_server):
    race = get(f"{changed_server}/api/labs/optimizers/spec")
    assert (race["defaults"]["steps"], race["defaults"]["surface"]) == (120, "ravine")
    fit = get(f"{changed_server}/api/labs/losses/spec")
    assert (fit["defaults"]["samples"], fit["defaults"]["optimizer"], fit["defaults"]["losses"]) == \
        (40, "adam", ["l1", "huber"])
    openapi = get(f"{changed_server}/openapi.json")
    assert schema_of(openapi, "/api/optimizers/code")["properties"]["steps"]["default"] == 120
    assert schema_of(openapi, "/api/losses/code")["properties"]["samples"]["default"] == 40

    page.goto(f"{changed_server}/labs/optimizers?lang=en")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'paused'")
    page.wait_for_function("document.getElementById('contour').data?.length > 0")
    assert page.input_value("#steps") == "120" and page.input_value("#surface") == "ravine"
    assert page.input_value("#start-x") == "-9"  # the ravine's own start, drawn from its table

    page.goto(f"{changed_server}/labs/losses?lang=en")
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert page.input_value("#samples") == "40" and page.input_value("#optimizer") == "adam"
    ticked = page.eval_on_selector_all("#fit-losses input:checked", "els => els.map(e => e.value)")
    assert ticked == ["l1", "huber"]
    page.wait_for_function("document.getElementById('fit-chart').data?.length > 0")
    assert page.evaluate("document.getElementById('fit-chart').data[0].x.length") + \
        page.evaluate("document.getElementById('fit-chart').data[1].x.length") == 40  # points and outliers


def test_a_changed_curves_default_moves_the_sliders_and_the_curves(page, changed_server):
    """The β and δ sliders reach the error range the curves are drawn over: the lab's default, not a number
    in the page."""
    assert get(f"{changed_server}/api/labs/losses/spec")["tools"]["curves"]["defaults"]["error_range"] == 2.0
    page.goto(f"{changed_server}/labs/losses?lang=en#" + '{"view":{"curves":{"beta":2.5,"delta":1}}}')
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert page.get_attribute("#curve-beta", "max") == page.get_attribute("#curve-delta", "max") == "2"
    assert page.input_value("#curve-beta") == "2"  # the hash's 2.5, within the slider's reach
    page.wait_for_function("document.getElementById('curve-loss').data?.length > 0")
    x = page.evaluate("document.getElementById('curve-loss').data[0].x")
    assert (x[0], x[-1]) == (-2, 2)

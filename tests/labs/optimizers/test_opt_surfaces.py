"""Built-in surfaces: the formula shown is the function computed, and the minima are where they say."""

import math

import pytest
import torch

from app.labs.errors import FieldError
from app.labs.optimizers.evaluate import compile_node
from app.labs.optimizers.formula import parse
from app.labs.optimizers.surfaces import SURFACES, resolve_surface, surface_grid, surfaces

NAMES = [
    "saddle", "saddle_bounded", "monkey_saddle", "ravine", "plateau", "rosenbrock", "beale", "himmelblau", "rastrigin",
]  # fmt: skip


def test_the_listing_has_every_surface_in_the_wire_shape():
    listing = surfaces()
    assert [s["name"] for s in listing] == NAMES
    for s in listing:
        assert set(s) == {"name", "formula", "domain", "start", "minima"}
        (x0, x1), (y0, y1) = s["domain"]
        assert x0 < x1 and y0 < y1
        for x, y in [s["start"], *s["minima"]]:
            assert x0 <= x <= x1 and y0 <= y <= y1, (s["name"], x, y)


@pytest.mark.parametrize("name", NAMES)
def test_the_formula_text_computes_the_torch_function(name):
    surface = SURFACES[name]
    (x0, x1), (y0, y1) = surface.domain
    gx, gy = torch.meshgrid(
        torch.linspace(x0, x1, 23, dtype=torch.float64), torch.linspace(y0, y1, 19, dtype=torch.float64), indexing="ij"
    )
    x, y = gx.reshape(-1), gy.reshape(-1)
    torch.testing.assert_close(compile_node(parse(surface.formula))(x, y), surface(x, y), rtol=1e-12, atol=1e-12)


def _value_and_grad(name, point):
    p = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    value = SURFACES[name](p[0:1], p[1:2]).sum()
    value.backward()
    return value.item(), p.grad.tolist()


@pytest.mark.parametrize("name", [n for n in NAMES if SURFACES[n].minima])
def test_known_minima_are_minima(name):
    for minimum in SURFACES[name].minima:
        value, grad = _value_and_grad(name, minimum)
        assert max(abs(g) for g in grad) < 1e-9, (name, minimum, grad)
        for angle in range(0, 360, 30):  # lower than every neighbour around it
            a = math.radians(angle)
            near = (minimum[0] + 1e-3 * math.cos(a), minimum[1] + 1e-3 * math.sin(a))
            assert _value_and_grad(name, near)[0] > value, (name, minimum, angle)


def test_the_global_minimum_values():
    expected = {"saddle_bounded": -0.5, "ravine": 0.0, "plateau": 0.0, "rosenbrock": 0.0, "beale": 0.0,
                "himmelblau": 0.0, "rastrigin": 0.0}  # fmt: skip
    for name, value in expected.items():
        for minimum in SURFACES[name].minima:
            assert _value_and_grad(name, minimum)[0] == pytest.approx(value, abs=1e-12)


def test_the_saddles_are_saddles():
    for name in ("saddle", "saddle_bounded", "monkey_saddle"):
        value, grad = _value_and_grad(name, (0.0, 0.0))
        assert value == 0 and grad == [0.0, 0.0]
    assert _value_and_grad("saddle", (0.0, 0.5))[0] < 0 < _value_and_grad("saddle", (0.5, 0.0))[0]


def test_resolving_names_and_expressions():
    assert resolve_surface("beale") is SURFACES["beale"]
    assert resolve_surface({"name": "beale"}) is SURFACES["beale"]
    custom = resolve_surface({"expression": "x^2 + 2*y^2"})
    assert custom.name == "custom" and custom.minima == ()
    assert custom(torch.tensor([1.0]), torch.tensor([2.0])).item() == 9.0


@pytest.mark.parametrize(
    ("surface", "field"),
    [
        ({"name": "nope"}, "surface.name"),
        ({"expression": "x +* y"}, "surface.expression"),
        ({"expression": 3}, "surface.expression"),
        ({"name": "saddle", "expression": "x"}, "surface"),
        ({}, "surface"),
    ],
)
def test_bad_surfaces_name_the_field(surface, field):
    with pytest.raises(FieldError) as caught:
        resolve_surface(surface)
    assert caught.value.field == field


def test_the_grid_is_in_plotly_layout_with_holes_for_non_finite_values():
    grid = surface_grid("ravine", 5)
    assert grid["x"] == [-10.0, -5.0, 0.0, 5.0, 10.0] and grid["y"] == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert grid["z"][1][3] == 0.05 * 25 + 2 * 4  # row j is y[j], column i is x[i]
    holes = surface_grid({"expression": "sqrt(x)"}, 3, [[-1, 1], [0, 1]])
    assert holes["z"][0] == [None, 0.0, 1.0]
    with pytest.raises(FieldError, match="resolution"):
        surface_grid("ravine", 10_000)
    with pytest.raises(FieldError, match="domain"):
        surface_grid("ravine", 5, [[1, 0], [0, 1]])


def test_the_surface_names_a_config_can_take_are_the_table_s():
    import typing

    from app.labs.common.optimizers import OptimizerName
    from app.labs.optimizers.racer import KINDS
    from app.labs.optimizers.surfaces import SurfaceName

    assert tuple(SURFACES) == typing.get_args(SurfaceName)
    assert tuple(KINDS) == typing.get_args(OptimizerName)

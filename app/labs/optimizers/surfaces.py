"""The 2D loss surfaces optimisers race on: the notes' saddle, ravine (峡谷) and plateau, plus classics.

Each surface is written once in torch (batched: x and y of shape [N]) and once as formula text in the
parser's grammar; a test checks the two agree, so the formula shown is the function computed.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import Tensor

from app.labs.errors import FieldError
from app.labs.optimizers.evaluate import SurfaceFn, compile_node
from app.labs.optimizers.formula import parse

Pair = tuple[float, float]


@dataclass(frozen=True)
class Surface:
    name: str
    formula: str  # in the custom-formula grammar, so it can be shown, parsed and printed as torch
    domain: tuple[Pair, Pair]  # ((xmin, xmax), (ymin, ymax)) to plot
    start: Pair  # the classic starting point
    minima: tuple[Pair, ...]  # known (global) minima; empty where the surface is unbounded below
    fn: SurfaceFn

    def __call__(self, x: Tensor, y: Tensor) -> Tensor:
        return self.fn(x, y)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "formula": self.formula,
            "domain": [list(self.domain[0]), list(self.domain[1])],
            "start": list(self.start),
            "minima": [list(m) for m in self.minima],
        }


def _rastrigin(x: Tensor, y: Tensor) -> Tensor:
    return 20 + x**2 - 10 * torch.cos(2 * math.pi * x) + y**2 - 10 * torch.cos(2 * math.pi * y)


_BUILT_IN = [
    Surface("saddle", "x^2 - y^2", ((-2, 2), (-2, 2)), (-1.5, 0.01), (), lambda x, y: x**2 - y**2),
    # the same saddle with a floor at y = ±1, so a run that crosses it can settle and finish
    Surface(
        "saddle_bounded", "x^2 - y^2 + 0.5*y^4", ((-2, 2), (-2, 2)), (-1.5, 0.01),
        ((0.0, 1.0), (0.0, -1.0)), lambda x, y: x**2 - y**2 + 0.5 * y**4,
    ),
    # gradient and curvature both vanish at the origin: three valleys, no pull to pick one
    Surface(
        "monkey_saddle", "x^3 - 3*x*y^2", ((-1.5, 1.5), (-1.5, 1.5)), (0.6, 0.05), (),
        lambda x, y: x**3 - 3 * x * y**2,
    ),
    # condition number 40: SGD zig-zags across the narrow y direction and crawls along x
    Surface(
        "ravine", "0.05*x^2 + 2*y^2", ((-10, 10), (-4, 4)), (-9.0, 3.0), ((0.0, 0.0),),
        lambda x, y: 0.05 * x**2 + 2 * y**2,
    ),
    # a well in a nearly flat plain: far out, only the faint 0.01 r² slope points home
    Surface(
        "plateau", "1 - exp(-(x^2 + y^2)) + 0.01*(x^2 + y^2)", ((-4, 4), (-4, 4)), (3.0, 2.0),
        ((0.0, 0.0),), lambda x, y: 1 - torch.exp(-(x**2 + y**2)) + 0.01 * (x**2 + y**2),
    ),
    Surface(
        "rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", ((-2, 2), (-1, 3)), (-1.2, 1.0), ((1.0, 1.0),),
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    ),
    Surface(
        "beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        ((-4.5, 4.5), (-4.5, 4.5)), (1.0, 1.5), ((3.0, 0.5),),
        lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2,
    ),
    Surface(
        "himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", ((-5, 5), (-5, 5)), (0.0, 0.0),
        (  # Newton-polished in float64: the gradient there is below 1e-12
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.2831859912861696),
            (3.5844283403304917, -1.8481265269644034),
        ),
        lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    ),
    Surface(
        "rastrigin", "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", ((-5.12, 5.12), (-5.12, 5.12)),
        (3.3, -2.6), ((0.0, 0.0),), _rastrigin,
    ),
]  # fmt: skip
SURFACES: dict[str, Surface] = {s.name: s for s in _BUILT_IN}
# The names as a type a config field can be; tests/labs/optimizers/test_opt_surfaces.py holds the two equal.
SurfaceName = Literal["saddle", "saddle_bounded", "monkey_saddle", "ravine", "plateau", "rosenbrock", "beale",
                      "himmelblau", "rastrigin"]

CUSTOM_DOMAIN: tuple[Pair, Pair] = ((-3.0, 3.0), (-3.0, 3.0))


def surfaces() -> list[dict[str, Any]]:
    """Every built-in surface as GET /api/optimizers/surfaces returns it."""
    return [s.describe() for s in _BUILT_IN]


def custom_surface(expression: str, field: str = "expression") -> Surface:
    """A surface from a student's formula; FormulaError (a FieldError) names ``field`` if refused."""
    fn = compile_node(parse(expression, field))
    return Surface("custom", expression, CUSTOM_DOMAIN, (-2.0, 1.5), (), fn)


def resolve_surface(surface: str | Mapping[str, Any], field: str = "surface") -> Surface:
    """``"saddle"``, ``{"name": "saddle"}`` or ``{"expression": "x^2 - y^2"}`` to a Surface."""
    if isinstance(surface, str):
        surface = {"name": surface}
    keys = set(surface)
    if keys == {"name"}:
        name = surface["name"]
        if name not in SURFACES:
            known = ", ".join(SURFACES)
            raise FieldError(f"{field}.name", f"unknown surface {name!r}; known: {known}")
        return SURFACES[name]
    if keys == {"expression"}:
        expression = surface["expression"]
        if not isinstance(expression, str):
            raise FieldError(f"{field}.expression", f"expected text, got {expression!r}")
        return custom_surface(expression, f"{field}.expression")
    raise FieldError(field, f"give either a name or an expression, got keys {sorted(keys)}")


MAX_GRID = 201  # samples per axis: a 200×200 contour is already finer than a projector shows


def surface_grid(
    surface: str | Mapping[str, Any], resolution: int = 81, domain: Any = None, field: str = "surface"
) -> dict[str, Any]:
    """The surface sampled on a grid for the contour and 3D views: ``z[j][i] = f(x[i], y[j])``
    (Plotly's layout), non-finite values as None so the plot leaves a hole."""
    resolved = resolve_surface(surface, field)
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= MAX_GRID:
        raise FieldError("resolution", f"expected a whole number from 2 to {MAX_GRID}, got {resolution!r}")
    (x0, x1), (y0, y1) = resolved.domain if domain is None else _check_domain(domain)
    xs = torch.linspace(x0, x1, resolution, dtype=torch.float64)
    ys = torch.linspace(y0, y1, resolution, dtype=torch.float64)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    with torch.no_grad():
        z = resolved(gx.reshape(-1), gy.reshape(-1)).reshape(resolution, resolution)
    rows = [[v if math.isfinite(v) else None for v in row] for row in z.tolist()]
    return {"x": xs.tolist(), "y": ys.tolist(), "z": rows}


def _check_domain(domain: Any) -> tuple[Pair, Pair]:
    try:
        (x0, x1), (y0, y1) = domain
        bounds = [float(v) for v in (x0, x1, y0, y1)]
    except (TypeError, ValueError):
        raise FieldError("domain", f"expected [[xmin, xmax], [ymin, ymax]], got {domain!r}") from None
    if not all(math.isfinite(v) and abs(v) <= 1e6 for v in bounds) or bounds[0] >= bounds[1] or bounds[2] >= bounds[3]:
        raise FieldError("domain", f"expected finite [[xmin, xmax], [ymin, ymax]] with min < max, got {domain!r}")
    return (bounds[0], bounds[1]), (bounds[2], bounds[3])

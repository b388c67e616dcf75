"""Under- and over-fitting: polynomials of degree 1 to 20 fitted to a small and a large sample.

The data is d2l's, which the notes (004) follow: y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε with
ε ~ N(0, noise²), x uniform in [-2, 2]. Each degree is fitted by exact least squares
(``torch.linalg.lstsq``, minimum-norm when there are more coefficients than points), so the
curves show what the model class can do, not how far an optimiser got; ``weight_decay`` turns it
into ridge regression, the closed form of L2 weight decay.
"""

import math
from dataclasses import dataclass
from typing import Annotated, Any

import torch

from app.labs.errors import FieldError
from app.labs.fields import Cap, Ge, Help, Le, Seed

TRUE_W = (5.0, 1.2, -3.4, 5.6)
X_SPAN = 2.0  # x uniform in [-X_SPAN, X_SPAN]
CURVE_POINTS = 121


@dataclass(frozen=True)
class PolynomialConfig:
    """``{}``: degrees 1-20 on 15 and on 100 noisy points of d2l's cubic."""

    max_degree: Annotated[int, Ge(1), Le(20), Help("degrees 1..max_degree")] = 20
    small: Annotated[int, Ge(2), Cap("max_samples"), Help("training points of the small sample")] = 15
    large: Annotated[int, Ge(2), Cap("max_samples"), Help("training points of the large sample")] = 100
    test: Annotated[int, Ge(2), Cap("max_samples"), Help("held-out points, shared by both")] = 200
    noise: Annotated[float, Ge(0), Le(10), Help("std of ε")] = 0.1
    weight_decay: Annotated[float, Ge(0), Le(10), Help("ridge λ on all coefficients but the constant")] = 0.0
    seed: Seed = 0

    def __post_init__(self) -> None:
        if not 1 <= self.max_degree <= 20:
            raise FieldError("max_degree", f"must be 1 to 20, got {self.max_degree}")
        for name in ("small", "large", "test"):
            if getattr(self, name) < 2:
                raise FieldError(name, f"need at least 2 points, got {getattr(self, name)}")
        if not (math.isfinite(self.noise) and self.noise >= 0):
            raise FieldError("noise", f"must be a finite number ≥ 0, got {self.noise}")
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise FieldError("weight_decay", f"must be a finite number ≥ 0, got {self.weight_decay}")


def features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """d2l's columns xⁱ/i! for i = 0..degree, used to make the data."""
    powers = torch.arange(degree + 1, dtype=x.dtype)
    return x[:, None] ** powers / torch.exp(torch.lgamma(powers + 1))


def basis(x: torch.Tensor, degree: int) -> torch.Tensor:
    """Legendre polynomials P₀..P_degree of x/X_SPAN: the same polynomials as the powers of x, but
    well conditioned, so least squares finds the exact best fit at degree 20 instead of dropping
    the tiny xⁱ/i! columns as numerically zero."""
    t = x / X_SPAN
    columns = [torch.ones_like(t), t]
    for n in range(1, degree):
        columns.append(((2 * n + 1) * t * columns[n] - n * columns[n - 1]) / (n + 1))
    return torch.stack(columns[: degree + 1], dim=1)


def truth(x: torch.Tensor) -> torch.Tensor:
    return features(x, 3) @ torch.tensor(TRUE_W, dtype=x.dtype)


def fit(x: torch.Tensor, y: torch.Tensor, degree: int, weight_decay: float = 0.0) -> torch.Tensor:
    """Least-squares coefficients on ``basis``; ridge by stacking √λ·I under the design (the
    constant is not penalised). Minimum-norm when there are more coefficients than points."""
    design, target = basis(x, degree), y
    if weight_decay > 0:
        penalty = math.sqrt(weight_decay) * torch.eye(degree + 1, dtype=x.dtype)[1:]
        design = torch.cat([design, penalty])
        target = torch.cat([y, torch.zeros(degree, dtype=x.dtype)])
    solution: torch.Tensor = torch.linalg.lstsq(design, target[:, None], driver="gelsd").solution
    return solution[:, 0]


def _sample(n: int, noise: float, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    x = (torch.rand(n, generator=g, dtype=torch.float64) * 2 - 1) * X_SPAN
    return x, truth(x) + noise * torch.randn(n, generator=g, dtype=torch.float64)


def _mse(pred: torch.Tensor, y: torch.Tensor) -> float:
    return float(torch.mean((pred - y) ** 2))


def _round(values: torch.Tensor) -> list[float]:
    return [float(f"{v:.5g}") for v in values.tolist()]


def polynomial_scene(config: PolynomialConfig) -> dict[str, Any]:
    """Train and test MSE against degree, and every fitted curve, for both sample sizes."""
    g = torch.Generator().manual_seed(config.seed)
    x_test, y_test = _sample(config.test, config.noise, g)
    grid = torch.linspace(-X_SPAN, X_SPAN, CURVE_POINTS, dtype=torch.float64)
    degrees = list(range(1, config.max_degree + 1))
    samples = []
    for name in ("small", "large"):
        x, y = _sample(getattr(config, name), config.noise, g)
        train_mse, test_mse, curves = [], [], []
        for d in degrees:
            w = fit(x, y, d, config.weight_decay)
            train_mse.append(_mse(basis(x, d) @ w, y))
            test_mse.append(_mse(basis(x_test, d) @ w, y_test))
            curves.append(_round(basis(grid, d) @ w))
        samples.append({
            "name": name,
            "n": len(x),
            "points": {"x": _round(x), "y": _round(y)},
            "train_mse": train_mse,
            "test_mse": test_mse,
            "curves": curves,
        })  # fmt: skip
    return {
        "degrees": degrees,
        "x": _round(grid),
        "truth": _round(truth(grid)),
        "test_points": {"x": _round(x_test), "y": _round(y_test)},
        "noise_floor": config.noise**2,  # the test MSE of the true curve, in expectation
        "samples": samples,
    }

"""Feature inputs as TensorFlow Playground offers them: the model sees chosen functions of (x1, x2).

A linear model (no hidden layer) cannot separate the circle from x1 and x2, but with x1² and x2²
the circle is a straight line in feature space; the spiral needs depth whatever the features.
The torch transform and the code panel's NumPy lines are declared side by side here, and a test
runs the printed lines against the transform.
"""

from collections.abc import Callable, Sequence
from typing import Literal

import torch

from app.labs.errors import FieldError

Feature = Literal["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]  # the choices
# name on the wire -> (the lab's transform of x [n, 2], the code panel's NumPy expression)
FEATURES: dict[str, tuple[Callable[[torch.Tensor], torch.Tensor], str]] = {
    "x1": (lambda x: x[:, 0], "x[:, 0]"),
    "x2": (lambda x: x[:, 1], "x[:, 1]"),
    "x1_squared": (lambda x: x[:, 0] ** 2, "x[:, 0] ** 2"),
    "x2_squared": (lambda x: x[:, 1] ** 2, "x[:, 1] ** 2"),
    "x1_x2": (lambda x: x[:, 0] * x[:, 1], "x[:, 0] * x[:, 1]"),
    "sin_x1": (lambda x: torch.sin(x[:, 0]), "np.sin(x[:, 0])"),
    "sin_x2": (lambda x: torch.sin(x[:, 1]), "np.sin(x[:, 1])"),
}
RAW: tuple[Feature, ...] = ("x1", "x2")  # the identity: the model sees the plane itself


def check_features(features: Sequence[str], field: str = "features") -> None:
    """At least one known feature, none twice."""
    if not features:
        raise FieldError(field, "choose at least one input feature")
    for name in features:
        if name not in FEATURES:
            raise FieldError(field, f"unknown feature {name!r}; choose from {', '.join(FEATURES)}")
    if len(set(features)) != len(features):
        raise FieldError(field, f"a feature is named twice in {list(features)}")


def transform(x: torch.Tensor, features: Sequence[str]) -> torch.Tensor:
    """The model's inputs [n, len(features)] from points of the plane [n, 2]; ``RAW`` returns ``x`` itself."""
    if tuple(features) == RAW:
        return x
    return torch.stack([FEATURES[name][0](x) for name in features], dim=1)


def feature_code(features: Sequence[str]) -> str:
    """The code panel's lines turning the NumPy points ``x`` into the chosen features."""
    if tuple(features) == RAW:
        return ""
    columns = "".join(f"        {FEATURES[name][1]},  # {name}\n" for name in features)
    return (
        "\n\ndef features(x):  # what the model sees instead of (x1, x2)\n"
        f"    return np.stack([\n{columns}    ], axis=1)\n\n\n"
        "x_train, x_test = features(x_train), features(x_test)\n"
    )

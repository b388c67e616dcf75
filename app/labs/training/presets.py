"""The training lab's one-click scenes, each teaching one lesson; the page fetches them from here.

A preset is the config fields it changes from ``TrainingConfig``'s defaults. Each was chosen by
running it over seeds, and ``tests/labs/training/test_train_presets.py`` holds every one to its
lesson for its own seed and for at least 8 of 10 others (the model's and the data's seed moved
together). What a class should look for is in ``static/i18n/training.json`` as ``training.look.<name>``.

Regularisers (weight decay, dropout): 45 training points of XOR whose labels flip near the axes
(noise 0.4), 255 test points to measure on, a 64-64 net trained full-batch for 300 epochs: the
unregularised net learns islands around the flipped labels, the regularised one a smoother boundary
that is right more often on new points.
"""

from typing import Any

from app.labs.training.config import TrainingConfig

# A net that memorises its few noisy training points unless something holds it back.
_OVERFIT: dict[str, Any] = {
    "dataset": "xor", "samples": 300, "noise": 0.4, "test_fraction": 0.85, "hidden": [64, 64],
    "epochs": 300, "batch_size": 45, "lr": 0.01,
}  # fmt: skip
_DEEP: dict[str, Any] = {
    "dataset": "moons", "samples": 400, "noise": 0.1, "hidden": [32] * 10, "optimizer": "sgd", "lr": 0.1,
    "batch_size": 32, "epochs": 60,
}  # fmt: skip

PRESETS: dict[str, dict[str, Any]] = {
    "moons": {},
    "overfit": _OVERFIT,
    "weight_decay": {**_OVERFIT, "weight_decay": 0.05, "compare": {"weight_decay": 0}},
    "dropout": {**_OVERFIT, "dropout": 0.5, "compare": {"dropout": 0}},
    "digits": {"dataset": "digits", "hidden": [64], "batch_size": 32, "epochs": 20, "test_fraction": 0.3},
    "sigmoid_deep": {**_DEEP, "activation": "sigmoid", "compare": {"activation": "relu", "init": "kaiming_normal"}},
    "relu_kaiming": {**_DEEP, "activation": "relu", "init": "kaiming_normal"},
    "batch_norm": {**_DEEP, "activation": "sigmoid", "batch_norm": True, "compare": {"batch_norm": False}},
    # a linear model (no hidden layer) that cuts out the circle because it sees x1² and x2²
    "features": {"dataset": "circle", "samples": 200, "hidden": [], "lr": 0.1, "epochs": 30,
                 "features": ["x1", "x2", "x1_squared", "x2_squared"]},
    "clipping": {
        "dataset": "moons", "hidden": [32, 32, 32], "optimizer": "momentum", "lr": 0.5, "epochs": 20,
        "clip_norm": 1, "compare": {"clip_norm": 0},
    },
}  # fmt: skip


def preset_config(name: str, **changes: Any) -> TrainingConfig:
    """The preset as a lab config (``changes`` on top, e.g. another seed)."""
    values = {**PRESETS[name], **changes}
    for key in ("hidden", "features"):
        if key in values:
            values[key] = tuple(values[key])
    return TrainingConfig(**values)

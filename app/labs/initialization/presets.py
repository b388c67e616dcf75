"""The Initialisation lab's one-click comparisons, each teaching one lesson; the page fetches them.

A preset is the config fields it changes. ``tests/labs/test_init_presets.py`` holds each to its
lesson for its own seed and ten others; what to look for is ``initialization.look.<name>`` in
``static/i18n/initialization.json``.
"""

from typing import Any

from app.labs.initialization.config import InitConfig
from app.labs.initialization.methods import InitSpec

PRESETS: dict[str, dict[str, Any]] = {
    # tanh: N(0, 1) saturates every layer, Xavier keeps the signal, Kaiming's ReLU gain overshoots
    "tanh": {"activation": "tanh", "methods": [
        {"method": "normal"}, {"method": "xavier_normal"}, {"method": "kaiming_normal", "nonlinearity": "relu"}]},
    # ReLU: N(0, 0.01) fades to nothing, Xavier halves the variance per layer, Kaiming keeps it
    "relu": {"activation": "relu", "methods": [
        {"method": "normal", "std": 0.01}, {"method": "xavier_normal"},
        {"method": "kaiming_normal", "nonlinearity": "relu"}]},
    # symmetric starts give identical neurons, which gradient descent never tells apart
    "symmetry": {"activation": "tanh", "methods": [
        {"method": "zeros"}, {"method": "constant", "val": 0.77}, {"method": "xavier_uniform"}]},
}  # fmt: skip


def preset_config(name: str, **changes: Any) -> InitConfig:
    """The preset as a lab config (``changes`` on top, e.g. another seed)."""
    values = {**PRESETS[name], **changes}
    values["methods"] = [InitSpec(**m) for m in values["methods"]]
    return InitConfig(**values)

"""The Back-propagation lab: the notes' 2-2-2 network by hand, step by step, checked against autograd.

Its face: ``BackpropConfig`` (every field declared once, in config.py; ``make_config`` checks and
spells one out) and the live ``BackpropRun``; the one-shot ``example`` and ``chain_rule_demo``
(asked a ``ChainRule``); the code panel ``pytorch_code(config)``.
"""

from app.labs.backprop.code import pytorch_code
from app.labs.backprop.config import LIMIT, LIVE_PARAMS, BackpropConfig, Biases, ChainRule, Weights
from app.labs.backprop.example import chain_rule_demo, example, make_config
from app.labs.backprop.network import ACTIVATIONS
from app.labs.backprop.run import BackpropRun
from app.labs.fields import MAX_LR

__all__ = [
    "ACTIVATIONS",
    "LIMIT",
    "LIVE_PARAMS",
    "MAX_LR",
    "BackpropConfig",
    "BackpropRun",
    "Biases",
    "ChainRule",
    "Weights",
    "chain_rule_demo",
    "example",
    "make_config",
    "pytorch_code",
]

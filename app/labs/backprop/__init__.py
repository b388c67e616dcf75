"""The Back-propagation lab: the notes' 2-2-2 network by hand, step by step, checked against autograd.

Its face: ``BackpropConfig`` (checked by ``make_config``) and the live ``BackpropRun``; the
one-shot ``example`` and ``chain_rule_demo``; the code panel ``pytorch_code(config)``.
"""

from app.labs.backprop.code import pytorch_code
from app.labs.backprop.example import chain_rule_demo, example, make_config
from app.labs.backprop.network import ACTIVATIONS, LIMIT, MAX_LR, BackpropConfig
from app.labs.backprop.run import BackpropRun

__all__ = [
    "ACTIVATIONS",
    "LIMIT",
    "MAX_LR",
    "BackpropConfig",
    "BackpropRun",
    "chain_rule_demo",
    "example",
    "make_config",
    "pytorch_code",
]

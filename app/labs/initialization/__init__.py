"""The Initialisation lab: how torch.nn.init shapes weights, activations and gradients."""

from app.labs.common.init_methods import METHODS
from app.labs.initialization.code import pytorch_code
from app.labs.initialization.config import LIVE_PARAMS, InitConfig, InspectConfig
from app.labs.initialization.methods import InitSpec, theory_std
from app.labs.initialization.run import InitializationRun, inspect

__all__ = [
    "METHODS",
    "LIVE_PARAMS",
    "InitConfig",
    "InspectConfig",
    "InitSpec",
    "InitializationRun",
    "inspect",
    "pytorch_code",
    "theory_std",
]

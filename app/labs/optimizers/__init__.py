"""The Optimiser lab: real torch.optim optimisers racing across 2D loss surfaces.

Public entry points (everything JSON-ready; bad input raises ``FieldError`` naming the field):

- ``surfaces()`` for GET /api/optimizers/surfaces;
- ``trajectories(surface, start, steps, optimizers)`` for POST /api/optimizers/trajectories;
- ``OptimizerRun(OptimizersConfig, Limits)`` the live race or swarm, an ``app.runs`` LiveRun; each
  config field (and each ``Racer``'s) declared once, from which the web layer derives its models;
- ``ewa(beta, n, seed)`` the exponentially weighted average on its own (``EwaConfig`` declares its fields);
- ``pytorch_code(config)`` the plain torch.optim script behind a race or swarm;
- ``presets()`` the one-click scenes; ``surface_grid(...)`` the values to draw a surface.
"""

from app.labs.optimizers.code import pytorch_code
from app.labs.optimizers.config import DEFAULT_LIMITS, Limits, OptimizersConfig, check_config, config_from_mapping
from app.labs.optimizers.ewa import EwaConfig, ewa
from app.labs.optimizers.formula import FormulaError
from app.labs.optimizers.live import OptimizerRun
from app.labs.optimizers.presets import presets
from app.labs.optimizers.race import trajectories
from app.labs.optimizers.racer import KINDS, Racer
from app.labs.optimizers.surfaces import SURFACES, surface_grid, surfaces

__all__ = [
    "DEFAULT_LIMITS",
    "EwaConfig",
    "KINDS",
    "SURFACES",
    "FormulaError",
    "Limits",
    "OptimizerRun",
    "OptimizersConfig",
    "Racer",
    "check_config",
    "config_from_mapping",
    "ewa",
    "presets",
    "pytorch_code",
    "surface_grid",
    "surfaces",
    "trajectories",
]

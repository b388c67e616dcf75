"""The "PyTorch code" panel: a short script that reproduces the current race with plain torch.optim.

It is printed from checked data only (the surface from its parsed tree, hyperparameters as numbers),
never from a student's raw text, so what it shows is exactly what the lab ran.
"""

from typing import Any

from app.labs.optimizers.config import DEFAULT_LIMITS, Limits, OptimizersConfig, check_config
from app.labs.optimizers.evaluate import to_source
from app.labs.optimizers.formula import parse
from app.labs.optimizers.specs import OptimizerSpec, torch_defaults


def _settings(spec: OptimizerSpec) -> str:
    """The torch.optim keyword arguments that differ from the class defaults (lr always)."""
    defaults = torch_defaults(spec.kind.cls)
    kwargs = spec.kwargs()
    shown = {k: v for k, v in kwargs.items() if k == "lr" or v != defaults.get(k)}
    return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in shown.items()) + "}"


def _head(config: OptimizersConfig, formula: str, source: str, title: str) -> list[str]:
    return [
        f'"""GradLab, Optimisers: a {title}, f(x, y) = {formula}."""',
        *(["import math", ""] if "math." in source else []),
        "import torch",
        "",
        "",
        "def f(x, y):",
        f"    return {source}",
        "",
        "",
        f"steps = {config.steps}",
    ]


def _race(config: OptimizersConfig, specs: list[OptimizerSpec], start: tuple[float, float]) -> list[str]:
    lines = ["racers = [  # name, start, optimiser class, settings"]
    for spec in specs:
        where = list(spec.start or start)
        lines.append(f"    ({spec.name!r}, {where!r}, torch.optim.{spec.kind.cls.__name__}, {_settings(spec)}),")
    return lines + [
        "]",
        "for name, start, optimizer_class, settings in racers:",
        "    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)",
        "    optimizer = optimizer_class([p], **settings)",
        "    for step in range(steps):",
        "        optimizer.zero_grad()",
        "        loss = f(p[0], p[1])",
        "        if not torch.isfinite(loss):",
        "            break  # diverged",
        "        loss.backward()",
        "        optimizer.step()",
        "    print(name, p.tolist(), f(p[0], p[1]).item())",
    ]


def _swarm(config: OptimizersConfig, specs: list[OptimizerSpec], domain: Any, minima: Any) -> list[str]:
    (x0, x1), (y0, y1) = domain
    if config.swarm_layout == "grid":
        side = max(1, int(config.swarm_size**0.5))
        starts = [
            f"side = {side}  # a grid of cell centres",
            f"xs = {x0!r} + (torch.arange(side, dtype=torch.float64) + 0.5) * {x1 - x0!r} / side",
            f"ys = {y0!r} + (torch.arange(side, dtype=torch.float64) + 0.5) * {y1 - y0!r} / side",
            "gy, gx = torch.meshgrid(ys, xs, indexing='ij')",
            "starts = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)",
        ]
    else:
        starts = [
            f"generator = torch.Generator().manual_seed({config.seed})",
            f"unit = torch.rand({config.swarm_size}, 2, generator=generator, dtype=torch.float64)",
            f"starts = unit * torch.tensor([{x1 - x0!r}, {y1 - y0!r}], dtype=torch.float64)"
            f" + torch.tensor([{x0!r}, {y0!r}], dtype=torch.float64)",
        ]
    lines = [*starts, "optimisers = [  # name, optimiser class, settings"]
    lines += [f"    ({s.name!r}, torch.optim.{s.kind.cls.__name__}, {_settings(s)})," for s in specs]
    return lines + [
        "]",
        f"minima = torch.tensor({[list(m) for m in minima]!r}, dtype=torch.float64).reshape(-1, 2)",
        "for name, optimizer_class, settings in optimisers:",
        "    p = starts.clone().requires_grad_()  # one row per starting point, all stepped at once",
        "    optimizer = optimizer_class([p], **settings)",
        "    for step in range(steps):",
        "        optimizer.zero_grad()",
        "        f(p[:, 0], p[:, 1]).sum().backward()  # rows are independent: each gets its own gradient",
        "        optimizer.step()",
        "    ends = p.detach()",
        "    if len(minima):",
        "        nearest = torch.cdist(ends, minima).argmin(dim=1)",
        "        print(name, 'points nearest each minimum:', nearest.bincount(minlength=len(minima)).tolist())",
        "    print(name, 'mean f:', f(ends[:, 0], ends[:, 1]).nanmean().item())",
    ]


def pytorch_code(config: OptimizersConfig, limits: Limits = DEFAULT_LIMITS) -> str:
    """A runnable script for ``config`` (a race or a swarm) using only torch and torch.optim."""
    checked = check_config(config, limits)
    surface = checked.surface
    source = to_source(parse(surface.formula))
    name = "a custom" if surface.name == "custom" else f"the {surface.name}"
    title = f"{config.mode} on {name} surface"
    lines = _head(config, surface.formula, source, title)
    if config.mode == "race":
        lines += _race(config, checked.specs, checked.start)
    else:
        lines += _swarm(config, checked.specs, surface.domain, surface.minima)
    return "\n".join(lines) + "\n"

"""The grid of a plane, the loss over its rows and along a line, and how much of it one live step computes.

The losses come from ``PlaneLoss`` (``batched.py``): a chunk of points in one batched forward pass.
"""

import math

import torch

from app.labs.landscape.batched import PlaneLoss

STEP_FLOPS = 1e7  # multiply-adds of one live surface step: tens of milliseconds, so controls stay quick


def axis(points: int, half_width: float) -> torch.Tensor:
    """``points`` values from ``-half_width`` to ``half_width``, the middle one exactly 0 when odd."""
    mid = (points - 1) / 2
    return (torch.arange(points, dtype=torch.float64) - mid) / mid * half_width


def plane_rows(loss: PlaneLoss, alphas: torch.Tensor, betas: torch.Tensor) -> torch.Tensor:
    """``loss[i][j]`` at ``center + alphas[j]·d1 + betas[i]·d2`` for the given rows ``betas``."""
    bb, aa = torch.meshgrid(betas, alphas, indexing="ij")
    values, _ = loss(torch.stack([aa.reshape(-1), bb.reshape(-1)], dim=1))
    return values.reshape(len(betas), len(alphas))


def line(model: torch.nn.Module, start: torch.Tensor, end: torch.Tensor, alphas: torch.Tensor,
         parts: list[tuple[torch.Tensor, torch.Tensor]], classify: bool) -> list[dict[str, list[float]]]:
    """Loss and accuracy along ``start + α·(end − start)`` on each part (Goodfellow et al., 2015)."""
    out = []
    for x, y in parts:
        loss, acc = PlaneLoss(model, start, (end - start)[None], x, y, classify)(alphas[:, None], accuracy=True)
        out.append({"loss": loss.tolist(), "accuracy": [None if math.isnan(a) else a for a in acc.tolist()]})
    return out


def rows_per_step(model: torch.nn.Module, grid: int, samples: int, flops: float = STEP_FLOPS) -> int:
    """Rows of the grid one live step computes: a bounded slice of work, so the run stays responsive."""
    params = sum(p.numel() for p in model.parameters())
    per_row = 2.0 * grid * samples * params
    return max(1, min(grid, int(flops // per_row)))

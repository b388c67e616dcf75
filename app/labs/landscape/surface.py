"""The loss over a plane of weights, evaluated as batched functional calls (``torch.func``).

``K`` points of the plane become one ``[K, P]`` tensor of parameter vectors; ``vmap`` over
``functional_call`` runs the one model with each of them on the same inputs, so a row of the grid
costs one batched forward pass instead of ``K`` loads of the model's weights.
"""

import math

import torch
from torch import nn
from torch.func import functional_call, vmap

from app.labs.landscape.model import loss_and_accuracy, unflatten

ACTIVATION_BUDGET = 1 << 22  # floats of activations per batched call (16 MB)
STEP_FLOPS = 1e7  # multiply-adds of one live surface step: tens of milliseconds, so controls stay quick


def axis(points: int, half_width: float) -> torch.Tensor:
    """``points`` values from ``-half_width`` to ``half_width``, the middle one exactly 0 when odd."""
    mid = (points - 1) / 2
    return (torch.arange(points, dtype=torch.float64) - mid) / mid * half_width


def points_per_call(model: nn.Module, samples: int) -> int:
    """How many parameter vectors one batched call may take within the activation budget."""
    widest = max(m.out_features for m in model.modules() if isinstance(m, nn.Linear))
    return max(1, ACTIVATION_BUDGET // max(1, samples * widest))


def losses_at(model: nn.Module, vectors: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
              classify: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss and accuracy ``[K]`` of the model in evaluation mode with each of the ``[K, P]`` vectors."""
    was_training = model.training
    model.eval()
    buffers = dict(model.named_buffers())  # batch-norm running statistics: the centre's, unbatched

    def one(params: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        out = functional_call(model, (params, buffers), (x,))
        return loss_and_accuracy(out, y, classify)

    chunk = points_per_call(model, len(x))
    losses, accs = [], []
    with torch.no_grad():
        for start in range(0, len(vectors), chunk):
            loss, acc = vmap(one)(unflatten(model, vectors[start:start + chunk]))
            losses.append(loss)
            accs.append(acc)
    model.train(was_training)
    return torch.cat(losses), torch.cat(accs)


def plane_rows(model: nn.Module, center: torch.Tensor, directions: torch.Tensor, alphas: torch.Tensor,
               betas: torch.Tensor, x: torch.Tensor, y: torch.Tensor, classify: bool) -> torch.Tensor:
    """``loss[i][j]`` at ``center + alphas[j]·d1 + betas[i]·d2`` for the given rows ``betas``."""
    bb, aa = torch.meshgrid(betas, alphas, indexing="ij")
    coords = torch.stack([aa.reshape(-1), bb.reshape(-1)], dim=1).to(center.dtype)
    vectors = center + coords @ directions
    loss, _ = losses_at(model, vectors, x, y, classify)
    return loss.reshape(len(betas), len(alphas))


def line(model: nn.Module, start: torch.Tensor, end: torch.Tensor, alphas: torch.Tensor,
         parts: list[tuple[torch.Tensor, torch.Tensor]], classify: bool) -> list[dict[str, list[float]]]:
    """Loss and accuracy along ``start + α·(end − start)`` on each part (Goodfellow et al., 2015)."""
    vectors = start + alphas.to(start.dtype)[:, None] * (end - start)
    out = []
    for x, y in parts:
        loss, acc = losses_at(model, vectors, x, y, classify)
        out.append({"loss": loss.tolist(), "accuracy": [None if math.isnan(a) else a for a in acc.tolist()]})
    return out


def rows_per_step(model: nn.Module, grid: int, samples: int, flops: float = STEP_FLOPS) -> int:
    """Rows of the grid one live step computes: a bounded slice of work, so the run stays responsive."""
    params = sum(p.numel() for p in model.parameters())
    per_row = 2.0 * grid * samples * params
    return max(1, min(grid, int(flops // per_row)))

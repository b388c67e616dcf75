"""The two directions of the plane: normalised random directions, or the training path's principal axes.

Following Li, Xu, Taylor, Studer and Goldstein (NeurIPS 2018): a random Gaussian direction is rescaled
so that each neuron's row of a weight matrix has the norm of that neuron's weights ("filter"), each
layer has the norm of its layer ("layer") or is left alone ("none"); biases and batch-norm parameters
(every tensor of one dimension) are not moved. The PCA directions are the first two principal axes of
``θ_i − θ_final`` over the saved checkpoints, centred as in scikit-learn's PCA.
"""

import torch
from torch import nn


def random_direction(model: nn.Module, normalization: str, generator: torch.Generator) -> torch.Tensor:
    """One flat direction: a Gaussian draw per parameter, normalised against the model's weights."""
    parts = []
    for p in model.parameters():
        w = p.detach()
        d = torch.randn(w.shape, generator=generator)
        if w.dim() <= 1:
            d.zero_()  # biases and batch-norm scales/shifts stay where they are
        elif normalization == "filter":  # row i (neuron i's incoming weights) gets the norm of w[i]
            rows_w, rows_d = w.reshape(w.shape[0], -1), d.reshape(d.shape[0], -1)
            scale = rows_w.norm(dim=1) / (rows_d.norm(dim=1) + 1e-10)
            d = (rows_d * scale[:, None]).reshape(w.shape)
        elif normalization == "layer":
            d = d * (w.norm() / (d.norm() + 1e-10))
        parts.append(d.reshape(-1))
    return torch.cat(parts)


def random_directions(model: nn.Module, normalization: str, generator: torch.Generator) -> torch.Tensor:
    """``[2, P]``: two independent random directions (nearly orthogonal in high dimensions)."""
    return torch.stack([random_direction(model, normalization, generator) for _ in range(2)])


def pca_directions(checkpoints: torch.Tensor, final: torch.Tensor) -> tuple[torch.Tensor, list[float]]:
    """The path's first two principal axes ``[2, P]`` (orthonormal) and the share of variance of each.

    ``checkpoints`` is ``[n, P]``. Each axis is signed so that the first checkpoint projects to ≤ 0:
    the path walks from the lower left toward the final weights at (0, 0).
    """
    diffs = checkpoints.double() - final.double()
    centred = diffs - diffs.mean(dim=0)
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)
    total = float((s**2).sum())
    axes = torch.zeros(2, final.numel(), dtype=torch.float64)
    ratios = [0.0, 0.0]
    for k in range(min(2, len(s))):
        if total > 0 and s[k] > 0:
            axes[k] = vh[k]
            ratios[k] = float(s[k] ** 2) / total
            if float(diffs[0] @ axes[k]) > 0:
                axes[k] = -axes[k]
    if ratios[0] == 0.0:  # the weights never moved: any unit vector will do
        axes[0, 0] = 1.0
    if ratios[1] == 0.0:  # a path along one line: complete the plane with any orthogonal unit vector
        axes[1] = _orthogonal_to(axes[0])
    return axes.float(), ratios


def _orthogonal_to(axis: torch.Tensor) -> torch.Tensor:
    e = torch.zeros_like(axis)
    e[int(torch.argmin(axis.abs()))] = 1.0
    e = e - (e @ axis) * axis
    unit: torch.Tensor = e / e.norm()
    return unit


def project(points: torch.Tensor, final: torch.Tensor, axes: torch.Tensor) -> torch.Tensor:
    """``[n, 2]`` coordinates of ``points − final`` along orthonormal ``axes`` (the final point is (0, 0))."""
    return (points - final) @ axes.T


def path_axes(checkpoints: torch.Tensor) -> tuple[torch.Tensor, list[float], torch.Tensor]:
    """PCA axes of a path ``[n, P]`` taken around its last point, and the path projected on them."""
    final = checkpoints[-1]
    axes, ratios = pca_directions(checkpoints, final)
    return axes, ratios, project(checkpoints, final, axes)

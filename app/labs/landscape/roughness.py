"""How rough and how sharp a surface is.

Roughness: the share of its points that break the climb away from the centre.

A smooth bowl rises along every path leaving the minimum at its centre. For each grid point we take
its neighbour one lattice step toward the centre (one step in each coordinate that is not yet
central, so diagonally when both are off-centre) and count the point as *rough* when its loss is
lower than that inner neighbour's: a dip on the way out, i.e. a point not on a monotone path from the
centre. The measure is the share of rough points among all points but the centre: 0 for a convex bowl
around its minimum, about one half for noise.
"""

import torch


def roughness(loss: torch.Tensor | list[list[float]]) -> float:
    """Share of grid points (centre excluded) lower than their inner neighbour; needs an odd grid."""
    z = torch.as_tensor(loss, dtype=torch.float64)
    rows, cols = z.shape
    if rows % 2 == 0 or cols % 2 == 0:
        raise ValueError(f"roughness needs an odd grid with a centre point, got {rows}×{cols}")
    ci, cj = rows // 2, cols // 2
    i = torch.arange(rows)[:, None].expand(rows, cols)
    j = torch.arange(cols)[None, :].expand(rows, cols)
    inner = z[i - torch.sign(i - ci), j - torch.sign(j - cj)]
    rough = (z < inner) | ~torch.isfinite(z)
    rough[ci, cj] = False
    return float(rough.sum()) / (rows * cols - 1)


def sharpness(loss: torch.Tensor | list[list[float]], center_loss: float) -> float:
    """How far the loss climbs, on average, from the centre over the whole plane: the mean over the grid
    of ``loss − center_loss`` (non-finite points count as the largest finite rise). Only comparable
    between networks looked at along directions of the same relative size, i.e. normalised ones."""
    rise = torch.as_tensor(loss, dtype=torch.float64) - center_loss
    finite = torch.isfinite(rise)
    if not finite.any():
        return float("inf")
    return float(torch.where(finite, rise, rise[finite].max()).mean())

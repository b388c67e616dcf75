"""The loss at many points of a plane of weights at once: one forward pass for a chunk of points.

Every point is ``θ(c) = center + c · directions`` (``c`` = (α, β) on a plane, (α,) on a line), so each
parameter tensor of the model is an affine function of ``c``: ``W(c) = W + α·A + β·B``. Two facts make
a grid cheaper than loading each point's weights into the model and calling it (what
``bench/bench_landscape.py`` compares against):

- The first layer sees the same data ``X`` at every point, and is linear in its weights:
  ``X·W(c)ᵀ + b(c) = (X·Wᵀ + b) + α·(X·Aᵀ + a) + β·(X·Bᵀ + b')``. The three products are computed once
  per plane; a point then costs a weighted sum instead of a matrix product over all the data.
- Later layers get a different input at every point, so their products are made for each point, but a
  whole chunk of points goes through one batched matrix product (``torch.bmm``), with no module calls,
  no copies of weights into the model and a cross-entropy over the chunk at once.

Activations are kept as ``[points, features, samples]``: then the softmax of the cross-entropy reduces
over rows of contiguous samples, which vectorises, where ``F.cross_entropy`` on ``[samples, 10]`` does
not. A chunk's activations stay within ``CHUNK_FLOATS``, about a core's L2 cache: small chunks are
faster than large ones here (measured), and they bound the memory a surface takes.

Batch norm is evaluated as in ``model.eval()``: an affine map per feature from its running statistics,
with its scale and shift moved along the directions like every other parameter. Results agree with the
loaded model within float32 rounding (the tests check 1e-5).
"""

import math

import torch
from torch import nn

from app.labs.landscape.model import ACTIVATION_MODULES, Residual, unflatten

CHUNK_FLOATS = 1 << 20  # activations of one chunk of points: 4 MB
ELEMENTWISE = tuple(ACTIVATION_MODULES.values())  # act on each number alone, so any layout will do


class PlaneLoss:
    """``loss(c)`` of ``model`` on ``(x, y)`` with the parameters ``center + c · directions``, in evaluation mode.

    ``model`` gives the structure (``build_model``'s: Sequential, Linear, BatchNorm1d, activations,
    Residual) and the batch-norm running statistics; its own parameters are not read or written.
    """

    def __init__(self, model: nn.Module, center: torch.Tensor, directions: torch.Tensor, x: torch.Tensor,
                 y: torch.Tensor, classify: bool) -> None:
        self.model, self.classify = model, classify
        stacked = torch.cat([center[None], directions]).float()  # [1 + m, P]
        self.params = unflatten(model, stacked)  # each parameter as [1 + m, *shape]
        self.buffers = dict(model.named_buffers())
        self.x = x.T.contiguous()  # [features, samples]
        self.y = y if classify else y.T  # class indices [N], or targets [outputs, N]
        self.first: dict[str, torch.Tensor] = {}  # per Linear fed the data itself: [1 + m, out, N]
        widest = max(m.out_features for m in model.modules() if isinstance(m, nn.Linear))
        self.chunk = max(1, CHUNK_FLOATS // (len(x) * widest))

    def constants(self) -> list[torch.Tensor]:
        """What is never written once made (a run's copies share it): the data, the parameters, the products."""
        return [self.x, *self.params.values(), *self.first.values()]

    def __call__(self, coords: torch.Tensor, accuracy: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """Loss and accuracy ``[K]`` at the ``[K, m]`` coordinates (accuracy NaN unless asked, or for regression)."""
        coefficients = torch.cat([torch.ones(len(coords), 1), coords.float()], dim=1)  # (1, α, β) per point
        losses, accs = [], []
        with torch.no_grad():
            for start in range(0, len(coords), self.chunk):
                out = self._forward(self.model, "", self.x, coefficients[start:start + self.chunk])
                loss, acc = self._loss(out, accuracy)
                losses.append(loss)
                accs.append(acc)
        return torch.cat(losses), torch.cat(accs)

    def _forward(self, module: nn.Module, prefix: str, h: torch.Tensor, cf: torch.Tensor) -> torch.Tensor:
        """``h`` is ``[features, N]`` while it is the data (the same at every point), else ``[K, features, N]``."""
        if isinstance(module, nn.Sequential):
            for name, child in module.named_children():
                h = self._forward(child, f"{prefix}{name}.", h, cf)
            return h
        if isinstance(module, Residual):
            return h + self._forward(module.block, f"{prefix}block.", h, cf)
        if isinstance(module, nn.Linear):
            return self._linear(prefix, h, cf)
        if isinstance(module, nn.BatchNorm1d):
            return self._batch_norm(module, prefix, h, cf)
        if type(module) is nn.ReLU:  # in place: it always follows a Linear or BatchNorm, whose output is new
            return h.relu_()
        if isinstance(module, ELEMENTWISE):
            out: torch.Tensor = module(h)
            return out
        raise TypeError(f"no batched form for {type(module).__name__}")

    def _at(self, name: str, cf: torch.Tensor) -> torch.Tensor:
        """Parameter ``name`` at every point of the chunk: ``[K, *shape]``."""
        p = self.params[name]
        return (cf @ p.reshape(len(p), -1)).reshape(len(cf), *p.shape[1:])

    def _linear(self, prefix: str, h: torch.Tensor, cf: torch.Tensor) -> torch.Tensor:
        w, b = self.params[prefix + "weight"], self.params[prefix + "bias"]
        if h.dim() == 2:  # fed the data: combine the precomputed products (W + αA + βB)·X = W·X + α·A·X + β·B·X
            if prefix not in self.first:
                self.first[prefix] = torch.baddbmm(b[:, :, None], w, h.expand(len(w), *h.shape))
            products = self.first[prefix]
            return (cf @ products.reshape(len(products), -1)).reshape(len(cf), *products.shape[1:])
        out = torch.bmm(self._at(prefix + "weight", cf), h)
        return out.add_(self._at(prefix + "bias", cf)[:, :, None])

    def _batch_norm(self, bn: nn.BatchNorm1d, prefix: str, h: torch.Tensor, cf: torch.Tensor) -> torch.Tensor:
        """Evaluation mode: ``(h − mean) / √(var + eps) · γ + β`` as one scale and shift per feature and point."""
        mean, var = self.buffers[prefix + "running_mean"], self.buffers[prefix + "running_var"]
        scale = self._at(prefix + "weight", cf) * torch.rsqrt(var + bn.eps)
        shift = self._at(prefix + "bias", cf) - mean * scale
        return torch.addcmul(shift[:, :, None], h, scale[:, :, None])

    def _loss(self, out: torch.Tensor, accuracy: bool) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean cross-entropy (classes on dim 1) or mean squared error of each point's outputs ``[K, C, N]``."""
        nan = torch.full((len(out),), math.nan)
        if not self.classify:
            return (out - self.y).square_().mean(dim=(1, 2)), nan
        picked = out.gather(1, self.y.expand(len(out), 1, -1))[:, 0]
        loss = (torch.logsumexp(out, dim=1) - picked).mean(dim=1)
        if not accuracy:
            return loss, nan
        return loss, (out.argmax(dim=1) == self.y).float().mean(dim=1)

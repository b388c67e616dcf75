"""The loss at many points of a plane of weights at once: one forward pass for a chunk of points.

Every point is ``θ(c) = center + c · directions`` (``c`` = (α, β) on a plane, (α,) on a line), so each
parameter tensor of the model is an affine function of ``c``: ``W(c) = W + α·A + β·B``. Three facts make
a grid cheaper than loading each point's weights into the model and calling it (what
``bench/bench_landscape.py`` compares against):

- The first layer sees the same data ``X`` at every point, and is linear in its weights:
  ``X·W(c)ᵀ + b(c) = (X·Wᵀ + b) + α·(X·Aᵀ + a) + β·(X·Bᵀ + b')``. The three products are computed once
  per plane; a point then costs a weighted sum instead of a matrix product over all the data.
- Later layers get a different input at every point, so their products are made for each point, but a
  whole chunk of points goes through one batched matrix product (``torch.bmm``), with no module calls,
  no copies of weights into the model and a cross-entropy over the chunk at once.
- Each activation carries a last row of ones (``[points, features + 1, samples]``) and each weight
  matrix its bias as a last column, so a product adds the bias itself: no pass over the activations
  for it. ReLU then works in place on the product's rows.

Activations are kept with samples last: then the softmax of the cross-entropy reduces over rows of
contiguous samples, which vectorises, where ``F.cross_entropy`` on ``[samples, 10]`` does not. A chunk's
activations stay within ``CHUNK_FLOATS``, about a core's L2 cache: chunks of two to four points of the
64-wide digits network were the fastest (measured; from nine on, every pass slows as a chunk spills
out of the cache), and small chunks bound the memory a surface takes.

Batch norm is evaluated as in ``model.eval()``: an affine map per feature from its running statistics,
with its scale and shift moved along the directions like every other parameter. Results agree with the
loaded model within float32 rounding (the tests check 1e-5).
"""

import math

import torch
from torch import nn

from app.labs.common.residual import Residual
from app.labs.landscape.model import ACTIVATION_MODULES, unflatten

CHUNK_FLOATS = 3 << 17  # one activation of a chunk of points, 1.5 MB: 3 points of the 64-wide digits network
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
        self.weights = {  # each Linear's weight with its bias as a last column, flat: [1 + m, out · (in + 1)]
            f"{name}.": torch.cat([self.params[f"{name}.weight"], self.params[f"{name}.bias"][..., None]], dim=-1)
            .reshape(len(stacked), -1) for name, m in model.named_modules() if isinstance(m, nn.Linear)}
        self.buffers = dict(model.named_buffers())
        self.x = torch.cat([x.T.float(), torch.ones(1, len(x))])  # [features + 1, samples]: a bias row
        self.y = y if classify else y.T  # class indices [N], or targets [outputs, N]
        self.first: dict[str, torch.Tensor] = {}  # per Linear fed the data itself: [1 + m, out · N]
        self.widest = max(m.out_features for m in model.modules() if isinstance(m, nn.Linear))
        self.chunk = max(1, CHUNK_FLOATS // (len(x) * (self.widest + 1)))
        self.outputs: list[torch.Tensor] = []  # where Linears write, while a call lasts
        self.kept: list[torch.Tensor] = []  # inputs of the residual blocks being evaluated

    def constants(self) -> list[torch.Tensor]:
        """What is never written once made (a run's copies share it): the data, the parameters, the products."""
        return [self.x, *self.params.values(), *self.weights.values(), *self.first.values()]

    def __call__(self, coords: torch.Tensor, accuracy: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """Loss and accuracy ``[K]`` at the ``[K, m]`` coordinates (accuracy NaN unless asked, or for regression)."""
        coefficients = torch.cat([torch.ones(len(coords), 1), coords.float()], dim=1)  # (1, α, β) per point
        losses, accs = [], []
        try:
            with torch.no_grad():
                for start in range(0, len(coords), self.chunk):
                    out = self._forward(self.model, "", self.x, coefficients[start:start + self.chunk])
                    loss, acc = self._loss(out[:, :-1], accuracy)
                    losses.append(loss)
                    accs.append(acc)
        finally:
            self.outputs.clear()
            self.kept.clear()
        return torch.cat(losses), torch.cat(accs)

    def _forward(self, module: nn.Module, prefix: str, h: torch.Tensor, cf: torch.Tensor) -> torch.Tensor:
        """``h`` is ``[features + 1, N]`` while it is the data (the same at every point), else
        ``[K, features + 1, N]``; its last row is ones. Layers other than Linear write in place on
        the new tensor a Linear or batch norm made."""
        if isinstance(module, nn.Sequential):
            for name, child in module.named_children():
                h = self._forward(child, f"{prefix}{name}.", h, cf)
            return h
        if isinstance(module, Residual):
            self.kept.append(h)
            out = self._forward(module.block, f"{prefix}block.", h, cf)
            self.kept.pop()
            out[:, :-1] += h[..., :-1, :]
            return out
        if isinstance(module, nn.Linear):
            return self._linear(prefix, h, cf)
        if isinstance(module, nn.BatchNorm1d):
            return self._batch_norm(module, prefix, h, cf)
        rows = h[:, :-1]
        if type(module) is nn.ReLU:
            rows.relu_()
        elif isinstance(module, ELEMENTWISE):
            rows.copy_(module(rows))
        else:
            raise TypeError(f"no batched form for {type(module).__name__}")
        return h

    def _linear(self, prefix: str, h: torch.Tensor, cf: torch.Tensor) -> torch.Tensor:
        wb = self.weights[prefix]
        outputs, inputs = len(wb[0]) // h.shape[-2], h.shape[-2]
        out = self._output(len(cf), outputs, h)
        if h.dim() == 2:  # fed the data: combine the precomputed products (W + αA + βB)·X = W·X + α·A·X + β·B·X
            if prefix not in self.first:
                self.first[prefix] = (wb.reshape(len(wb), outputs, inputs) @ h).reshape(len(wb), -1)
            torch.mm(cf, self.first[prefix], out=out[:, :-1].view(len(cf), -1))
        else:
            torch.bmm((cf @ wb).view(len(cf), outputs, inputs), h, out=out[:, :-1])
        return out

    def _output(self, points: int, features: int, h: torch.Tensor) -> torch.Tensor:
        """A ``[points, features + 1, N]`` with its row of ones for a Linear to write into, in one of a few
        tensors made at the call's first chunk and reused (the same memory stays in the cache): never
        ``h`` itself or an input a residual connection still needs."""
        size = points * (features + 1) * h.shape[-1]
        for buffer in self.outputs:
            if all(buffer.data_ptr() != t.data_ptr() for t in (h, *self.kept)):
                break
        else:
            buffer = torch.empty(self.chunk * (self.widest + 1) * h.shape[-1])
            self.outputs.append(buffer)
        out = buffer[:size].view(points, features + 1, h.shape[-1])
        out[:, -1].fill_(1.0)
        return out

    def _at(self, name: str, cf: torch.Tensor) -> torch.Tensor:
        """Parameter ``name`` at every point of the chunk: ``[K, *shape]``."""
        p = self.params[name]
        return (cf @ p.reshape(len(p), -1)).reshape(len(cf), *p.shape[1:])

    def _batch_norm(self, bn: nn.BatchNorm1d, prefix: str, h: torch.Tensor, cf: torch.Tensor) -> torch.Tensor:
        """Evaluation mode: ``(h − mean) / √(var + eps) · γ + β`` as one scale and shift per feature and point."""
        mean, var = self.buffers[prefix + "running_mean"], self.buffers[prefix + "running_var"]
        scale = self._at(prefix + "weight", cf) * torch.rsqrt(var + bn.eps)
        shift = self._at(prefix + "bias", cf) - mean * scale
        rows = h[:, :-1]  # the Linear's new output before it: written over
        torch.addcmul(shift[:, :, None], rows, scale[:, :, None], out=rows)
        return h

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



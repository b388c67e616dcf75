"""The residual block the Training and Loss landscape labs wrap hidden layers in."""

import torch
from torch import nn


class Residual(nn.Module):
    """``x + block(x)``: the identity path lets gradients skip the block (and, as Li et al. found, keeps deep
    landscapes smooth)."""

    def __init__(self, block: nn.Module) -> None:
        super().__init__()
        self.block = block

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = x + self.block(x)
        return out

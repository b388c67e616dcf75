"""The notes' script behind the Gradient-descent lab, fixed to use each batch and seeded."""

from app.labs.descent.config import NOTES_DATA_SEED, DescentConfig


def pytorch_code(config: DescentConfig) -> str:
    """The notes' script for the first chosen variant, fixed to use each batch and seeded."""
    size = config.size_of(config.variants[0])
    return f"""import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

np.random.seed({NOTES_DATA_SEED})
x = 2 * np.random.rand({config.samples}, 1)
y = 3 + 2 * x + np.random.randn({config.samples}, 1) * 0.5
x = torch.from_numpy(x).float()
y = torch.from_numpy(y).float()

# {config.variants[0]} gradient descent: batch size {size}
dataloader = DataLoader(TensorDataset(x, y), batch_size={size}, shuffle=True,
                        generator=torch.Generator().manual_seed({config.seed}))
g = torch.Generator().manual_seed({config.seed})
w = torch.randn(1, generator=g).requires_grad_()
b = torch.randn(1, generator=g).requires_grad_()
optimizer = torch.optim.SGD([w, b], lr={config.lr!r})

updates = 0
for epoch in range(1, {config.epochs + 1}):
    for batch_idx, (data, label) in enumerate(dataloader):
        h = data * w + b  # predict on this batch, not on the whole x
        loss = torch.mean((h - label) ** 2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        updates += 1
    print("epoch (%d) loss=%.3f" % (epoch, loss.item()))
print("updates=%d w=%.3f b=%.3f" % (updates, w.item(), b.item()))
"""

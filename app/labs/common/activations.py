"""The activation functions the labs offer, by the names the pages use, as ``torch.nn`` modules."""

from torch import nn

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "none": nn.Identity,
}


def pick(*names: str) -> dict[str, type[nn.Module]]:
    """A lab's own choice of activations, in its order."""
    return {name: ACTIVATIONS[name] for name in names}

"""The runnable PyTorch script behind the picture: train, choose the plane, evaluate it with torch.func."""

from app.labs.landscape.config import DATASET_SOURCES, LandscapeConfig

OPTIMIZER_LINES = {
    "sgd": "torch.optim.SGD(model.parameters(), lr={lr}, weight_decay={wd})",
    "momentum": "torch.optim.SGD(model.parameters(), lr={lr}, momentum=0.9, weight_decay={wd})",
    "adam": "torch.optim.Adam(model.parameters(), lr={lr}, weight_decay={wd})",
}
ACTIVATION_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU",
                    "elu": "ELU", "gelu": "GELU"}


def _data(cfg: LandscapeConfig) -> str:
    if cfg.dataset == "digits":
        return ("from sklearn.datasets import load_digits\n"
                "x, y = load_digits(return_X_y=True)\nx = x / 16.0")
    if cfg.dataset == "moons":
        return (f"from sklearn.datasets import make_moons\n"
                f"x, y = make_moons(n_samples={cfg.samples}, noise={cfg.noise}, random_state=0)\n"
                f"x = x - [0.5, 0.25]  # centred on the origin")
    source = DATASET_SOURCES[cfg.dataset]
    return (f"# GradLab's {source!r} set (TensorFlow Playground's generator); any (x, y) arrays will do\n"
            f"from app.labs.common.datasets import make_dataset\n"
            f"d = make_dataset({source!r}, {cfg.samples}, {cfg.noise}, 0.5, 0)\n"
            f"x, y = d.x_train.numpy(), d.y_train.numpy()")


def _model(cfg: LandscapeConfig) -> str:
    act = ACTIVATION_NAMES[cfg.activation]
    lines = ["layers, width = [], x.shape[1]", f"for size in {list(cfg.hidden)}:",
             "    block = [nn.Linear(width, size)" + (", nn.BatchNorm1d(size)" if cfg.batch_norm else "")
             + f", nn.{act}()]"]
    if cfg.residual:
        lines += ["    layers += [Residual(nn.Sequential(*block))] if size == width else block"]
    else:
        lines += ["    layers += block"]
    lines += ["    width = size", "model = nn.Sequential(*layers, nn.Linear(width, outputs))"]
    return "\n".join(lines)


def _directions(cfg: LandscapeConfig) -> str:
    if cfg.directions == "pca":
        return '''# the first two principal axes of θ_i − θ_final over the checkpoints (centred, as sklearn's PCA)
diffs = torch.stack(checkpoints) - center
_, s, vh = torch.linalg.svd(diffs - diffs.mean(0), full_matrices=False)
d1, d2 = vh[0], vh[1]
print("explained variance", (s[:2] ** 2 / (s ** 2).sum()).tolist())
path = (diffs @ torch.stack([d1, d2]).T)  # the path on the plane; it ends at (0, 0)
extent = path.abs().max(0).values * 1.2 * SPAN
alphas = torch.linspace(-extent[0], extent[0], GRID)
betas = torch.linspace(-extent[1], extent[1], GRID)'''
    how = {
        "filter": "            d = d * (p.norm(dim=1, keepdim=True) / d.norm(dim=1, keepdim=True))  # per neuron",
        "layer": "            d = d * (p.norm() / d.norm())  # the whole layer",
        "none": "            pass  # no normalisation",
    }[cfg.normalization]
    return f'''g = torch.Generator().manual_seed({cfg.seed + 1})


def random_direction():
    parts = []
    for p in model.parameters():
        d = torch.randn(p.shape, generator=g)
        if p.dim() <= 1:
            d.zero_()  # biases and batch-norm parameters are not moved
        else:
{how}
        parts.append(d.detach().reshape(-1))
    return torch.cat(parts)


d1, d2 = random_direction(), random_direction()
alphas = betas = torch.linspace(-SPAN, SPAN, GRID)'''


def pytorch_code(cfg: LandscapeConfig) -> str:
    """A script that trains the network and evaluates its loss over the plane, batched with torch.func."""
    residual = '''

class Residual(nn.Module):
    def __init__(self, block):
        super().__init__()
        self.block = block

    def forward(self, x):
        return x + self.block(x)
''' if cfg.residual else ""
    loss = "F.cross_entropy" if cfg.dataset != "curve" else "F.mse_loss"
    return f'''import torch
import torch.nn.functional as F
from sklearn.model_selection import train_test_split
from torch import nn
from torch.func import functional_call, vmap

GRID, SPAN = {cfg.grid}, {cfg.span}
{residual}
{_data(cfg)}
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
x_train = torch.tensor(x_train, dtype=torch.float32)
y_train = torch.tensor(y_train)
outputs = int(y_train.max()) + 1

torch.manual_seed({cfg.seed})
{_model(cfg)}
opt = {OPTIMIZER_LINES[cfg.optimizer].format(lr=cfg.lr, wd=cfg.weight_decay)}
flat = lambda: torch.cat([p.detach().reshape(-1) for p in model.parameters()])
checkpoints = [flat()]
order = torch.Generator().manual_seed({cfg.seed})
for epoch in range({cfg.epochs}):
    model.train()
    perm = torch.randperm(len(x_train), generator=order)
    for batch in perm.split({cfg.batch_size}):
        opt.zero_grad()
        {loss}(model(x_train[batch]), y_train[batch]).backward()
        opt.step()
    checkpoints.append(flat())
model.eval()
center = flat()
{_directions(cfg)}

# every point of the plane as one batch of parameter vectors, evaluated by one vmapped functional_call
bb, aa = torch.meshgrid(betas, alphas, indexing="ij")
vectors = center + aa.reshape(-1, 1) * d1 + bb.reshape(-1, 1) * d2
shapes = [(name, p.shape, p.numel()) for name, p in model.named_parameters()]
buffers = dict(model.named_buffers())


def loss_at(vector):
    params, start = {{}}, 0
    for name, shape, n in shapes:
        params[name] = vector[start:start + n].reshape(shape)
        start += n
    return {loss}(functional_call(model, (params, buffers), (x_train,)), y_train)


with torch.no_grad():
    loss = vmap(loss_at)(vectors).reshape(len(betas), len(alphas))  # loss[i][j] at alphas[j], betas[i]
print(loss)
'''

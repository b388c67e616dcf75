"""The "PyTorch code" panel: a runnable script for the current training configuration.

Run as it stands, the script repeats the lab's numbers exactly (same data code, same seeded
generators, same draw order), except that ``nn.Dropout`` draws from PyTorch's global generator
where the lab gives each run its own. ``csv`` and ``fashion`` read the user's files by path.
"""

import inspect

from app.labs.common.datasets import GENERATORS
from app.labs.common.optimizers import MOMENTUM, OPTIMIZERS
from app.labs.training.config import TrainingConfig
from app.labs.training.features import RAW, feature_code
from app.labs.training.model import ACTIVATIONS, CONSTANT

_ACT = {name: cls.__name__ for name, cls in ACTIVATIONS.items()}
_OPTIM = {name: cls.__name__ for name, (cls, _) in OPTIMIZERS.items()}
_INIT = {
    "zeros": "nn.init.zeros_(layer.weight)",
    "ones": "nn.init.ones_(layer.weight)",
    "constant": f"nn.init.constant_(layer.weight, {CONSTANT})",
    "uniform": "nn.init.uniform_(layer.weight, generator=g)",
    "normal": "nn.init.normal_(layer.weight, generator=g)",
    "xavier_uniform": "nn.init.xavier_uniform_(layer.weight, generator=g)",
    "xavier_normal": "nn.init.xavier_normal_(layer.weight, generator=g)",
    "orthogonal": "nn.init.orthogonal_(layer.weight, generator=g)",
}
_SPLIT = """x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size={test}, random_state={seed}, stratify={stratify})
"""


def _data(cfg: TrainingConfig, regression: bool) -> str:
    stratify = "None" if regression else "y if np.bincount(y).min() >= 2 else None"
    split = _SPLIT.format(test=cfg.test_fraction, seed=cfg.data_seed, stratify=stratify)
    if cfg.dataset in GENERATORS:
        source = inspect.getsource(GENERATORS[cfg.dataset])
        call = f"x, y = {cfg.dataset}({cfg.samples}, {cfg.noise!r}, np.random.RandomState({cfg.data_seed}))\n"
        return source + "\n\n" + call + split
    if cfg.dataset == "digits":
        return "x, y = load_digits(return_X_y=True)  # 8x8 images, bundled with scikit-learn\nx = x / 16.0\n" + split
    if cfg.dataset == "fashion":
        return (
            "def read_idx(path):  # the standard Fashion-MNIST files, gzipped or not\n"
            "    raw = open(path, 'rb').read()\n"
            "    raw = gzip.decompress(raw) if raw[:2] == b'\\x1f\\x8b' else raw\n"
            "    ndim = raw[3]\n"
            "    shape = np.frombuffer(raw, '>u4', count=ndim, offset=4)\n"
            "    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)\n\n\n"
            "folder = 'fashion-mnist/'  # where your IDX files are\n"
            "x_train = read_idx(folder + 'train-images-idx3-ubyte.gz').reshape(-1, 784) / 255.0\n"
            "y_train = read_idx(folder + 'train-labels-idx1-ubyte.gz').astype(np.int64)\n"
            "x_test = read_idx(folder + 't10k-images-idx3-ubyte.gz').reshape(-1, 784) / 255.0\n"
            "y_test = read_idx(folder + 't10k-labels-idx1-ubyte.gz').astype(np.int64)\n"
            f"x_train, y_train, x_test, y_test = x_train[:{cfg.samples}], y_train[:{cfg.samples}], "
            f"x_test[:{cfg.samples}], y_test[:{cfg.samples}]\n"
        )
    return _csv(split, regression)


def _csv(split: str, regression: bool) -> str:
    """Reads the file as the lab does: optional header, classes in numeric-then-text order,
    standardised with the training part's mean and std."""
    text = (
        "def number(text):\n    try:\n        return float(text)\n    except ValueError:\n        return None\n\n\n"
        "rows = [[c.strip() for c in r] for r in csv.reader(open('points.csv', encoding='utf-8-sig')) if any(r)]\n"
    )
    if regression:
        text += (
            "if any(number(c) is None for c in rows[0]):\n    rows = rows[1:]  # a header row\n"
            "x = np.array([[float(r[0])] for r in rows])\ny = np.array([[float(r[1])] for r in rows])\n"
        )
    else:
        text += (
            "if any(number(c) is None for c in rows[0][:2]):\n    rows = rows[1:]  # a header row\n"
            "x = np.array([[float(r[0]), float(r[1])] for r in rows])\n"
            "labels = [r[2] for r in rows]\n"
            "classes = sorted(set(labels), key=lambda c: (0, number(c), '') if number(c) is not None else (1, 0, c))\n"
            "y = np.array([classes.index(c) for c in labels])\n"
        )
    text += split + (
        "mean, std = x_train.mean(axis=0), x_train.std(axis=0)\nstd[std == 0] = 1\n"
        "x_train, x_test = (x_train - mean) / std, (x_test - mean) / std\n"
    )
    if regression:
        text += "y_mean, y_std = y_train.mean(), y_train.std() or 1.0\n"
        text += "y_train, y_test = (y_train - y_mean) / y_std, (y_test - y_mean) / y_std\n"
    return text


def _model(cfg: TrainingConfig, inputs: str, outputs: str) -> str:
    lines, width = [], inputs
    for size in cfg.hidden:
        block = [f"nn.Linear({width}, {size})"]
        if cfg.batch_norm:
            block.append(f"nn.BatchNorm1d({size})")
        block.append(f"nn.{_ACT[cfg.activation]}()")
        if cfg.dropout > 0:
            block.append(f"nn.Dropout({cfg.dropout})")
        text = f"nn.Sequential({', '.join(block)})"
        lines.append(f"Residual({text})" if cfg.residual and str(size) == str(width) else text)
        width = str(size)
    lines.append(f"nn.Linear({width}, {outputs})")
    return "model = nn.Sequential(\n" + "".join(f"    {line},\n" for line in lines) + ")\n"


def _init(cfg: TrainingConfig) -> str:
    head = (
        f"g = torch.Generator().manual_seed({cfg.seed})\n"
        "for layer in model.modules():\n    if isinstance(layer, nn.Linear):\n"
    )
    if cfg.init == "default":
        return head + (
            "        # what nn.Linear does by itself, redrawn from the seeded generator\n"
            "        nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=g)\n"
            "        bound = 1 / math.sqrt(layer.weight.shape[1])\n"
            "        nn.init.uniform_(layer.bias, -bound, bound, generator=g)\n"
        )
    if cfg.init.startswith("kaiming"):
        args = "nonlinearity='leaky_relu', a=0.01" if cfg.activation == "leaky_relu" else "nonlinearity='relu'"
        call = f"nn.init.{cfg.init}_(layer.weight, {args}, generator=g)"
    else:
        call = _INIT[cfg.init]
    return head + f"        {call}\n        nn.init.zeros_(layer.bias)\n"


def _optimizer(cfg: TrainingConfig) -> str:
    extra = ""
    if cfg.optimizer != "sgd" and cfg.optimizer in ("momentum", "nesterov"):
        extra = f", momentum={MOMENTUM}" + (", nesterov=True" if cfg.optimizer == "nesterov" else "")
    cls = f"torch.optim.{_OPTIM[cfg.optimizer]}"
    if cfg.weight_decay == 0 and cfg.optimizer != "adamw":
        return f"optimizer = {cls}(model.parameters(), lr={cfg.lr!r}{extra})\n"
    return (
        "# L2 weight decay on the weights only, not on biases or batch-norm parameters\n"
        "weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]\n"
        "others = [p for p in model.parameters() if all(p is not w for w in weights)]\n"
        f"groups = [{{'params': weights, 'weight_decay': {cfg.weight_decay!r}}},\n"
        "          {'params': others, 'weight_decay': 0.0}]\n"
        f"optimizer = {cls}(groups, lr={cfg.lr!r}{extra})\n"
    )


_RESIDUAL = """class Residual(nn.Module):
    def __init__(self, block):
        super().__init__()
        self.block = block

    def forward(self, x):
        return x + self.block(x)  # the identity path lets gradients skip the block


"""
_SHAPES = {"curve": ("1", "1"), "digits": ("64", "10"), "fashion": ("784", "10")}


def pytorch_code(config: TrainingConfig, task: str = "classification") -> str:
    """The script; a comparison run is named in a comment (it differs only in those settings).

    ``task`` says what an uploaded CSV holds; the built-in sets know their own.
    """
    cfg = config
    regression = cfg.dataset == "curve" or (cfg.dataset == "csv" and task == "regression")
    inputs, outputs = _SHAPES.get(cfg.dataset, ("2", "2"))
    if cfg.dataset == "csv":
        inputs, outputs = ("1", "1") if regression else ("2", "len(classes)")
    if cfg.features != RAW:
        inputs = str(len(cfg.features))
    imports = ["import math", "", "import numpy as np", "import torch", "from torch import nn",
               "from torch.utils.data import DataLoader, TensorDataset"]  # fmt: skip
    if cfg.dataset == "fashion":
        imports.insert(0, "import gzip")
    else:
        imports.append("from sklearn.model_selection import train_test_split")
    if cfg.dataset == "csv":
        imports.insert(0, "import csv")
    if cfg.dataset == "moons":
        imports.append("from sklearn.datasets import make_moons")
    if cfg.dataset == "digits":
        imports.append("from sklearn.datasets import load_digits")
    target = (
        "torch.tensor(a, dtype=torch.float32).reshape(-1, 1)" if regression else "torch.tensor(a, dtype=torch.int64)"
    )
    drop_last = cfg.batch_norm or bool(cfg.compare and cfg.compare.get("batch_norm"))
    step = ["optimizer.zero_grad()", "loss = loss_fn(model(xb), yb)"]
    if cfg.l1 > 0:
        step.append(
            f"penalty = {cfg.l1!r} * sum(m.weight.abs().sum() for m in model.modules() if isinstance(m, nn.Linear))"
        )
        step.append("(loss + penalty).backward()  # L1 on the weights")
    else:
        step.append("loss.backward()")
    if cfg.clip_norm > 0:
        step.append(f"torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm={cfg.clip_norm!r})")
    step.append("optimizer.step()")
    accuracy = "" if regression else ", test acc %.3f"
    acc_value = "" if regression else ", (test_out.argmax(1) == y_test).float().mean().item()"
    parts = [
        "\n".join(imports) + "\n\n",
        _data(cfg, regression),
        feature_code(cfg.features),
        "x_train, x_test = (torch.tensor(a, dtype=torch.float32) for a in (x_train, x_test))\n",
        f"y_train, y_test = ({target} for a in (y_train, y_test))\n\n",
        _RESIDUAL if cfg.residual else "",
        _model(cfg, inputs, outputs),
        _init(cfg),
        _optimizer(cfg),
        f"loss_fn = nn.{'MSELoss' if regression else 'CrossEntropyLoss'}()\n",
        f"loader = DataLoader(TensorDataset(x_train, y_train), batch_size={cfg.batch_size}, shuffle=True,\n"
        f"                    generator=torch.Generator().manual_seed({cfg.seed}),\n"
        f"                    drop_last={drop_last} and len(x_train) % {cfg.batch_size} == 1)\n\n",
        f"for epoch in range(1, {cfg.epochs + 1}):\n    model.train()\n    for xb, yb in loader:\n",
        "".join(f"        {line}\n" for line in step),
        "    model.eval()\n    with torch.no_grad():\n",
        "        train_loss = loss_fn(model(x_train), y_train).item()\n",
        "        test_out = model(x_test)\n        test_loss = loss_fn(test_out, y_test).item()\n",
        f'    print("epoch %d: train loss %.4f, test loss %.4f{accuracy}"\n'
        f"          % (epoch, train_loss, test_loss{acc_value}))\n",
    ]
    if cfg.compare:
        changes = ", ".join(f"{k}={v!r}" for k, v in cfg.compare.items())
        parts.insert(1, f"# GradLab trains a second model beside this one, the same but with {changes}\n\n")
    return "".join(parts)

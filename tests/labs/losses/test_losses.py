"""evaluate() against torch.nn on random inputs, and its errors naming the field."""

import ast
import pathlib

import pytest
import torch
from torch import nn

from app.labs.errors import FieldError
from app.labs.losses import LOSSES, evaluate

LABS = pathlib.Path(__file__).parents[3] / "app" / "labs"
LAB_FILES = sorted(
    str(path.relative_to(LABS)) for package in ("losses", "backprop") for path in (LABS / package).glob("*.py")
)
ALLOWED_ROOTS = {
    "torch",
    "numpy",
    "app",
    "math",
    "logging",
    "collections",
    "dataclasses",
    "typing",
    "functools",
    "itertools",
}


@pytest.mark.parametrize("name", LAB_FILES)
def test_lab_modules_import_only_torch_numpy_and_stdlib(name: str) -> None:
    tree = ast.parse((LABS / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            assert module.split(".")[0] in ALLOWED_ROOTS, f"{name} imports {module}"
            if module.startswith("app."):
                assert module.startswith("app.labs."), f"{name} imports {module}"


def _torch_value_and_grad(
    module: nn.Module, x: torch.Tensor, t: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    x = x.clone().requires_grad_(True)
    out = module(x, t)
    out.backward(torch.ones_like(out))
    assert x.grad is not None
    return out.detach(), x.grad


def _case(loss: str, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, dict, nn.Module]:
    n, c = 5, 3
    if LOSSES[loss].kind == "regression":
        x, t = torch.randn(n, c, generator=gen), torch.randn(n, c, generator=gen)
        opts = {"smooth_l1": {"beta": 0.7}, "huber": {"delta": 1.3}}.get(loss, {})
        module = {
            "l1": nn.L1Loss(),
            "mse": nn.MSELoss(),
            "smooth_l1": nn.SmoothL1Loss(beta=0.7),
            "huber": nn.HuberLoss(delta=1.3),
        }[loss]
        return x, t, opts, module
    if LOSSES[loss].kind == "classes":
        x = torch.randn(n, c, generator=gen)
        t = torch.randint(0, c, (n,), generator=gen)
        weight = [0.5, 1.0, 2.0]
        if loss == "nll":
            x = torch.log_softmax(x, dim=1)
            return x, t, {"weight": weight}, nn.NLLLoss(weight=torch.tensor(weight))
        opts = {"weight": weight, "label_smoothing": 0.1}
        return x, t, opts, nn.CrossEntropyLoss(weight=torch.tensor(weight), label_smoothing=0.1)
    t = torch.randint(0, 2, (n, c), generator=gen).float()
    if loss == "bce":
        return torch.rand(n, c, generator=gen) * 0.98 + 0.01, t, {}, nn.BCELoss()
    opts = {"pos_weight": [1.0, 2.0, 3.0]}
    return (
        torch.randn(n, c, generator=gen),
        t,
        opts,
        nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 3.0])),
    )


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss", list(LOSSES))
def test_value_grad_and_per_sample_equal_torch(loss: str, reduction: str) -> None:
    gen = torch.Generator().manual_seed(7)
    x, t, opts, module = _case(loss, gen)
    module.reduction = reduction
    result = evaluate(loss, x.tolist(), t.tolist(), {**opts, "reduction": reduction})
    value, grad = _torch_value_and_grad(module, x, t)
    assert result["value"] == pytest.approx(value.item(), rel=1e-6, abs=1e-7)
    assert torch.allclose(torch.tensor(result["grad"]), grad, rtol=1e-6, atol=1e-7)
    module.reduction = "none"
    each = module(x, t)
    each = each.mean(dim=1) if each.dim() == 2 else each
    assert torch.allclose(torch.tensor(result["per_sample"]), each, rtol=1e-6, atol=1e-7)


def test_reduction_none_returns_the_tensor_and_the_gradient_of_its_sum() -> None:
    result = evaluate("mse", [[1, 2], [3, 4]], [[1.5, 2.5], [3.5, 5]], {"reduction": "none"})
    assert result["value"] == [[0.25, 0.25], [0.25, 1.0]]
    assert result["per_sample"] == [0.25, 0.625]
    assert result["grad"] == [[-1.0, -1.0], [-1.0, -2.0]]


def test_cross_entropy_accepts_class_probabilities() -> None:
    x = [[1.5, 2.0, 0.5], [0.5, 1.0, 1.5]]
    probs = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    assert evaluate("cross_entropy", x, probs)["value"] == pytest.approx(0.6422001, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("bce", [0.5, 1.2], [1, 0]), "input"),
        (("bce", [0.5, 0.2], [1, 2]), "target"),
        (("cross_entropy", [[1.0, 2.0]], [2]), "target"),
        (("cross_entropy", [[1.0, 2.0]], [-1]), "target"),
        (("cross_entropy", [[1.0, 2.0]], [1.0]), "target"),
        (("cross_entropy", [[1.0, 2.0]], [1, 0]), "target"),
        (("nll", [1.0, 2.0], [1]), "input"),
        (("mse", [1.0, 2.0], [1.0]), "target"),
        (("mse", [[1.0, 2.0], [1.0]], [1.0]), "input"),
        (("mse", [1.0, float("nan")], [1.0, 2.0]), "input[1]"),
        (("mse", [1.0, True], [1.0, 2.0]), "input[1]"),
        (("mse", 3.0, 2.0), "input"),
        (("mse", [1e30], [0.0]), "input"),
        (("l1", [1.0], [1.0], {"beta": 1.0}), "options.beta"),
        (("smooth_l1", [1.0], [1.0], {"beta": -1.0}), "options.beta"),
        (("huber", [1.0], [1.0], {"delta": 0.0}), "options.delta"),
        (("mse", [1.0], [1.0], {"reduction": "avg"}), "options.reduction"),
        (("cross_entropy", [[1.0, 2.0]], [1], {"weight": [1.0]}), "options.weight"),
        (("cross_entropy", [[1.0, 2.0]], [1], {"label_smoothing": 1.5}), "options.label_smoothing"),
        (
            ("bce_with_logits", [[1.0, 2.0]], [[1, 0]], {"pos_weight": [1, 2, 3]}),
            "options.pos_weight",
        ),
        (("bce", [[0.1, 0.2]], [[1, 0]], {"weight": [-1.0, 1.0]}), "options.weight"),
        (("hinge", [1.0], [1.0]), "loss"),
    ],
)
def test_bad_input_names_the_field(args: tuple, field: str) -> None:
    with pytest.raises(FieldError) as info:
        evaluate(*args)
    assert info.value.field == field

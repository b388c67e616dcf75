"""A formula tree turned into torch operations (for autograd) or into torch source (for the code panel)."""

from collections.abc import Callable

import torch
from torch import Tensor

from app.labs.optimizers.tree import Binary, Call, Node, Num, Unary, Var, uses_variables

SurfaceFn = Callable[[Tensor, Tensor], Tensor]

_BINARY: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "+": torch.add, "-": torch.sub, "*": torch.mul, "/": torch.div, "^": torch.pow,
}  # fmt: skip
_CALLS: dict[str, Callable[..., Tensor]] = {
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp, "log": torch.log,
    "sqrt": torch.sqrt, "abs": torch.abs, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "min": torch.minimum, "max": torch.maximum,
}  # fmt: skip
_SOURCE_NAMES = {"min": "minimum", "max": "maximum"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_ZERO = torch.zeros((), dtype=torch.float64)


def compile_node(node: Node) -> SurfaceFn:
    """A function of batched x, y; constant subtrees are computed once, as float64 0-d tensors
    (0-d tensors never change the dtype of x, and float maths could raise on 1/0)."""
    if not uses_variables(node):
        value = _build(node)(_ZERO, _ZERO)
        return lambda x, y: value
    return _build(node)


def _build(node: Node) -> SurfaceFn:
    match node:
        case Num(value=value):
            constant = torch.tensor(value, dtype=torch.float64)
            return lambda x, y: constant
        case Var(name="x"):
            return lambda x, y: x
        case Var(name="y"):
            return lambda x, y: y
        case Unary(operand=operand):
            inner = compile_node(operand)
            return lambda x, y: torch.neg(inner(x, y))
        case Binary(op="^", left=left, right=right) if not uses_variables(right):
            # a number as exponent, as Python's ``x ** 2`` passes it: same torch kernel, same bits
            # as the printed script and the built-in surfaces
            base, exponent = compile_node(left), constant_value(right)
            return lambda x, y: torch.pow(base(x, y), exponent)
        case Binary(op=op, left=left, right=right):
            fn, lhs, rhs = _BINARY[op], compile_node(left), compile_node(right)
            return lambda x, y: fn(lhs(x, y), rhs(x, y))
        case Call(func=func, args=(arg,)):
            fn1, inner = _CALLS[func], compile_node(arg)
            return lambda x, y: fn1(inner(x, y))
        case Call(func=func, args=(first, second)):
            fn2, a, b = _CALLS[func], compile_node(first), compile_node(second)
            return lambda x, y: fn2(a(x, y), b(x, y))
    raise TypeError(f"not a formula node: {node!r}")


def constant_value(node: Node) -> float:
    """The value of a subtree without x or y, computed as the surface will compute it."""
    return float(compile_node(node)(_ZERO, _ZERO))


def to_source(node: Node) -> str:
    """Python source using torch for the tree, parenthesised only where precedence needs it.

    The right operand of a binary operator is always parenthesised at equal precedence, so the
    script adds and multiplies in the same order as the lab and reproduces its numbers exactly.
    """
    return _source(node)[0]


def _source(node: Node) -> tuple[str, int]:
    match node:
        case Num(text=text):
            return {"pi": "math.pi", "e": "math.e"}.get(text, text), 5
        case Var(name=name):
            return name, 5
        case Unary(operand=operand):
            inner, prec = _source(operand)
            return f"-{_wrap(inner, prec < 3)}", 3
        case Binary(op="^", left=left, right=right):
            (base, base_prec), (power, power_prec) = _source(left), _source(right)
            return f"{_wrap(base, base_prec < 5)} ** {_wrap(power, power_prec < 3)}", 4
        case Binary(op=op, left=left, right=right):
            prec = _PRECEDENCE[op]
            (lhs, lhs_prec), (rhs, rhs_prec) = _source(left), _source(right)
            return f"{_wrap(lhs, lhs_prec < prec)} {op} {_wrap(rhs, rhs_prec <= prec)}", prec
        case Call(func=func, args=args):
            # torch functions want tensors, so a constant argument becomes one
            parts = [
                _source(a)[0] if uses_variables(a) else f"torch.tensor({_source(a)[0]}, dtype=torch.float64)"
                for a in args
            ]
            return f"torch.{_SOURCE_NAMES.get(func, func)}({', '.join(parts)})", 5
    raise TypeError(f"not a formula node: {node!r}")


def _wrap(text: str, needed: bool) -> str:
    return f"({text})" if needed else text

"""The custom-surface parser: the whole grammar against closed forms, and everything else refused."""

import math

import pytest
import torch

from app.labs.optimizers.evaluate import compile_node, to_source
from app.labs.optimizers.formula import MAX_DEPTH, MAX_LENGTH, FormulaError, parse
from app.labs.optimizers.surfaces import custom_surface

XS = [0.3, 1.2, -0.7, 2.5]
YS = [0.7, -0.4, 1.9, 0.25]


def sig(v: float) -> float:
    return 1 / (1 + math.exp(-v))


GRAMMAR = [  # formula, closed form
    ("x + y", lambda x, y: x + y),
    ("x - y - 1", lambda x, y: (x - y) - 1),  # left-associative
    ("x * y / 2 / y", lambda x, y: x * y / 2 / y),
    ("abs(x) ^ 2 ^ 0.5", lambda x, y: abs(x) ** (2**0.5)),  # right-associative
    ("-x^2", lambda x, y: -(x**2)),  # unary minus binds looser than ^
    ("x^-2", lambda x, y: x**-2),
    ("- - +x", lambda x, y: x),
    ("2*(x + y)*3", lambda x, y: 6 * (x + y)),
    ("x ** 3", lambda x, y: x**3),  # Python's ** accepted as ^
    ("x \u2212 y", lambda x, y: x - y),  # the typographic minus of the formulas on screen
    (".5*x + 1e-3*y + 2.5E+1", lambda x, y: 0.5 * x + 1e-3 * y + 25),
    ("pi*x + e*y", lambda x, y: math.pi * x + math.e * y),
    ("sin(x) + cos(y) + tan(x/4)", lambda x, y: math.sin(x) + math.cos(y) + math.tan(x / 4)),
    ("exp(-x) + log(y^2) + sqrt(abs(x))", lambda x, y: math.exp(-x) + math.log(y * y) + math.sqrt(abs(x))),
    ("tanh(x) * sigmoid(y)", lambda x, y: math.tanh(x) * sig(y)),
    ("min(x, y) + max(x, 2*y)", lambda x, y: min(x, y) + max(x, 2 * y)),
    ("max(1, y) - min(x, 0)", lambda x, y: max(1, y) - min(x, 0)),
    ("((x))", lambda x, y: x),
    ("2^x + e^y + x^y^2", lambda x, y: 2**x + math.e**y + abs(x) ** (y**2) * (1 if x > 0 else math.nan)),
    ("sin(pi/6) * y", lambda x, y: 0.5 * y),
]


@pytest.mark.parametrize(("text", "closed"), GRAMMAR)
def test_the_grammar_computes_the_closed_form(text, closed):
    fn = compile_node(parse(text))
    x, y = torch.tensor(XS, dtype=torch.float64), torch.tensor(YS, dtype=torch.float64)
    got = fn(x, y).tolist()
    for i, (a, b) in enumerate(zip(XS, YS, strict=True)):
        assert got[i] == pytest.approx(closed(a, b), rel=1e-12, abs=1e-12, nan_ok=True), (text, a, b)


@pytest.mark.parametrize(("text", "closed"), GRAMMAR)
def test_the_printed_torch_source_computes_the_same(text, closed):
    # exec of our own printed tree, in a test: the product never runs typed text
    namespace: dict = {"torch": torch, "math": math}
    exec(f"def f(x, y):\n    return {to_source(parse(text))}", namespace)
    x, y = torch.tensor(XS, dtype=torch.float64), torch.tensor(YS, dtype=torch.float64)
    # to the last bit or two: torch.pow(t, 2 ** 0.5) with the exponent folded to a float and the tree's
    # pow of two tensors take different kernels (abs(x) ^ 2 ^ 0.5 differed by 4e-16 on one machine)
    torch.testing.assert_close(namespace["f"](x, y), compile_node(parse(text))(x, y), rtol=1e-15, atol=1e-15,
                               equal_nan=True)


def test_autograd_flows_through_the_tree():
    surface = custom_surface("x^2*y + sin(x*y)")
    x = torch.tensor([0.4, -1.1], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([2.0, 0.3], dtype=torch.float64, requires_grad=True)
    surface(x, y).sum().backward()
    for i in range(2):
        a, b = x[i].item(), y[i].item()
        assert x.grad[i].item() == pytest.approx(2 * a * b + b * math.cos(a * b), rel=1e-12)
        assert y.grad[i].item() == pytest.approx(a * a + a * math.cos(a * b), rel=1e-12)


def test_a_formula_of_only_x_keeps_the_batch_shape():
    out = custom_surface("x^2")(torch.zeros(5, dtype=torch.float64), torch.ones(5, dtype=torch.float64))
    assert out.shape == (5,)


HOSTILE = [  # text, what the message must quote
    ("__import__('os')", "'__import__' at position 1"),
    ('__import__("os").system("ls")', "'__import__' at position 1"),
    ("x.real", "'.' at position 2"),
    ("x.__class__", "'.' at position 2"),
    ("z + 1", "'z' at position 1"),
    ("x + X", "'X' at position 5"),
    ("exp + x", "expected '(' after the function 'exp'"),
    ("lambda: x", "'lambda' at position 1"),
    ("x; y", "';' at position 2"),
    ("x if y else 1", "'if' at position 3"),
    ("[x]", "'[' at position 1"),
    ("x == y", "'=' at position 3"),
    ("x @ y", "'@' at position 3"),
    ("2x", "'x' at position 2"),
    ("x y", "'y' at position 3"),
    ("x^1e9", "exponent '1e9' at position 3 is too large"),
    ("x^99", "exponent '99' at position 3"),
    ("2^2^2^2^2 * x", "exponent '2^2^2^2' at position 3"),
    ("9^9^9 + x", "exponent '9^9' at position 3"),
    ("x^(-100)", "exponent '(-100)' at position 3"),
    ("x + (1^(2^3^2))", "exponent '(2^3^2)' at position 8"),
    ("sin(x, y)", "sin takes 1 argument"),
    ("max(x)", "max takes 2 arguments"),
    ("x +", "at the end of the formula"),
    ("(x", "expected ')' at the end"),
    ("x)", "')' at position 2"),
    ("", "empty"),
    ("3 + 4", "must use x or y"),
    ("(" * (MAX_DEPTH + 2) + "x" + ")" * (MAX_DEPTH + 2), "nested deeper"),
    ("-" * (MAX_DEPTH + 2) + "x", "nested deeper"),
    ("x" + "+x" * 110, "more than"),
    ("x" * (MAX_LENGTH + 1), "longer than"),
]


@pytest.mark.parametrize(("text", "quoted"), HOSTILE)
def test_everything_outside_the_grammar_is_refused_pointing_at_it(text, quoted):
    with pytest.raises(FormulaError) as caught:
        parse(text, "surface.expression")
    assert caught.value.field == "surface.expression"
    assert quoted in caught.value.message, caught.value.message


def test_the_error_carries_the_position_for_the_page_to_underline():
    with pytest.raises(FormulaError) as caught:
        parse("x + foo(y)")
    assert (caught.value.position, caught.value.text) == (4, "foo")
    assert str(caught.value).startswith("expression: ")


def test_huge_exponents_never_run():
    # refused while parsing: nothing is computed, so nothing can hang
    with pytest.raises(FormulaError):
        parse("x^(9^9^9^9)")


def test_non_finite_values_are_values_not_errors():
    fn = compile_node(parse("log(x) + 1/y"))
    out = fn(torch.tensor([-1.0, 1.0], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64))
    assert math.isnan(out[0].item()) and math.isinf(out[1].item())

"""Custom surfaces typed by a student: a tokenizer and recursive-descent parser into a small tree.

The text is never handed to ``eval``: only the grammar below becomes a tree, and the tree is
evaluated with torch operations (so autograd gives the gradient) or printed back as torch source.

    expr   := term (('+' | '-') term)*
    term   := unary (('*' | '/') unary)*
    unary  := ('-' | '+') unary | power
    power  := atom ('^' unary)?            right-associative, so -x^2 is -(x^2)
    atom   := number | x | y | pi | e | func '(' expr (',' expr)* ')' | '(' expr ')'
"""

import math
import re
from dataclasses import dataclass

from app.labs.errors import FieldError
from app.labs.optimizers.evaluate import constant_value
from app.labs.optimizers.tree import Binary, Call, Node, Num, Unary, Var, uses_variables

MAX_LENGTH = 300  # characters: a formula a student types, not a program
MAX_NODES = 200
MAX_DEPTH = 30  # nesting of parentheses, calls and unary signs; keeps recursion far from Python's limit
MAX_EXPONENT = 64.0  # a constant exponent beyond this only overflows or flattens the picture

FUNCTIONS: dict[str, int] = {  # name -> number of arguments
    "sin": 1, "cos": 1, "tan": 1, "exp": 1, "log": 1, "sqrt": 1,
    "abs": 1, "tanh": 1, "sigmoid": 1, "min": 2, "max": 2,
}  # fmt: skip
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
VARIABLES = ("x", "y")

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SYMBOLS = {"+": "+", "-": "-", "\u2212": "-", "*": "*", "/": "/", "^": "^", "(": "(", ")": ")", ",": ","}


class FormulaError(FieldError):
    """A formula the parser refuses; ``position`` is the 0-based index of the offending text."""

    def __init__(self, field: str, message: str, position: int, text: str) -> None:
        super().__init__(field, message, "bad_formula", {"position": position, "text": text})
        self.position = position
        self.text = text


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", an operator symbol, "bad" (a character outside the grammar) or "end"
    text: str
    pos: int


def tokenize(text: str, field: str = "expression") -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if text.startswith("**", i):  # Python's spelling of ^ is what students often type
            tokens.append(Token("^", "**", i))
            i += 2
            continue
        if ch in _SYMBOLS:
            tokens.append(Token(_SYMBOLS[ch], ch, i))
            i += 1
            continue
        number = _NUMBER.match(text, i)
        if number:
            tokens.append(Token("num", number.group(), i))
            i = number.end()
            continue
        name = _NAME.match(text, i)
        if name:
            tokens.append(Token("name", name.group(), i))
            i = name.end()
            continue
        # reported only when the parser reaches it, so `__import__('os')` is refused for its name
        tokens.append(Token("bad", ch, i))
        break
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, field: str) -> None:
        self.text = text
        self.field = field
        self.tokens = tokenize(text, field)
        self.i = 0
        self.nodes = 0

    def error(self, message: str, token: Token) -> FormulaError:
        if token.kind == "end":
            return FormulaError(self.field, f"{message} at the end of the formula", token.pos, "")
        where = f"{token.text!r} at position {token.pos + 1}"
        return FormulaError(self.field, f"{message}: {where}", token.pos, token.text)

    @property
    def peek(self) -> Token:
        token = self.tokens[self.i]
        if token.kind == "bad":
            raise self.error("unexpected character", token)
        return token

    def take(self) -> Token:
        token = self.peek
        self.i += 1
        return token

    def expect(self, kind: str) -> Token:
        if self.peek.kind != kind:
            raise self.error(f"expected {kind!r}", self.peek)
        return self.take()

    def count(self, node: Node, depth: int) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise FormulaError(self.field, f"formula too long: more than {MAX_NODES} terms", node.pos, "")
        if depth > MAX_DEPTH:
            raise FormulaError(self.field, f"formula nested deeper than {MAX_DEPTH} levels", node.pos, "")
        return node

    def parse(self) -> Node:
        node = self.expr(0)
        if self.peek.kind != "end":
            hint = " (write multiplication with *)" if self.peek.kind in ("num", "name", "(") else ""
            raise self.error(f"unexpected text{hint}", self.peek)
        return node

    def expr(self, depth: int) -> Node:
        node = self.term(depth)
        while self.peek.kind in ("+", "-"):
            op = self.take()
            node = self.count(Binary(op.kind, node, self.term(depth), op.pos), depth)
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while self.peek.kind in ("*", "/"):
            op = self.take()
            node = self.count(Binary(op.kind, node, self.unary(depth), op.pos), depth)
        return node

    def unary(self, depth: int) -> Node:
        if self.peek.kind in ("+", "-"):
            op = self.take()
            operand = self.unary(depth + 1)
            return operand if op.kind == "+" else self.count(Unary("-", operand, op.pos), depth + 1)
        return self.power(depth)

    def power(self, depth: int) -> Node:
        base = self.atom(depth)
        if self.peek.kind != "^":
            return base
        op = self.take()
        first = self.peek
        exponent = self.unary(depth + 1)
        if not uses_variables(exponent):
            value = constant_value(exponent)
            if not math.isfinite(value) or abs(value) > MAX_EXPONENT:
                begin = first.pos
                last = self.tokens[self.i - 1]
                text = self.text[begin : last.pos + len(last.text)]
                message = f"exponent {text!r} at position {begin + 1} is too large (at most {MAX_EXPONENT:g})"
                raise FormulaError(self.field, message, begin, text)
        return self.count(Binary("^", base, exponent, op.pos), depth)

    def atom(self, depth: int) -> Node:
        token = self.take()
        if token.kind == "num":
            return self.count(Num(float(token.text), token.text, token.pos), depth)
        if token.kind == "(":
            node = self.expr(depth + 1)
            self.expect(")")
            return node
        if token.kind == "name":
            return self.name(token, depth)
        raise self.error("expected a number, x, y, a function or '('", token)

    def name(self, token: Token, depth: int) -> Node:
        if token.text in VARIABLES:
            return self.count(Var(token.text, token.pos), depth)
        if token.text in CONSTANTS:
            return self.count(Num(CONSTANTS[token.text], token.text, token.pos), depth)
        if token.text not in FUNCTIONS:
            allowed = "x, y, pi, e and " + ", ".join(FUNCTIONS)
            raise self.error(f"unknown name (allowed: {allowed})", token)
        if self.peek.kind != "(":
            raise self.error(f"expected '(' after the function {token.text!r}", self.peek)
        self.take()
        args = [self.expr(depth + 1)]
        while self.peek.kind == ",":
            self.take()
            args.append(self.expr(depth + 1))
        self.expect(")")
        if len(args) != FUNCTIONS[token.text]:
            arity = FUNCTIONS[token.text]
            raise self.error(f"{token.text} takes {arity} argument{'s' if arity > 1 else ''}", token)
        return self.count(Call(token.text, tuple(args), token.pos), depth)


def parse(text: str, field: str = "expression") -> Node:
    """The tree of ``text``; raises FormulaError naming ``field`` and pointing at the bad text."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(field, f"formula longer than {MAX_LENGTH} characters", MAX_LENGTH, "")
    if not text.strip():
        raise FormulaError(field, "the formula is empty", 0, "")
    node = _Parser(text, field).parse()
    if not uses_variables(node):
        raise FormulaError(field, "the formula must use x or y", 0, text)
    return node

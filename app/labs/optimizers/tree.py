"""The tree a formula parses into: five node kinds, each remembering where it was typed."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Num:
    value: float
    text: str  # as typed ("2.5", "pi"), so the code panel shows the student's own numbers
    pos: int


@dataclass(frozen=True)
class Var:
    name: str
    pos: int


@dataclass(frozen=True)
class Unary:
    op: str
    operand: "Node"
    pos: int


@dataclass(frozen=True)
class Binary:
    op: str
    left: "Node"
    right: "Node"
    pos: int


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple["Node", ...]
    pos: int


Node = Num | Var | Unary | Binary | Call


def uses_variables(node: Node) -> bool:
    match node:
        case Var():
            return True
        case Num():
            return False
        case Unary(operand=operand):
            return uses_variables(operand)
        case Binary(left=left, right=right):
            return uses_variables(left) or uses_variables(right)
        case Call(args=args):
            return any(uses_variables(a) for a in args)
    raise TypeError(node)

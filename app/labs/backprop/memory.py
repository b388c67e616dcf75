"""How much memory the live 2-2-2 network holds: a few dozen numbers and a bounded history, whatever
its config (app/labs/common/memory.py)."""

from typing import Any

from app.labs.common.memory import COPIES, total

RUN = 256 << 10  # the network, its optimiser and a history of at most 200 points


def run_memory(config: Any = None, copies: int = COPIES) -> tuple[int, tuple[str, ...]]:
    """Bytes of a run; nothing in its config makes it big."""
    return total({}, {(): RUN}, {(): RUN}, copies)

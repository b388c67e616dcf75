"""The engine's refusals, naming the field of the client's message they are about."""

from typing import Any


class RunError(Exception):
    """``code`` and ``params`` name the refusal for a page to translate (app/web/errors.py)."""

    def __init__(self, field: str, message: str, code: str = "invalid", params: dict[str, Any] | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code
        self.params = params or {}

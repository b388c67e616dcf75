"""The one exception labs raise for bad input: it names the offending field."""

from typing import Any


class FieldError(ValueError):
    """A value the lab cannot work with; ``field`` is its name as the user typed it. ``code`` and
    ``params`` let a page say it in its own language (static/i18n/errors.json: ``error.<code>``);
    the English ``message`` is for API clients."""

    def __init__(self, field: str, message: str, code: str = "invalid", params: dict[str, Any] | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code
        self.params = params or {}

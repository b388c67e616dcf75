"""The one exception labs raise for bad input: it names the offending field."""


class FieldError(ValueError):
    """A value the lab cannot work with; ``field`` is its name as the user typed it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

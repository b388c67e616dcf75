"""The engine's refusals, naming the field of the client's message they are about."""


class RunError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

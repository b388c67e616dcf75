"""Bad input becomes a 422 naming the field, in FastAPI's own error shape."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from app.labs.errors import FieldError


def field_error_detail(field: str | None, message: str, where: str = "body") -> list[dict[str, Any]]:
    loc: list[str | int] = [where] + (_split(field) if field else [])
    return [{"loc": loc, "msg": message, "type": "value_error"}]


def _split(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for part in field.replace("]", "").replace("[", ".").split("."):
        if part:
            parts.append(int(part) if part.isdigit() else part)
    return parts


def first_error(exc: ValidationError, prefix: str = "") -> tuple[str, str]:
    """The field path (``config.methods[1].std``) and message of a validation error's first fault."""
    err = exc.errors(include_url=False)[0]
    path = prefix
    for part in err["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path, err["msg"]


def install(app: FastAPI) -> None:
    @app.exception_handler(FieldError)
    async def on_field_error(request: Request, exc: FieldError) -> JSONResponse:
        return JSONResponse({"detail": field_error_detail(exc.field, exc.message)}, status_code=422)

"""Bad input becomes a 422 naming the field, in FastAPI's own error shape, as strict JSON."""

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
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


def unprocessable(detail: Any) -> Response:
    # orjson writes a NaN the client sent (echoed in "input") as null: the reply stays strict JSON.
    return Response(orjson.dumps({"detail": jsonable_encoder(detail)}), status_code=422,
                    media_type="application/json")


def install(app: FastAPI) -> None:
    @app.exception_handler(FieldError)
    async def on_field_error(request: Request, exc: FieldError) -> Response:
        return unprocessable(field_error_detail(exc.field, exc.message))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        return unprocessable(exc.errors())

"""Bad input becomes a 422 naming the field, in FastAPI's own error shape, as strict JSON."""

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from app.labs.errors import FieldError
from app.web.error_codes import error_code


def field_error_detail(field: str | None, message: str, where: str = "body", code: str = "invalid",
                       params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    loc: list[str | int] = [where, *(_split(field) if field else [])]
    return [{"loc": loc, "msg": message, "type": "value_error", "code": code, "params": params or {}}]


def _split(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for part in field.replace("]", "").replace("[", ".").split("."):
        if part:
            parts.append(int(part) if part.isdigit() else part)
    return parts


def first_error(exc: ValidationError, prefix: str = "") -> tuple[str, str]:
    """The field path (``config.methods[1].std``) and message of a validation error's first fault."""
    fault = first_fault(exc, prefix)
    return fault.field, fault.message


def first_fault(exc: ValidationError, prefix: str = "") -> FieldError:
    """A validation error's first fault as a FieldError: its path, message, code and params."""
    err = exc.errors(include_url=False)[0]
    path = prefix
    for part in err["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    code, params = error_code(err)
    return FieldError(path, err["msg"], code, params)


def validated(model: Any, data: Any, prefix: str) -> Any:
    """``data`` as the Pydantic ``model``, or a FieldError naming the field under ``prefix``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise first_fault(exc, prefix) from None


def on_the_wire(exc: FieldError, prefix: str) -> FieldError:
    """A lab's FieldError named as the client sent it: the one prefix rule (``config.``, ``params.``)."""
    return FieldError(exc.field if exc.field.startswith(prefix) else f"{prefix}.{exc.field}", exc.message,
                      exc.code, exc.params)


ECHO_DEPTH, ECHO_ITEMS, ECHO_CHARS = 4, 20, 200  # how much of a bad input a 422 shows back


def valid_utf8(value: str) -> str:
    """The string itself, or with its lone surrogates ('\\ud800' arrives escaped in JSON) as '?':
    UTF-8 cannot carry them and orjson refuses them."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return value.encode(errors="replace").decode()
    return value


def _clean(value: Any, depth: int = 0, clip: bool = False) -> Any:
    """A copy safe to send: strings valid UTF-8, huge integers as text; when ``clip``, a huge list or a
    300-deep nesting the client sent is shortened (orjson refuses more than 255 levels, and 150 KB back
    helps nobody)."""
    if isinstance(value, str):
        value = valid_utf8(value)
        return value[:ECHO_CHARS] + "…" if clip and len(value) > ECHO_CHARS else value
    if isinstance(value, dict):
        if clip and depth >= ECHO_DEPTH:
            return "{…}"
        items = list(value.items())
        shown = items[:ECHO_ITEMS] if clip else items
        out = {_clean(k, clip=clip) if isinstance(k, str) else k: _clean(v, depth + 1, clip) for k, v in shown}
        return out | ({"…": f"{len(items) - len(shown)} more"} if len(items) > len(shown) else {})
    if isinstance(value, (list, tuple)):
        if clip and depth >= ECHO_DEPTH:
            return "[…]"
        shown_list = value[:ECHO_ITEMS] if clip else value
        out_list = [_clean(v, depth + 1, clip) for v in shown_list]
        return out_list + ([f"… {len(value) - len(shown_list)} more"] if len(value) > len(shown_list) else [])
    if isinstance(value, int) and not -(2**63) <= value < 2**64:  # beyond what orjson writes
        return str(value)
    return value


def unprocessable(detail: Any) -> Response:
    # orjson writes a NaN the client sent (echoed in "input") as null: the reply stays strict JSON.
    if isinstance(detail, list):
        detail = [{k: _clean(v, clip=k == "input") for k, v in e.items()} if isinstance(e, dict) else e
                  for e in detail]
    return Response(orjson.dumps({"detail": jsonable_encoder(detail)}), status_code=422,
                    media_type="application/json")


def coded(errors: Any) -> Any:
    """FastAPI's 422 entries, each with the page's ``code`` and ``params`` added."""
    out = []
    for err in errors:
        if isinstance(err, dict) and "code" not in err:
            code, params = error_code(err)
            err = {**err, "code": code, "params": params}
        out.append(err)
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(FieldError)
    async def on_field_error(request: Request, exc: FieldError) -> Response:
        return unprocessable(field_error_detail(exc.field, exc.message, code=exc.code, params=exc.params))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        return unprocessable(coded(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers a body its JSON parser chokes on (not UTF-8, nested thousands deep, a number
        # of 5,000 digits) with a bare 400; like any other unreadable JSON it is a 422 on the body.
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, (ValueError, RecursionError)):
            reason = ("it is not UTF-8 text" if isinstance(cause, UnicodeDecodeError) else
                      "it is nested too deeply" if isinstance(cause, RecursionError) else str(cause)[:200])
            return unprocessable([{"loc": ["body"], "msg": f"the body is not readable JSON: {reason}",
                                   "type": "json_invalid", "code": "bad_json", "params": {}}])
        if exc.status_code == 405:
            headers = exc.headers or {}
            exc.headers = {**headers, "Allow": allowed_methods(request, headers.get("Allow", ""))}
        return await http_exception_handler(request, exc)


def allowed_methods(request: Request, fallback: str) -> str:
    """Every method the OpenAPI gives the path: Starlette names only those of the first route matching it
    (``OPTIONS /api/classes/{code}`` said ``Allow: GET`` where GET and DELETE are two routes). A path
    the OpenAPI does not describe (a page, an asset) keeps Starlette's ``fallback``."""
    methods = {method.upper() for template, item in request.app.openapi()["paths"].items()
               if compile_path(template)[0].match(request.url.path) for method in item}
    return ", ".join(sorted(methods)) if methods else fallback

"""The number and boolean types of hand-written request models (declared in ``app.web.spec``, whose
``convert`` gives models derived from a lab's config the same rule). ``cap`` puts a ``Settings`` cap
into the schema (a ``maximum`` in the OpenAPI, resolved against this server's settings) and
``caps_of`` reads a model's caps back for ``check_caps``, so a cap is written once, on its field.
"""

import types
import typing
from typing import Annotated, Any, Union

from pydantic import BaseModel

from app.web.spec import CAP_KEY, Boolean, Integer, Number

__all__ = ["Boolean", "Integer", "Number", "cap", "caps_of"]


def cap(setting: str) -> dict[str, Any]:
    """``json_schema_extra`` naming the ``Settings`` attribute that limits this field on this server."""
    return {CAP_KEY: setting}


def caps_of(model: type[BaseModel]) -> dict[str, str]:
    """The model's capped fields in check_caps' path language: ``"steps"``, or ``"optimizers#"`` for a
    list's length."""
    caps: dict[str, str] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and isinstance(extra.get(CAP_KEY), str):
            caps[f"{name}#" if _is_list(info.annotation) else name] = str(extra[CAP_KEY])
    return caps


def _is_list(annotation: Any) -> bool:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _is_list(args[0])
    if origin in (Union, types.UnionType):
        return any(_is_list(a) for a in args if a is not type(None))
    return origin in (list, tuple)

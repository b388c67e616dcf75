"""What the WebSocket needs to know of a live lab: how to validate, cap and build its run."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from app.labs.errors import FieldError
from app.runs.protocol import LiveRun
from app.settings import Settings


@dataclass(frozen=True)
class LiveLab:
    name: str
    config_model: type[BaseModel]  # validates the ``config`` of a start message
    build: Callable[[Any, Settings], LiveRun]  # (validated config, settings) -> run
    caps: Mapping[str, str] = field(default_factory=dict)  # config path -> Settings attribute
    params_model: type[BaseModel] | None = None  # validates the ``params`` of a set message
    warm: Callable[[], object] | None = None  # loads data sets at startup, so a first run starts fast
    # (validated config) -> (estimated bytes, the config fields that make it big), before building it
    memory: Callable[[Any], tuple[int, tuple[str, ...]]] | None = None
    # the page's one-shot panels: name -> request model, whose schema and defaults the spec serves too
    tools: Mapping[str, type[BaseModel]] = field(default_factory=dict)


def check_caps(model: BaseModel, caps: Mapping[str, str], settings: Settings, prefix: str = "") -> None:
    """Refuse any capped number above the server's limit, naming the field and the limit.

    A cap path may end in ``[]`` to cap every item of a list, e.g. ``"hidden[]"``, or in ``#`` to cap
    its length. Nested models derived from a lab's spec (app/web/spec.py) carry their own caps, and
    are checked too, named by their path (``methods[1].depth``).
    """
    for path, limit_name in caps.items():
        limit = getattr(settings, limit_name)
        for name, value in _values(model, path):
            if isinstance(value, (int, float)) and value > limit:
                raise FieldError(f"{prefix}{name}", f"{value} is above this server's limit of {limit}",
                                 code="above_cap", params={"limit": limit})
    for name in type(model).model_fields:
        value = getattr(model, name, None)
        items = list(enumerate(value)) if isinstance(value, (list, tuple)) else [(None, value)]
        for i, item in items:
            nested = getattr(type(item), "caps", None) if isinstance(item, BaseModel) else None
            if nested and isinstance(item, BaseModel):
                where = name if i is None else f"{name}[{i}]"
                check_caps(item, nested, settings, prefix=f"{prefix}{where}.")


def _values(model: BaseModel, path: str) -> list[tuple[str, Any]]:
    if path.endswith("[]"):
        name = path[:-2]
        items = getattr(model, name, None) or []
        return [(f"{name}[{i}]", v) for i, v in enumerate(items)]
    if path.endswith("#"):  # the length of a list
        name = path[:-1]
        return [(name, len(getattr(model, name, None) or []))]
    return [(path, getattr(model, path, None))]

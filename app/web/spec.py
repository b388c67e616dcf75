"""A lab's config dataclass, seen from the web: a Pydantic model, its caps, and its JSON schema.

The lab declares each field once (app/labs/fields.py); this module derives everything the web needs
from that declaration: the strict request model (``extra`` refused, NaN and Infinity refused), the
caps checked against this server's settings, and a JSON schema where each cap is a ``maximum`` (or
``maxItems``), which is what the OpenAPI and the page's form both read.
"""

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, create_model
from pydantic.fields import FieldInfo

from app.labs.fields import Cap, Distinct, Help
from app.settings import Settings

CAP_KEY = "x-cap"  # the JSON schema keyword naming a field's Settings cap (kept beside its maximum)


def _whole(value: Any) -> Any:
    """``3.0`` as 3: JSON Schema's ``integer`` is any number without a fraction, however it is written."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# JSON has numbers, booleans and strings; Python's ``bool`` is an ``int`` and Pydantic's lax mode reads
# ``"3"`` as 3 and 0 as false, so each kind is held to itself (``{"b": false}`` was a number in 16 operations).
Integer = Annotated[int, Strict(), BeforeValidator(_whole)]  # a whole JSON number: not true, false or "3"
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]  # a finite JSON number (an integer will do)
Boolean = Annotated[bool, Strict()]  # true or false: not 0, 1 or "yes"


class SpecModel(BaseModel):
    """A request model derived from a lab's config dataclass."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    lab_class: ClassVar[type | None] = None  # the dataclass it was derived from, or None for a subset
    caps: ClassVar[dict[str, str]] = {}  # "depth" | "methods#" (a length) | "hidden[]" (each item) -> setting

    def lab_config(self) -> Any:
        """The lab's own dataclass, nested dataclasses included."""
        return to_lab(self)

    if TYPE_CHECKING:  # its fields are made at run time from the lab's dataclass: mypy cannot list them
        def __getattr__(self, name: str) -> Any: ...


Route = TypeVar("Route", bound=Callable[..., Any])


def takes(**models: Any) -> Callable[[Route], Route]:
    """Give a route's parameters the models derived at run time, for FastAPI to validate and document.

    A derived model is a value, not a type mypy can read, so the route is written ``body: SpecModel``
    (what it is to mypy) and FastAPI reads the derived model from the annotation set here; without this,
    every route of a derived model carried a ``type: ignore[valid-type]``.
    """
    def give(route: Route) -> Route:
        for name, model in models.items():
            if name not in route.__annotations__:
                raise TypeError(f"{route.__name__} has no parameter {name!r}")
            route.__annotations__[name] = model
        return route
    return give


_MODELS: dict[tuple[Any, ...], type[SpecModel]] = {}


def model_of(cls: type, *, name: str | None = None, only: Iterable[str] | None = None,
             optional: bool = False, doc: str | None = None,
             wire: Mapping[str, tuple[Any, Any]] | None = None) -> type[SpecModel]:
    """The Pydantic model of dataclass ``cls``: ``only`` some fields, each ``optional`` (None when
    absent, as a ``set`` message's params are), under ``name``. ``wire`` gives fields as they are on
    the wire where the lab's own type is not (a field the lab does not know, or a mapping of changes
    whose model is derived from the lab too), as ``create_model`` takes them."""
    picked = None if only is None else tuple(only)
    key = (cls, name, picked, optional, tuple(wire or ()))
    if key in _MODELS:
        return _MODELS[key]
    hints = typing.get_type_hints(cls, include_extras=True)
    definitions: dict[str, Any] = {}
    caps: dict[str, str] = {}
    for f in dataclasses.fields(cls):
        if picked is not None and f.name not in picked:
            continue
        annotation = convert(hints[f.name])
        caps.update(_caps(f.name, annotation))
        if optional:
            definitions[f.name] = (annotation | None, None)
        elif f.default is not dataclasses.MISSING:
            definitions[f.name] = (annotation, _default(f.default))
        elif f.default_factory is not dataclasses.MISSING:
            made = functools.partial(_made_by, f.default_factory)
            definitions[f.name] = (annotation, Field(default_factory=made, validate_default=True))
        else:
            definitions[f.name] = (annotation, ...)
    for field_name, definition in (wire or {}).items():
        definitions[field_name] = definition
        caps.update(_caps(field_name, definition[0]))
    model = create_model(name or cls.__name__, __base__=SpecModel, __doc__=doc or cls.__doc__,
                         **definitions)
    model.lab_class = None if picked is not None else cls
    model.caps = caps
    _MODELS[key] = model
    return model


def convert(annotation: Any) -> Any:
    """The annotation with dataclasses turned into models and our markers into Pydantic fields."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        base, *meta = args
        marks = [_field(m) for m in meta]
        if base is int:  # bounds before the whole-number reading: behind a validator they leave the schema
            return Annotated[(int, *marks, *typing.get_args(Integer)[1:])]
        return Annotated[(convert(base), *marks)]
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return model_of(annotation)
    if origin in (Union, types.UnionType):
        return Union[tuple(convert(a) for a in args)]  # noqa: UP007  (built from a tuple)
    if origin in (list, tuple) and args:
        return origin[tuple(convert(a) for a in args)] if origin is tuple else list[convert(args[0])]  # type: ignore[misc]
    if annotation is int:
        return Integer
    if annotation is float:
        return Annotated[float, Strict()]  # NaN and Infinity: SpecModel's config refuses them
    if annotation is bool:
        return Boolean
    return annotation


def wire_type(annotation: Any) -> Any:
    """A lab's shared field type (``LearningRate``, ``Seed``) for a hand-written request model."""
    return Annotated[convert(annotation), Field(allow_inf_nan=False)] if _strip(annotation) is float \
        else convert(annotation)


def _field(marker: Any) -> Any:
    if isinstance(marker, Cap):
        return Field(json_schema_extra={CAP_KEY: marker.setting})
    if isinstance(marker, Help):
        return Field(description=marker.text)
    if isinstance(marker, Distinct):
        return Field(json_schema_extra={"uniqueItems": True})
    return marker  # annotated-types constraints: Pydantic reads them as they are


def _cap_of(annotation: Any) -> str | None:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (Union, types.UnionType) and type(None) in args and len(args) == 2:  # an optional field
        return _cap_of(next(a for a in args if a is not type(None)))
    if typing.get_origin(annotation) is Annotated:
        for m in typing.get_args(annotation)[1:]:
            extra = m.json_schema_extra if isinstance(m, FieldInfo) else None
            if isinstance(extra, dict) and CAP_KEY in extra:
                return str(extra[CAP_KEY])
    return None


def _strip(annotation: Any) -> Any:
    """The type under ``Annotated`` and ``| None``."""
    while True:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is Annotated:
            annotation = args[0]
        elif origin in (Union, types.UnionType) and type(None) in args and len(args) == 2:
            annotation = next(a for a in args if a is not type(None))
        else:
            return annotation


def _caps(name: str, annotation: Any) -> dict[str, str]:
    """The caps of one field, in check_caps' path language."""
    caps: dict[str, str] = {}
    base = _strip(annotation)
    many = typing.get_origin(base) in (list, tuple)
    own = _cap_of(annotation)
    if own is not None:
        caps[f"{name}#" if many else name] = own
    if many and typing.get_args(base):
        item = _cap_of(typing.get_args(base)[0])
        if item is not None:
            caps[f"{name}[]"] = item
    return caps


def _default(value: Any) -> Any:
    return plain(value) if dataclasses.is_dataclass(value) else value


def _made_by(factory: Callable[[], Any]) -> Any:
    return plain(factory())


def plain(value: Any) -> Any:
    """Dataclasses as dicts and tuples as lists: what a model validates from."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def to_lab(value: Any) -> Any:
    """A validated model back to the lab's dataclass (recursively; fields only the wire knows are left
    out); a subset model (``only=``) becomes the mapping of the fields given; lists and tuples keep
    their kind."""
    if isinstance(value, SpecModel):
        cls = value.lab_class
        if cls is None:
            return {n: to_lab(v) for n, v in value if v is not None}
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{n: to_lab(v) for n, v in value if n in known})
    if isinstance(value, list):
        return [to_lab(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_lab(v) for v in value)
    return value


def resolve_caps(schema: Any, settings: Settings) -> Any:
    """A JSON schema (or an OpenAPI document) with every ``x-cap`` turned into this server's bound."""
    if isinstance(schema, list):
        return [resolve_caps(v, settings) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: resolve_caps(v, settings) for k, v in schema.items()}
    setting = out.get(CAP_KEY)
    if isinstance(setting, str):
        limit = getattr(settings, setting)
        key = "maxItems" if out.get("type") == "array" else "maximum"
        out[key] = min(out.get(key, limit), limit)
    return out


def install_openapi(app: Any, settings: Settings) -> None:
    """Make the app's OpenAPI say what this server refuses: each cap as a maximum."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = resolve_caps(build(), settings)
        return app.openapi_schema  # type: ignore[no-any-return]

    app.openapi = openapi


def page_spec(config_model: type[BaseModel], params_model: type[BaseModel] | None,
              caps: Mapping[str, str], settings: Settings,
              tools: Mapping[str, type[BaseModel]] | None = None) -> dict[str, Any]:
    """What a page needs to build its form and check its URL state: the config's JSON schema with this
    server's caps, its full default, and the fields a run may change mid-way; for each of the page's
    one-shot panels (``tools``), its request's schema and defaults."""
    schema = config_model.model_json_schema()
    properties = schema.get("properties", {})
    for path, setting in caps.items():  # a hand-written model's caps; a derived one has x-cap already
        node = properties.get(path.rstrip("#[]"))
        if not isinstance(node, dict) or CAP_KEY in node:
            continue
        key = "maxItems" if path.endswith("#") else "maximum"
        node = node.setdefault("items", {}) if path.endswith("[]") else node
        limit = getattr(settings, setting)
        node[key] = min(node.get(key, limit), limit)
    return {
        "config_schema": resolve_caps(schema, settings),
        "defaults": config_model().model_dump(mode="json"),
        "live": sorted(params_model.model_fields) if params_model is not None else [],
        "tools": {name: {"schema": resolve_caps(model.model_json_schema(), settings),
                         "defaults": model().model_dump(mode="json")} for name, model in (tools or {}).items()},
    }

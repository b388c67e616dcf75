"""Hostile values derived from a JSON schema, for the fuzz tests of the HTTP API and the socket.

A body is a plausible value of the schema (edge numbers, enum members, small lists), then, most of the
time, damaged: one node replaced by junk (wrong type, null, 10**12, NaN, unicode, a huge list, deep
nesting), a key dropped or a stranger key added. The schema may be an OpenAPI document's or a Pydantic
model's ``model_json_schema()``: references are JSON pointers into ``root``.
"""

import copy
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

DEEP = 300  # deeper than orjson (255) and than what a reply may echo, far below the parser's limit
BODY_BUDGET = 150_000  # bytes a huge list may take, so that a body stays below ~200 KB
MAX_DEPTH = 6  # schema nesting followed before giving up with null

JUNK_SCALARS: list[Any] = [
    None, True, False, "", " ", "null", "NaN", "0", "-1", "1e999", "\u0000", "ü🙂\u202e\ufeffŽ", "x" * 2000,
    "\ud800", "a\udfffb",
    0, -1, 1, 10**9, 10**12, -(10**12), 2**63, -(2**63), 10**30, 0.5, -0.0, 5e-324, 1e308, -1e308,
    math.nan, math.inf, -math.inf, [], {}, [None], {"": None}, [[]], {"a": {"b": {}}},
]

SIZE_NAME = re.compile(
    r"(^|_)(steps?|width|depth|samples?|epochs?|batch(_size)?|bins|points|racers|degree|count|n|hidden|"
    r"size|resolution|length|layers|updates|small|large|test|outliers|swarm|neurons|units|rows|iters?|"
    r"iterations|classes|neighbors|repeats|trials|runs)($|_)"
)
FORMULA = "xy+-*/^() 0123456789.,eEsincoxpqrtlgab_=!@[]{}\\'\""


def is_size_name(name: str) -> bool:
    """A field whose value sets how much work or memory a request takes (``steps``, ``hidden``, ...)."""
    return bool(SIZE_NAME.search(name)) and "seed" not in name and "fraction" not in name


def deref(schema: Any, root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        node: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    if isinstance(schema, dict) and len(schema.get("allOf", [])) == 1:
        schema = {**deref(schema["allOf"][0], root), **{k: v for k, v in schema.items() if k != "allOf"}}
    return schema if isinstance(schema, dict) else {}


def options(schema: dict[str, Any], root: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of an ``anyOf``/``oneOf``, or the schema itself."""
    alts = schema.get("anyOf") or schema.get("oneOf")
    return [deref(a, root) for a in alts] if alts else [schema]


def kind(schema: dict[str, Any]) -> str:
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "null")
    if t:
        return str(t)
    if "properties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "any"


def _int_bounds(schema: dict[str, Any]) -> tuple[int, int]:
    lo = schema.get("minimum", schema.get("exclusiveMinimum", -4) + 1 if "exclusiveMinimum" in schema else -4)
    hi = schema.get("maximum", schema.get("exclusiveMaximum", 0) - 1 if "exclusiveMaximum" in schema else None)
    lo = math.ceil(lo)
    hi = math.floor(hi) if hi is not None else lo + 40  # small: sizes stay cheap
    return lo, max(lo, hi)


def _number(schema: dict[str, Any]) -> st.SearchStrategy[float]:
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum", schema.get("exclusiveMaximum"))
    floats = st.floats(
        min_value=lo if lo is not None else -1e3, max_value=hi if hi is not None else 1e3,
        exclude_min="exclusiveMinimum" in schema, exclude_max="exclusiveMaximum" in schema,
        allow_nan=False, allow_infinity=False,
    )
    edges = [v for v in (lo, hi) if v is not None and not ("exclusiveMinimum" in schema and v == lo)
             and not ("exclusiveMaximum" in schema and v == hi)]
    inside = [v for v in (0.0, 1.0, 0.5, 1e-7, -2.0) if (lo is None or v > lo or (v == lo and v in edges))
              and (hi is None or v < hi or (v == hi and v in edges))]
    return st.one_of(floats, st.sampled_from(edges or [0.0, 1.0]), st.sampled_from(inside or [0.0]))


def plausible(schema: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that mostly fit the schema, biased to its edges; sizes stay small."""
    schema = deref(schema, root)
    if depth > MAX_DEPTH:
        return st.none()
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of([plausible(o, root, depth + 1) for o in options(schema, root)])
    t = kind(schema)
    if t == "object":
        props = schema.get("properties", {})
        required = [k for k in props if k in schema.get("required", [])]
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict) and extra:
            return st.dictionaries(st.text(max_size=6), plausible(extra, root, depth + 1), max_size=3)
        return st.fixed_dictionaries(
            {k: plausible(props[k], root, depth + 1) for k in required},
            optional={k: plausible(v, root, depth + 1) for k, v in props.items() if k not in required},
        )
    if t == "array":
        if "prefixItems" in schema:
            return st.tuples(*[plausible(s, root, depth + 1) for s in schema["prefixItems"]]).map(list)
        lo = schema.get("minItems", 0)
        hi = min(schema.get("maxItems", lo + 4), lo + 4)
        return st.lists(plausible(schema.get("items", {}), root, depth + 1), min_size=lo, max_size=hi)
    if t == "integer":
        lo, hi = _int_bounds(schema)
        return st.one_of(st.integers(lo, min(hi, lo + 40)), st.sampled_from([lo, hi, lo + 1]))
    if t == "number":
        return _number(schema)
    if t == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        hi = schema.get("maxLength", 40)
        return st.one_of(st.text(FORMULA, max_size=min(hi, 40)), st.text(max_size=min(hi, 12)),
                         st.sampled_from(["", "x", "x^2 - y^2", "sin(x) + y"]).filter(lambda s: len(s) <= hi))
    if t == "boolean":
        return st.booleans()
    if t == "null":
        return st.none()
    return st.sampled_from([None, 0, "x", [], {}])


def deep(depth: int = DEEP) -> Any:
    value: Any = 0
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


def huge_list(item: Any) -> list[Any]:
    per = len(json.dumps(item, allow_nan=True)) + 2
    return [item] * max(1, min(60_000, BODY_BUDGET // per))


def paths(value: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every node of a JSON value, the root first; list items past the third are skipped."""
    yield here
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from paths(v, (*here, i))


def get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def put(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = get(value, path[:-1])
    parent[path[-1]] = new
    return value


def junk_for(current: Any) -> st.SearchStrategy[Any]:
    """A replacement for one node: junk of every kind, and the node's own value blown up."""
    blown: list[Any] = [huge_list(current if not isinstance(current, (dict, list)) else 0)]
    if isinstance(current, list):
        blown.append(huge_list(current[0] if current else 0))
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        pass
    else:
        blown += [current * 10**9 + 10**9, -abs(current) - 1, float(current) + 0.5]
    return st.one_of(
        st.sampled_from(JUNK_SCALARS),
        st.sampled_from(blown),
        st.just(deep()),
        st.text(min_size=1, max_size=30),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=True, allow_infinity=True),
    )


STRANGERS = ["surprise", "", "__proto__", "constructor", "ü🙂", "\udc00", "type", "config", "0"]


@st.composite
def hostile(draw: st.DrawFn, schema: Any, root: dict[str, Any]) -> Any:
    """A value of the schema damaged in one or two places, a plausible one, or whole-body junk."""
    value = copy.deepcopy(draw(plausible(schema, root)))  # drawn values may be shared (sampled_from, just)
    how = draw(st.sampled_from(["plausible", "mutate", "plausible", "mutate", "twice", "drop", "plausible",
                                "stranger", "mutate", "junk"]))
    if how == "junk":
        return copy.deepcopy(draw(junk_for(value)))
    if how == "plausible":
        return value
    if how in ("drop", "stranger"):
        holders = [p for p in paths(value) if isinstance(get(value, p), dict)]
        if holders:
            holder = get(value, draw(st.sampled_from(holders)))
            if how == "drop" and holder:
                del holder[draw(st.sampled_from(sorted(holder)))]
            elif how == "stranger":
                holder[draw(st.sampled_from(STRANGERS))] = copy.deepcopy(draw(st.sampled_from(JUNK_SCALARS)))
            return value
    for _ in range(2 if how == "twice" else 1):
        where = draw(st.sampled_from(list(paths(value))))
        value = put(value, where, copy.deepcopy(draw(junk_for(get(value, where)))))
    return value


def dumps(value: Any) -> str:
    """JSON as a careless client writes it: NaN and Infinity as bare words; raw UTF-8, except that a lone
    surrogate (which UTF-8 cannot carry) makes the whole text \\u-escaped."""
    text = json.dumps(value, allow_nan=True, ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        text = json.dumps(value, allow_nan=True)
    return text


RAW_BODIES = [
    "", " ", "{", "}", "[", "nul", "NaN", "Infinity", "-Infinity", '{"a": NaN}', "{'a': 1}", '{"a": 1,}',
    "[" * 5000 + "]" * 5000, "[" * 900 + "]" * 900, '{"a": ' * 400 + "0" + "}" * 400, "\ufeff{}",
    '"\\ud800"', '{"\\ud800": "\\udc00"}', "1e999999", "-" + "9" * 5000, '{"a": "\\u0000"}',
]
RAW_BYTES = [b"\xff\xfe\x00garbage", b"\x00" * 100, "{}".encode("utf-16"), b'{"a": "\xc3\x28"}']


def size_fields(schema: Any, root: dict[str, Any], here: tuple[str, ...] = (), depth: int = 0) -> list[
        tuple[tuple[str, ...], dict[str, Any], bool]]:
    """(path, schema, is_list_of_ints) of every size-like integer field, nested objects included."""
    schema = deref(schema, root)
    found: list[tuple[tuple[str, ...], dict[str, Any], bool]] = []
    if depth > MAX_DEPTH:
        return found
    for name, prop in schema.get("properties", {}).items():
        for alt in options(deref(prop, root), root):
            t = kind(alt)
            if t == "integer" and is_size_name(name):
                found.append(((*here, name), alt, False))
            elif t == "array" and is_size_name(name):
                item = deref(alt.get("items", {}), root)
                if kind(item) == "integer":
                    found.append(((*here, name), item, True))
            elif t == "object":
                found += size_fields(alt, root, (*here, name), depth + 1)
    unique: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, Any], bool]] = {}
    for f in found:
        unique.setdefault(f[0], f)
    return list(unique.values())


def list_fields(schema: Any, root: dict[str, Any], here: tuple[str, ...] = (), depth: int = 0) -> list[
        tuple[tuple[str, ...], dict[str, Any]]]:
    """(path, schema) of every list field that is not a fixed-length tuple: its length is a size too."""
    schema = deref(schema, root)
    found: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    if depth > MAX_DEPTH:
        return found
    for name, prop in schema.get("properties", {}).items():
        for alt in options(deref(prop, root), root):
            t = kind(alt)
            if t == "array" and "prefixItems" not in alt:
                found.append(((*here, name), alt))
            elif t == "object":
                found += list_fields(alt, root, (*here, name), depth + 1)
    return found


def minimal(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """The smallest plain value of a schema: required fields only, defaults, first enum members."""
    schema = deref(schema, root)
    if depth > MAX_DEPTH:
        return None
    for key in ("default", "const", "example"):
        if key in schema:
            return json.loads(json.dumps(schema[key]))  # a copy: callers fill it in
    if "enum" in schema:
        return schema["enum"][0]
    alts = options(schema, root)
    if len(alts) > 1:
        typed = [a for a in alts if kind(a) != "null"]
        return minimal((typed or alts)[0], root, depth + 1)
    t = kind(schema)
    if t == "object":
        props = schema.get("properties", {})
        return {k: minimal(props[k], root, depth + 1) for k in schema.get("required", []) if k in props}
    if t == "array":
        if "prefixItems" in schema:
            return [minimal(s, root, depth + 1) for s in schema["prefixItems"]]
        return [minimal(schema.get("items", {}), root, depth + 1)] * schema.get("minItems", 0)
    if t == "integer":
        lo, hi = _int_bounds(schema)
        return min(max(lo, 1), hi)
    if t == "number":
        lo = schema.get("minimum", schema.get("exclusiveMinimum"))
        hi = schema.get("maximum", schema.get("exclusiveMaximum"))
        value = 0.5 if lo is None else lo + 0.5
        return value if hi is None or value < hi else (hi + (lo if lo is not None else hi - 1)) / 2
    if t == "string":
        return "" if "pattern" not in schema else None
    if t == "boolean":
        return False
    return None


def filled(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """Like ``minimal``, but every property the schema gives a default is written out: a full body."""
    schema = deref(schema, root)
    if depth > MAX_DEPTH or kind(schema) != "object" or "properties" not in schema or "example" in schema:
        return minimal(schema, root, depth)
    body = minimal(schema, root, depth)
    if not isinstance(body, dict):
        return body
    for name, prop in schema["properties"].items():
        prop = deref(prop, root)
        if name in body:
            body[name] = filled(prop, root, depth + 1) if "default" not in prop else body[name]
        elif "default" in prop:
            body[name] = prop["default"]
    return body


EDGE_INTS = [0, 1, -1, 2, 3, 7, 64, 1000, 2**31 - 1, 2**31, 2**53 + 1]
EDGE_FLOATS = [0.0, -0.0, 5e-324, 1e-300, 1e-7, 0.999, 1.0, -1.0, 1e7, 1e30, 1e300, -1e300]


def tweak_for(current: Any) -> st.SearchStrategy[Any]:
    """A replacement of one node of a valid body by a value of the same kind, an edge case of it."""
    if isinstance(current, bool):
        return st.just(not current)
    if isinstance(current, int):
        return st.one_of(st.sampled_from(EDGE_INTS + [current + 1, current - 1, current * 2, -current]),
                         st.integers(-3, 100))
    if isinstance(current, float):
        return st.one_of(st.sampled_from(EDGE_FLOATS + [current * 10, -current, current / 3]),
                         st.floats(-1e6, 1e6, allow_nan=False))
    if isinstance(current, str):
        return st.one_of(st.sampled_from(["", current * 2, current.upper(), current + " ", "x", "x^2 - y^2",
                                          "sin(x)*exp(y)", "1/0", "x**y**x**y", "(" * 50 + "x" + ")" * 50]),
                         st.text(FORMULA, max_size=30))
    if isinstance(current, list):
        shapes = [[], current[:1], current + current, current * 7, current[::-1], [current], current[1:]]
        if current and all(isinstance(row, list) for row in current):
            shapes += [[row[:1] for row in current], [row + row for row in current], current[:1] + [[]]]
        return st.sampled_from([s for s in shapes if len(dumps(s)) < BODY_BUDGET])
    if isinstance(current, dict):
        smaller = [{k: v for k, v in current.items() if k != gone} for gone in current]
        return st.sampled_from([{}, *smaller]) if current else st.just({})
    return st.sampled_from([0, 1, 0.5, -1.0, "x", [0.5, 0.5], [], {}, True])


@st.composite
def tweaked(draw: st.DrawFn, base: Any) -> Any:
    """A valid body with one to three nodes changed to edge values of the same kind: reaches the lab."""
    value = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(list(paths(value))))
        current = get(value, where)
        new = draw(st.one_of(tweak_for(current), tweak_for(current), junk_for(current)))
        value = put(value, where, copy.deepcopy(new))
    return value

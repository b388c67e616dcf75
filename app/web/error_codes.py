"""Every refusal a page may show, as a stable ``code`` with ``params``: the page says it in its own
language (``error.<code>`` in static/i18n/errors.json), while the English message stays for API
clients. Pydantic's errors are named by their type; the numbers and choices come from its context."""

import re
from collections.abc import Mapping
from typing import Any

# pydantic error type -> (code, the context key holding the limit)
_LIMITS = {
    "greater_than": ("greater_than", "gt"), "greater_than_equal": ("at_least", "ge"),
    "less_than": ("less_than", "lt"), "less_than_equal": ("at_most", "le"),
    "too_short": ("too_few", "min_length"), "too_long": ("too_many", "max_length"),
    "string_too_short": ("text_too_short", "min_length"), "string_too_long": ("text_too_long", "max_length"),
}
# pydantic error type -> code, for faults that need no number
_PLAIN = {
    "missing": "missing", "extra_forbidden": "unknown_field",
    "int_parsing": "not_an_integer", "int_type": "not_an_integer", "int_from_float": "not_an_integer",
    "float_parsing": "not_a_number", "float_type": "not_a_number", "finite_number": "not_finite",
    "bool_parsing": "not_a_bool", "bool_type": "not_a_bool", "string_type": "not_text",
    "list_type": "not_a_list", "tuple_type": "not_a_list", "model_type": "not_an_object",
    "dict_type": "not_an_object", "model_attributes_type": "not_an_object", "json_invalid": "bad_json",
    "union_tag_not_found": "missing_type", "none_required": "must_be_empty",
}
_CHOICE = re.compile(r"'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?(?:e-?\d+)?)")

# The codes the server itself raises, beside pydantic's (for tests and readers: one list of them all).
CODES = frozenset({code for code, _ in _LIMITS.values()} | set(_PLAIN.values()) | {
    "invalid", "not_a_choice", "unknown_type", "above_cap", "server_busy", "run_too_big",
    "message_too_large", "not_json", "too_deep", "not_a_message", "lab_failed", "no_classes",
    "too_many_classes", "already_starting", "no_run", "watching", "class_paused", "needs_pause", "step_beyond",
    "run_ended",
    "run_stopped", "bad_speed", "teacher_only", "too_many_joins", "no_class", "bad_token", "no_such_run", "bad_formula",
})


def error_code(err: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The code and params of one pydantic error (``exc.errors()`` entry)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in _LIMITS:
        code, key = _LIMITS[kind]
        return code, {"limit": _number(ctx.get(key))}
    if kind in ("literal_error", "enum"):
        return "not_a_choice", {"choices": choices(str(ctx.get("expected", "")))}
    if kind == "union_tag_invalid":
        return "unknown_type", {"choices": choices(str(ctx.get("expected_tags", "")))}
    return _PLAIN.get(kind, "invalid"), {}


def choices(expected: str) -> list[str]:
    """``"'sgd', 'adam' or 'rmsprop'"`` (pydantic's wording) as ``["sgd", "adam", "rmsprop"]``."""
    return [quoted if quoted or not number else number for quoted, number in _CHOICE.findall(expected)]


def _number(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)

"""Hostile start and set messages for every live lab in the registry, labs added later included.

Configs come from each lab's own config model's JSON schema (tests/web/hostile.py), params from its
params model. Whatever is sent, the reply is an ``error`` naming a field or a real run (which we stop),
every message is strict JSON, the socket answers the next message, and a small valid run still starts.
Every size-like field of a config (steps, width, samples, hidden, lists of racers...) is capped: by a
schema maximum or by the lab's caps, and 10**9 there is refused naming the field.
"""

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.main import create_app
from app.settings import Settings
from app.web.registry import LIVE_LABS
from tests.conftest import BASE, WS
from tests.web.hostile import (
    JUNK_SCALARS,
    deep,
    dumps,
    hostile,
    list_fields,
    minimal,
    size_fields,
    tweaked,
)
from tests.web.wsutil import receive, until

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))  # per lab and kind of message
# FUZZ_EXAMPLES=300 FUZZ_RANDOM=1 explore further than the fixed, reproducible examples of a normal run
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="FUZZ_RANDOM" not in os.environ, database=None,
                suppress_health_check=list(HealthCheck))
SENTINEL = "fuzz-sentinel"  # an unknown message type: its error marks the end of a reply
LABS = sorted(LIVE_LABS)
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # long reprs of failures

# Known bugs in labs still being built by others: (lab, test) -> reason. Empty when all is well.
KNOWN: dict[tuple[str, str], str] = {}


def known(lab: str, test: str) -> None:
    if (lab, test) in KNOWN:
        pytest.xfail(KNOWN[lab, test])


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(run_grace_s=0)), base_url=BASE) as c:
        yield c


def config_schema(lab: str) -> dict[str, Any]:
    return LIVE_LABS[lab].config_model.model_json_schema()


def exchange(ws: Any, text: str) -> list[dict[str, Any]]:
    """Send one raw message, then the sentinel; every message up to the sentinel's error, checked."""
    ws.send_text(text)
    ws.send_text(dumps({"type": SENTINEL}))
    seen = []
    for _ in range(5000):
        message = receive(ws)  # strict JSON or an AssertionError
        if message["type"] == "error" and SENTINEL in message["message"]:
            assert message["field"] == "type", message
            return seen
        seen.append(message)
        if message["type"] == "error":
            assert isinstance(message.get("field"), str) and message["field"], \
                f"an error naming no field (a crash inside the lab?) after {text[:300]!r}: {message}"
            assert isinstance(message.get("message"), str) and message["message"].strip(), message
    raise AssertionError(f"no reply to {text[:300]!r}")


def runs_settle(api: TestClient, active: int) -> None:
    """Every run of a closed socket ends after its grace (0 here): a leak would hold memory for good."""
    hub = api.app_state["hub"]
    deadline = time.monotonic() + 5
    while len(hub.runs) != active and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(hub.runs) == active, f"{len(hub.runs)} runs live, {active} expected"


def stop(ws: Any) -> list[dict[str, Any]]:
    """Stop whatever runs; the reply is the run's last frames and status, or a 'nothing to stop' error."""
    seen = exchange(ws, dumps({"type": "stop"}))
    ends = [m for m in seen if m["type"] == "status" and m["status"] in ("stopped", "finished", "diverged")]
    errors = [m for m in seen if m["type"] == "error"]
    assert ends or errors, f"stop had no effect: {seen[-3:]}"
    return seen


def start_reply(seen: list[dict[str, Any]], text: str) -> dict[str, Any]:
    first = next((m for m in seen if m["type"] in ("error", "started")), None)
    assert first is not None, f"no error and no started message for {text[:300]!r}: {seen[:3]}"
    return first


def default_config(lab: str) -> dict[str, Any]:
    """The lab's whole default config, every field written out: a valid start to change a little."""
    model = LIVE_LABS[lab].config_model
    for config in [{}, *tiny(lab)]:
        try:
            return model.model_validate(config).model_dump(mode="json")  # type: ignore[no-any-return]
        except ValidationError:
            continue
    return {}


def start_messages(lab: str) -> st.SearchStrategy[str]:
    schema = config_schema(lab)
    config = st.one_of(hostile(schema, schema), tweaked(default_config(lab)))
    plain = st.builds(lambda c: {"type": "start", "lab": lab, "config": c}, config)
    odd = st.builds(lambda c, speed, paused: {"type": "start", "lab": lab, "config": c, "speed": speed,
                                              "paused": paused},
                    config, st.one_of(st.sampled_from(JUNK_SCALARS), st.sampled_from([0.5, 50, 10_000])),
                    st.sampled_from([True, False, None, "yes", 1]))
    raw = st.sampled_from([
        '{"type": "start", "lab": "%s", "config": %s}' % (lab, "[" * 3000 + "]" * 3000),  # noqa: UP031
        '{"type": "start", "lab": "%s", "config": {"a": %s}}' % (lab, dumps(deep(300))),  # noqa: UP031
        '{"type": "start", "lab": "%s", "config": NaN}' % lab,  # noqa: UP031
        '{"type": "start", "lab": "%s", "config": {"\\ud800": "\\udfff"}}' % lab,  # noqa: UP031
        '{"type": "start", "lab": "\\ud800", "config": {}}',
        '{"type": "start\\udc00", "lab": "%s"}' % lab,  # noqa: UP031
    ])
    return st.one_of(plain.map(dumps), plain.map(dumps), plain.map(dumps), odd.map(dumps), raw)


@pytest.mark.parametrize("lab", LABS)
def test_hostile_starts_get_an_error_or_a_run(api, lab):
    known(lab, "start")

    @FUZZ
    @given(start_messages(lab))
    def survive(text: str) -> None:
        with api.websocket_connect(WS) as ws:
            reply = start_reply(exchange(ws, text), text)
            event(reply["type"])
            if reply["type"] == "started":
                assert reply["lab"] == lab and len(reply["run_id"]) == 12
                time.sleep(0.05)  # let it step on its odd config
                stop(ws)
            assert exchange(ws, '{"type": "pause"}')[-1]["field"] == "type"  # still answering
        runs_settle(api, 1)  # the bystander's

    with api.websocket_connect(WS) as bystander:  # someone else's run, while the junk flies
        started_tiny(bystander, lab, paused=True)
        survive()
        bystander.send_text('{"type": "step", "n": 1}')
        assert until(bystander, lambda m: m["type"] in ("status", "error"))[-1]["type"] == "status"
        stop(bystander)
    with api.websocket_connect(WS) as ws:
        started_tiny(ws, lab)
        stop(ws)


def tiny(lab: str) -> list[dict[str, Any]]:
    """Small configs to try: every size-like top-level field at its least, then the lab's defaults."""
    schema = config_schema(lab)
    small: dict[str, Any] = {}
    for where, field, many in size_fields(schema, schema):
        if len(where) == 1:
            least = max(field.get("minimum", 1), 1)
            small[where[0]] = [least] if many else least
    return [small, {}]


def started_tiny(ws: Any, lab: str, paused: bool = False) -> dict[str, Any]:
    """Start a small run of ``lab``; some valid config must start."""
    replies = []
    for config in tiny(lab):
        text = dumps({"type": "start", "lab": lab, "config": config, "paused": paused})
        reply = start_reply(exchange(ws, text), text)
        if reply["type"] == "started":
            return reply
        replies.append(reply)
    raise AssertionError(f"no small config of {lab} starts: {replies}")


def set_messages(lab: str) -> st.SearchStrategy[str]:
    model = LIVE_LABS[lab].params_model
    schema = model.model_json_schema() if model is not None else {"type": "object"}
    params = hostile(schema, schema)
    speed = st.one_of(st.sampled_from(JUNK_SCALARS), st.floats(allow_nan=True, allow_infinity=True))
    with_speed = st.builds(lambda p, s: {**p, "speed": s} if isinstance(p, dict) else p, params, speed)
    return st.one_of(params, params, with_speed).map(lambda p: dumps({"type": "set", "params": p}))


@pytest.mark.parametrize("lab", LABS)
def test_hostile_sets_get_an_error_or_a_change(api, lab):
    known(lab, "set")
    with api.websocket_connect(WS) as ws:
        started_tiny(ws, lab, paused=True)

        @FUZZ
        @given(set_messages(lab))
        def survive(text: str) -> None:
            seen = exchange(ws, text)
            assert all(m["type"] in ("frame", "error", "status") for m in seen), seen[:3]
            errors = [m for m in seen if m["type"] == "error"]
            assert all(m["field"].startswith("params") or m["field"] == "message" for m in errors), seen
            event("error" if errors else "accepted")

        survive()
        ws.send_text('{"type": "step", "n": 1}')  # the run lives on: its step comes back from the worker
        seen = until(ws, lambda m: m["type"] == "status" or m["type"] == "error")
        assert seen[-1]["type"] == "status", seen[-3:]
        assert seen[-1]["status"] in ("paused", "diverged", "finished"), seen[-3:]
        stop(ws)


# -- caps: every size has a limit, and 10**9 there is refused naming the field ----------------------------

def _size_cases() -> list[tuple[str, tuple[str, ...], bool]]:
    cases = []
    for lab in LABS:
        schema = config_schema(lab)
        cases += [(lab, where, many) for where, _, many in size_fields(schema, schema)]
    return cases


def _list_cases() -> list[tuple[str, tuple[str, ...]]]:
    cases = []
    for lab in LABS:
        schema = config_schema(lab)
        cases += [(lab, where) for where, _ in list_fields(schema, schema)]
    return cases


SIZE_CASES = _size_cases()
LIST_CASES = _list_cases()


def capped(lab: str, name: str, schema: dict[str, Any]) -> bool:
    caps = LIVE_LABS[lab].caps
    return "maximum" in schema or "exclusiveMaximum" in schema or any(
        f"{name}{suffix}" in caps for suffix in ("", "[]"))


def start_with(api, lab: str, where: tuple[str, ...], value: Any) -> dict[str, Any]:
    """The reply to a paused start of ``lab`` whose config holds only ``value`` at path ``where``; a run
    it started is stopped."""
    config: dict[str, Any] = {}
    node = config
    for part in where[:-1]:
        node = node.setdefault(part, {})
    node[where[-1]] = value
    with api.websocket_connect(WS) as ws:
        text = dumps({"type": "start", "lab": lab, "config": config, "paused": True})
        reply = start_reply(exchange(ws, text), text)
        if reply["type"] == "started":
            stop(ws)
    return reply


@pytest.mark.parametrize(("lab", "where", "many"), SIZE_CASES,
                         ids=[f"{lab}.{'.'.join(w)}" for lab, w, _ in SIZE_CASES])
def test_every_size_has_a_cap(api, lab, where, many):
    schema = config_schema(lab)
    field = next(f for w, f, _ in size_fields(schema, schema) if w == where)
    if len(where) == 1:  # nested fields are capped by the builder: only the refusal below can tell
        assert capped(lab, where[0], field), \
            f"{lab}: config.{where[0]} has no schema maximum and no entry in the LiveLab's caps"
    reply = start_with(api, lab, where, [10**9] if many else 10**9)
    name = "config." + ".".join(where)
    assert reply["type"] == "error" and reply["field"].startswith(name), \
        f"{name} = 10**9 was not refused by {lab}: {reply}"


@pytest.mark.parametrize(("lab", "where"), LIST_CASES, ids=[f"{lab}.{'.'.join(w)}" for lab, w in LIST_CASES])
def test_every_list_has_a_length_limit(api, lab, where):
    schema = config_schema(lab)
    field = next(f for w, f in list_fields(schema, schema) if w == where)
    if len(where) == 1:
        assert "maxItems" in field or f"{where[0]}#" in LIVE_LABS[lab].caps, \
            f"{lab}: config.{where[0]} is a list with no maxItems and no '{where[0]}#' in the LiveLab's caps"
    item = minimal(field.get("items", {}), schema)
    many = [item] * max(30, 3000 // (len(dumps(item)) + 2))  # a long list within one small message
    reply = start_with(api, lab, where, many)
    name = "config." + ".".join(where)
    assert reply["type"] == "error" and reply["field"].startswith(name), \
        f"{len(many)} items in {name} were not refused by {lab}: {reply}"


# -- what the fuzzing found once, kept as exact cases ------------------------------------------------------

@pytest.mark.parametrize(("text", "field"), [
    # json.loads raised RecursionError, which closed the socket
    ('{"type": "start", "lab": "initialization", "config": {"width": ' + "[" * 1900 + "]" * 1900 + "}}", "message"),
    ('{"type": "start", "lab": "\\ud800", "config": {}}', "lab"),  # a lone surrogate in an error's text
    ('{"type": "st\\udc00"}', "type"),
])
def test_what_fuzzing_found_gets_an_error(api, text, field):
    with api.websocket_connect(WS) as ws:
        seen = exchange(ws, text)
        assert seen[0]["type"] == "error" and seen[0]["field"] == field, seen


def test_a_null_in_compare_changes_nothing(api):
    with api.websocket_connect(WS) as ws:
        text = dumps({"type": "start", "lab": "training", "paused": True,
                      "config": {"samples": 8, "hidden": [2], "epochs": 1, "compare": {"hidden": None, "lr": 0.1}}})
        reply = start_reply(exchange(ws, text), text)  # was a TypeError in the builder: tuple(None)
        assert reply["type"] == "started", reply
        stop(ws)


# -- control messages in any order ---------------------------------------------------------------------------

def controls(lab: str) -> st.SearchStrategy[list[str]]:
    small = tiny(lab)[0]
    one = st.sampled_from([
        {"type": "pause"}, {"type": "resume"}, {"type": "stop"}, {"type": "step"}, {"type": "step", "n": 3},
        {"type": "step", "n": 0}, {"type": "step", "n": 10**9}, {"type": "set", "params": {}},
        {"type": "set", "params": {"speed": 5}}, {"type": "set", "params": {"speed": None}},
        {"type": "start", "lab": lab, "config": small}, {"type": "start", "lab": lab, "config": small, "paused": True},
        {"type": "start", "lab": lab, "config": small, "speed": 0.5}, {"type": "pause", "extra": 1}, {"type": None},
    ]).map(dumps)
    return st.lists(one, min_size=1, max_size=8)


@pytest.mark.parametrize("lab", LABS)
def test_control_messages_in_any_order(api, lab):
    known(lab, "controls")

    @settings(FUZZ, max_examples=max(EXAMPLES // 2, 5))
    @given(controls(lab))
    def survive(texts: list[str]) -> None:
        with api.websocket_connect(WS) as ws:
            for text in texts:
                exchange(ws, text)  # every error names a field; every message is strict JSON
            exchange(ws, dumps({"type": "stop"}))
            assert exchange(ws, '{"type": "pause"}')[-1]["field"] == "type"  # nothing runs, and it answers
        runs_settle(api, 0)

    survive()

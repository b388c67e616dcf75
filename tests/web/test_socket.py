"""The /ws/runs contract: message flow, control, clean-up and refusals, on the Initialisation lab."""

import threading
import time

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.conftest import BASE, WS
from tests.web.wsutil import TINY, is_error, receive, status, until


def start(ws, config=TINY, **extra):
    ws.send_json({"type": "start", "lab": "initialization", "config": config, **extra})
    started = until(ws, lambda m: m["type"] == "started")[-1]
    return started["run_id"]


def run_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("run-")]


def test_empty_config_starts_a_meaningful_run(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "initialization", "config": {}})
        started = receive(ws)
        assert started["type"] == "started" and len(started["run_id"]) == 12
        assert started["config"]["depth"] == 10 and started["config"]["width"] == 256
        assert [m["method"] for m in started["config"]["methods"]] == ["normal", "xavier_normal", "kaiming_normal"]
        assert receive(ws) == {"type": "status", "run_id": started["run_id"], "status": "running"}
        frame = until(ws, lambda m: m["type"] == "frame")[-1]
        assert frame["run_id"] == started["run_id"] and frame["step"] == 0
        assert len(frame["layers"]) == 10 and len(frame["methods"]) == 3
        ws.send_json({"type": "stop"})
        until(ws, status("stopped"))


def test_pause_step_resume_set_stop(client):
    with client.websocket_connect(WS) as ws:
        run_id = start(ws)
        frames = until(ws, lambda m: m["type"] == "frame" and m["step"] >= 5)
        assert all(f["run_id"] == run_id for f in frames if f["type"] == "frame")
        ws.send_json({"type": "pause"})
        seen = until(ws, status("paused"))
        paused_at = [m for m in seen if m["type"] == "frame"][-1]
        assert seen[-2] is paused_at, "the frame of the paused step comes right before the status"
        k = paused_at["step"]
        time.sleep(0.3)  # no frame may arrive while paused: the next message answers our step
        ws.send_json({"type": "step", "n": 3})
        after = until(ws, status("paused"))
        assert [m["type"] for m in after] == ["frame", "status"]
        assert after[0]["step"] == k + 3
        assert len(after[0]["methods"][0]["loss_curve"]) == k + 3

        ws.send_json({"type": "set", "params": {"lr": 0.2}})
        assert until(ws, lambda m: m["type"] == "frame")[-1]["lr"] == 0.2
        ws.send_json({"type": "resume"})
        assert until(ws, lambda m: m["type"] == "status")[-1]["status"] == "running"
        later = until(ws, lambda m: m["type"] == "frame" and m["step"] > k + 3)[-1]
        assert later["lr"] == 0.2
        ws.send_json({"type": "stop"})
        until(ws, status("stopped"))
        ws.send_json({"type": "pause"})
        assert until(ws, is_error)[-1]["field"] == "type"


def test_a_run_finishes_and_reports_every_step(client):
    with client.websocket_connect(WS) as ws:
        start(ws, {**TINY, "steps": 7})
        seen = until(ws, status("finished"))
        last = [m for m in seen if m["type"] == "frame"][-1]
        assert last["step"] == 7 and last["total_steps"] == 7
        # a pause that crossed the last step (a teacher's click as the run ended) is not an error
        ws.send_json({"type": "pause"})
        ws.send_json({"type": "seek", "step": 3})
        after = until(ws, status("paused"))
        assert not any(is_error(m) for m in after)
        assert [m["step"] for m in after if m["type"] == "frame"] == [3]


def test_start_paused_opens_at_step_zero(client):
    with client.websocket_connect(WS) as ws:
        start(ws, paused=True)
        seen = until(ws, status("paused"))
        assert [m["step"] for m in seen if m["type"] == "frame"][-1] == 0


def test_speed_limits_steps_per_second(client):
    with client.websocket_connect(WS) as ws:
        start(ws, speed=20)
        time.sleep(0.5)
        ws.send_json({"type": "pause"})
        step = [m for m in until(ws, status("paused")) if m["type"] == "frame"][-1]["step"]
        assert 3 <= step <= 20  # about 10 in half a second at 20 steps/s


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"type": "start", "lab": "initialization", "config": {"width": "wide"}}, "config.width"),
        ({"type": "start", "lab": "initialization", "config": {"methods": [{"method": "magic"}]}},
         "config.methods[0].method"),
        ({"type": "start", "lab": "initialization", "config": {"width": 10**9}}, "config.width"),
        ({"type": "start", "lab": "initialization", "config": {"depth": 500}}, "config.depth"),
        ({"type": "start", "lab": "initialization", "config": {"steps": -5}}, "config.steps"),
        ({"type": "start", "lab": "initialization", "config": {"methods": [{"method": "normal"}] * 9}},
         "config.methods"),
        ({"type": "start", "lab": "initialization", "config": {"batch": 3}}, "config.batch"),
        ({"type": "start", "lab": "nope", "config": {}}, "lab"),
        ({"type": "launch"}, "type"),
        ({"type": "step", "n": -1}, "n"),
        ({"type": "pause"}, "type"),
    ],
)
def test_bad_messages_get_an_error_naming_the_field(client, message, field):
    with client.websocket_connect(WS) as ws:
        ws.send_json(message)
        error = receive(ws)
        assert error["type"] == "error" and error["field"] == field, error
        assert error["message"]
        start(ws, {**TINY, "steps": 2})  # the socket is still usable
        until(ws, status("finished"))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"type": "start", "lab": "initialization", "config": {"lr": NaN}}', "config.lr"),
        ('{"type": "start", "lab": "initialization", "config": {"lr": Infinity}}', "config.lr"),
        ("not json", "message"),
        ("[1, 2]", "message"),
        ('{"type": "start", "lab": "initialization", "config": {"pad": "' + "x" * 5000 + '"}}', "message"),
    ],
)
def test_nan_garbage_and_oversized_messages(client, text, field):
    with client.websocket_connect(WS) as ws:
        ws.send_text(text)
        error = receive(ws)
        assert error["type"] == "error" and error["field"] == field, error


def test_set_validates_its_params(client):
    with client.websocket_connect(WS) as ws:
        start(ws, paused=True)
        until(ws, status("paused"))
        ws.send_text('{"type": "set", "params": {"lr": NaN}}')
        assert until(ws, is_error)[-1]["field"] == "params.lr"
        ws.send_json({"type": "set", "params": {"momentum": 0.9}})
        assert until(ws, is_error)[-1]["field"] == "params.momentum"
        ws.send_json({"type": "set", "params": {"speed": -3}})
        assert until(ws, is_error)[-1]["field"] == "params.speed"
        ws.send_json({"type": "step", "n": 1})
        assert until(ws, lambda m: m["type"] == "frame")[-1]["step"] == 1


def test_step_needs_a_paused_run(client):
    with client.websocket_connect(WS) as ws:
        start(ws)
        ws.send_json({"type": "step", "n": 2})
        assert until(ws, is_error)[-1]["field"] == "type"


def test_a_diverging_run_ends_as_diverged_in_strict_json(client):
    config = {"depth": 6, "width": 64, "activation": "none", "lr": 10, "steps": 50,
              "methods": [{"method": "ones"}, {"method": "normal", "std": 3.0}]}
    with client.websocket_connect(WS) as ws:
        start(ws, config)
        seen = until(ws, lambda m: m["type"] == "status" and m["status"] in ("diverged", "finished"))
        assert seen[-1]["status"] == "diverged"
        last = [m for m in seen if m["type"] == "frame"][-1]
        assert all(m["diverged"] for m in last["methods"])
        assert last["methods"][0]["loss"] is None and "nonfinite" in last


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "http://127.0.0.1:8000.evil.com", "https://127.0.0.1:8000", "http://127.0.0.1:8001",
     "null", "http://localhost:8000"],
)
def test_cross_site_origins_are_refused(client, origin):
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect(WS, headers={"origin": origin}):
            pass
    assert refused.value.code == 1008


def test_the_servers_own_origin_is_accepted(client):
    with client.websocket_connect(WS, headers={"origin": BASE}) as ws:
        start(ws, {**TINY, "steps": 1})
        until(ws, status("finished"))

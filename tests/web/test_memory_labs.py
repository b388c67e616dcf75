"""Memory known before building, for every lab (issue 13 item 4): each lab's estimate, from its config,
against the peak a real run or request holds (measured in a process of its own, tests/web/memory_probe.py)
at the caps, and starts or requests over the budget refused naming the fields that make them big.

The bound is an upper bound within a sensible factor: measured <= estimate <= 4 x measured + 96 MB
(the estimates carry a constant for the hub's frame cache; tiny runs measure next to nothing)."""

import subprocess
import sys

import orjson
import pytest
from fastapi.testclient import TestClient

from app.labs import descent, landscape, training
from app.labs.descent.memory import one_run_memory, scene_memory
from app.labs.landscape.memory import surface_memory
from app.labs.training.memory import vanishing_memory
from app.main import create_app
from app.settings import Settings
from app.web.catalog import LabCatalog
from app.web.registry import LIVE_LABS
from app.web.routes.training import VanishingRequest
from tests.conftest import BASE, WS
from tests.web.edge_server import ROOT

MB = 1 << 20
RACERS = [{"name": n} for n in ("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad", "nesterov")]
RACERS += [{"name": "sgd", "lr": 0.01}]  # max_racers: 8
COPIES = 10  # the run and the hub's checkpoints

# (job, the estimate's bytes): each live lab with its capped fields at their caps (the steps a run takes
# are few where its memory does not grow with them; run to the end where it does)
LIVE = [
    ("backprop", {"steps": 100_000}, 200),
    ("losses", {"samples": 20_000, "outliers": 2_000, "steps": 100_000,
                "losses": ["l1", "mse", "smooth_l1", "huber"]}, 50),
    ("descent", {"samples": 20_000, "variants": ["batch", "stochastic", "minibatch"], "epochs": 5,
                 "batch_size": 2048}, 50),
    ("optimizers", {"mode": "swarm", "swarm_size": 10_000, "optimizers": RACERS, "steps": 200}, -1),
    ("optimizers", {"mode": "race", "optimizers": RACERS, "steps": 20_000}, -1),
    ("training", {"hidden": [1024, 1024], "batch_size": 512, "samples": 20_000, "epochs": 1000,
                  "compare": {"hidden": [1024]}}, 2),
    ("training", {"dataset": "digits", "hidden": [512, 512], "batch_size": 2048, "epochs": 1000}, 2),
    ("landscape", {"hidden": [128, 128, 128, 128], "grid": 41, "samples": 2000, "epochs": 200,
                   "directions": "pca"}, 40),
]
POSTS = [
    ("/api/landscape/surface", {"hidden": [128] * 4, "grid": 41, "samples": 2000, "epochs": 4,
                                "directions": "pca"}),
    ("/api/descent/scene", {"samples": 20_000, "epochs": 5}),
    ("/api/descent/run", {"samples": 10_000, "epochs": 1, "variant": "stochastic"}),  # max_descent_updates
    ("/api/training/vanishing", {"depth": 24, "width": 256, "batch": 1024}),
]


def _post_estimate(path: str, body: dict) -> int:
    if path == "/api/landscape/surface":
        return surface_memory(landscape.LandscapeConfig(**{**body, "hidden": tuple(body["hidden"])}))[0]
    if path == "/api/descent/scene":
        return scene_memory(descent.DescentConfig(**body))[0]
    if path == "/api/descent/run":
        return one_run_memory(body["samples"], body["samples"] * body["epochs"])[0]
    return vanishing_memory(VanishingRequest(**body))[0]


@pytest.fixture(scope="module")
def measured() -> list[tuple[int, int]]:
    jobs = [["live", lab, config, steps, COPIES] for lab, config, steps in LIVE] + [["post", *p] for p in POSTS]
    out = subprocess.run([sys.executable, "-m", "tests.web.memory_probe", orjson.dumps(jobs).decode()], cwd=ROOT,
                         capture_output=True, text=True, timeout=1500)
    assert out.returncode == 0, out.stderr[-3000:]
    return [(int(a), int(b)) for a, b in (line.split() for line in out.stdout.split("\n") if line.strip())]


def _within(held: int, estimate: int, name: str) -> bool:
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with open(ROOT / "test-artifacts" / "memory-estimates.txt", "a") as f:  # the figures, for a report
        f.write(f"{name}: measured {held / MB:.0f} MB, estimated {estimate / MB:.0f} MB\n")
    return held <= estimate <= 4 * held + 96 * MB


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("index", range(len(LIVE)), ids=[f"{lab}-{i}" for i, (lab, _, _) in enumerate(LIVE)])
def test_a_live_runs_estimate_covers_what_it_and_its_checkpoints_hold(measured, index):
    lab, config, _ = LIVE[index]
    prepared = LabCatalog(LIVE_LABS, Settings()).prepare(lab, config)
    held, _ = measured[index]
    assert _within(held, prepared.memory, f"{lab} {orjson.dumps(config).decode()[:80]}"), (lab, held / MB,
                                                                                        prepared.memory / MB)


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("index", range(len(POSTS)), ids=[p for p, _ in POSTS])
def test_a_one_shot_requests_estimate_covers_what_it_holds(measured, index):
    path, body = POSTS[index]
    held, status = measured[len(LIVE) + index]
    assert status == 200, path
    assert _within(held, _post_estimate(path, body), path), (path, held / MB, _post_estimate(path, body) / MB)


def test_a_start_over_the_budget_is_refused_naming_its_fields_before_it_is_built():
    # 24 hidden layers of 1,024 and a twin: 50 M weights, with the hub's checkpoints far beyond 4 GB
    big = {"hidden": [1024] * 24, "compare": {"hidden": [1024] * 20}}
    with TestClient(create_app(Settings()), base_url=BASE) as client, client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "training", "config": big})
        refusal = ws.receive_json()
        assert refusal["type"] == "error" and refusal["field"] == "config.hidden", refusal
        assert "MB" in refusal["message"] and "config.hidden, config.compare" in refusal["message"]
        assert not client.app_state["hub"].runs


@pytest.mark.parametrize(("path", "body", "fields"), [
    ("/api/training/scene", {"hidden": [1024] * 12}, "hidden"),
    ("/api/training/vanishing", {"depth": 24, "width": 1024, "batch": 2048}, "width, depth, batch"),
])
def test_a_request_over_the_budget_is_refused_naming_its_fields(client, path, body, fields):
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", fields.split(",")[0]] and "MB" in detail["msg"] and fields in detail["msg"]


def test_every_live_lab_has_an_estimate():
    assert all(lab.memory is not None for lab in LIVE_LABS.values())
    small = training.TrainingConfig()
    assert 0 < LabCatalog(LIVE_LABS, Settings()).prepare("training", {}).memory < 64 * MB, small

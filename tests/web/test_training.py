"""Training lab over HTTP and the socket: upload, scene, scenes, code, live runs and refusals."""

import numpy as np
import pytest

from app.labs.common.datasets import make_dataset
from app.labs.training.config import DATASETS
from app.labs.training.frames import GRID
from app.labs.training.packing import unfloats
from app.settings import Settings
from app.web.routes import training_data as store
from tests.conftest import WS
from tests.labs.training.test_train_data import idx_bytes
from tests.web.wsutil import is_error, receive, status, until

POINTS = b"x1,x2,label\n" + b"".join(f"{i},{(i * 7) % 11},{'red' if i % 3 else 'blue'}\n".encode() for i in range(40))


def upload(client, raw=POINTS, task="auto"):
    return client.post(f"/api/training/upload?task={task}", content=raw, headers={"Content-Type": "text/csv"})


def test_upload_then_train_on_it(client):
    response = upload(client)
    assert response.status_code == 200
    body = response.json()
    assert body["task"] == "classification" and body["rows"] == 40 and body["classes"] == ["blue", "red"]
    assert body == upload(client).json()  # the same bytes, the same id
    scene = client.post("/api/training/scene", json={"dataset": "csv", "upload": body["upload"]}).json()
    xs = scene["points"]["train"]["x"] + scene["points"]["test"]["x"]
    assert min(xs) == pytest.approx(0, abs=1e-3) and max(xs) == pytest.approx(39, abs=1e-3)  # the user's units
    with client.websocket_connect(WS) as ws:
        config = {"dataset": "csv", "upload": body["upload"], "epochs": 2, "hidden": [8]}
        ws.send_json({"type": "start", "lab": "training", "config": config})
        assert receive(ws)["type"] == "started"
        last = [m for m in until(ws, status("finished")) if m["type"] == "frame"][-1]
        assert last["runs"][0]["curves"]["epoch"][-1] == 2.0 and len(last["runs"][0]["boundary"]["z"]) == GRID


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"1,2,3,4\n" * 8, "expected 3 columns"),
        (POINTS.replace(b"5,2,red", b"5,two,red"), "row 7, column 'x2': 'two' is not a number"),
        (POINTS + b"1,2\n", "row 42 has 2 columns"),
        (b"x,y,label\n" + b"1,2,a\n" * 10, "1 classes"),
        (b"\xff" * 10, "not UTF-8"),
        (b"1," * 520_000, "larger than this server's limit"),
    ],
)
def test_bad_uploads_are_422_on_file(client, raw, message):
    response = upload(client, raw)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "file"] and message in detail["msg"]


def test_unknown_upload_and_missing_fashion_name_their_fields(client):
    r = client.post("/api/training/scene", json={"dataset": "csv", "upload": "0123456789abcdef"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "upload"]
    r = client.post("/api/training/scene", json={"dataset": "fashion"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "dataset"]
    offered = {d["name"]: d["available"] for d in client.get("/api/training/datasets").json()}
    assert offered["moons"] and offered["csv"] and not offered["fashion"]


def test_datasets_say_which_sit_on_the_plane_as_their_data_do(client, tmp_path):
    """``plane`` is true exactly where a sample of the set has two inputs; the CSV's sample is an x1,x2,label
    file and Fashion-MNIST's a small folder of IDX files."""
    rng = np.random.RandomState(0)
    for part in ("train", "t10k"):
        images = rng.randint(0, 256, (4, 28, 28)).astype(np.uint8)
        (tmp_path / f"{part}-images-idx3-ubyte").write_bytes(idx_bytes(images))
        (tmp_path / f"{part}-labels-idx1-ubyte").write_bytes(idx_bytes(np.arange(4, dtype=np.uint8)))
    settings = Settings(fashion_mnist_dir=str(tmp_path))

    def sample(name):
        if name == "csv":
            return store.parse(POINTS, "auto", settings)
        if name == "fashion":
            return store.fashion(settings, 4)
        return make_dataset(name, samples=8)

    listed = client.get("/api/training/datasets").json()
    assert [d["name"] for d in listed] == list(DATASETS)
    assert {d["name"]: d["plane"] for d in listed} == {name: sample(name).input_dim == 2 for name in DATASETS}
    assert {d["plane"] for d in listed} == {True, False}


def test_scene_of_the_default_run(client):
    scene = client.post("/api/training/scene", json={}).json()
    assert scene["dataset"] == "moons" and scene["steps"] == 60 * 13 and scene["epochs"] == 60
    assert scene["runs"] == [{"label": "run", "changes": {}, "layers": [[2, 16], [16, 16], [16, 2]]}]
    assert len(scene["grid"]["x"]) == GRID and len(scene["points"]["test"]["label"]) == 200


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"hidden": [2000]}, ["body", "hidden", 0]),
        ({"hidden": [8] * 30}, ["body", "hidden"]),
        ({"compare": {"hidden": [4000]}}, ["body", "compare", "hidden", 0]),
        ({"compare": {"seed": 1}}, ["body", "compare", "seed"]),
        ({"activation": "swish"}, ["body", "activation"]),
        ({"dropout": 1}, ["body", "dropout"]),
        ({"epochs": 1000, "batch_size": 1}, ["body", "epochs"]),
        ({"lr": "Infinity"}, ["body", "lr"]),
    ],
)
def test_scene_refusals_name_the_field(client, body, loc):
    response = client.post("/api/training/scene", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_polynomial_vanishing_and_code(client):
    poly = client.post("/api/training/polynomial", json={"max_degree": 5}).json()
    assert poly["degrees"] == [1, 2, 3, 4, 5] and [s["n"] for s in poly["samples"]] == [15, 100]
    van = client.post("/api/training/vanishing", json={"depth": 6, "nets": ["sigmoid", "relu_kaiming"]}).json()
    first = {n["name"]: n["grad_norms"][0] for n in van["nets"]}
    assert first["sigmoid"] < 1e-2 * first["relu_kaiming"]
    code = client.post("/api/training/code", json={"dropout": 0.2, "compare": {"dropout": 0}}).json()["code"]
    assert "nn.Dropout(0.2)" in code and "the same but with dropout=0" in code
    assert client.post("/api/training/vanishing", json={"nets": ["swish"]}).status_code == 422


def test_live_comparison_and_mid_run_changes(client):
    with client.websocket_connect(WS) as ws:
        config = {"epochs": 3, "weight_decay": 0.01, "compare": {"weight_decay": 0}}
        ws.send_json({"type": "start", "lab": "training", "config": config, "paused": True})
        assert receive(ws)["type"] == "started"
        until(ws, status("paused"))
        ws.send_json({"type": "set", "params": {"lr": 0.02, "weight_decay": 0.05}})
        frame = until(ws, lambda m: m["type"] == "frame")[-1]
        main, twin = frame["runs"]
        assert main["params"]["lr"] == twin["params"]["lr"] == 0.02
        assert main["params"]["weight_decay"] == 0.05 and twin["params"]["weight_decay"] == 0  # compared on it
        ws.send_json({"type": "set", "params": {"hidden": [4]}})
        assert until(ws, is_error)[-1]["field"] == "params.hidden"
        ws.send_json({"type": "resume"})
        last = [m for m in until(ws, status("finished")) if m["type"] == "frame"][-1]
        assert last["step"] == last["total_steps"] == 39  # written by the engine; a lab's frame has no clock
        assert "progress" not in last and "eta_s" not in last


def test_live_start_refusals(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "training", "config": {"compare": {"lr": -1}}})
        assert until(ws, is_error)[-1]["field"] == "config.compare.lr"
        ws.send_json({"type": "start", "lab": "training", "config": {"dataset": "csv"}})
        assert until(ws, is_error)[-1]["field"] == "config.upload"


def test_features_reach_the_scene_the_code_and_the_frames(client):
    config = {"dataset": "circle", "samples": 40, "hidden": [3], "epochs": 1, "features": ["x1_squared", "x2_squared"]}
    scene = client.post("/api/training/scene", json=config).json()
    assert scene["network"]["features"] == ["x1_squared", "x2_squared"] and scene["network"]["side"] == 16
    assert len(unfloats(scene["network"]["inputs"]["lo"])) == 2
    code = client.post("/api/training/code", json=config).json()["code"]
    assert "x[:, 0] ** 2,  # x1_squared" in code and "nn.Linear(2, 3)" in code
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "training", "config": config})
        assert receive(ws)["type"] == "started"
        last = [m for m in until(ws, status("finished")) if m["type"] == "frame"][-1]
        layers = last["runs"][0]["network"]["layers"]
        assert [layer["width"] for layer in layers] == [3, 2] and layers[0]["grad_norm"] is not None


@pytest.mark.parametrize(("features", "field"), [
    (["x3"], "features.0"), (["x1", "x1"], "features"), ([], "features"),
])  # fmt: skip
def test_bad_features_are_refused_naming_the_field(client, features, field):
    response = client.post("/api/training/scene", json={"features": features})
    assert response.status_code == 422
    assert ".".join(str(p) for p in response.json()["detail"][0]["loc"][1:]) == field


def test_features_on_the_digits_are_refused(client):
    response = client.post("/api/training/scene", json={"dataset": "digits", "features": ["x1", "x1_squared"]})
    assert response.status_code == 422 and "2D classification" in response.json()["detail"][0]["msg"]


def test_the_network_view_can_be_left_out_of_the_frames(client):
    scene = client.post("/api/training/scene", json={"samples": 40, "network_view": False}).json()
    assert "network" not in scene

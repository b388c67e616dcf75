"""The network view: each neuron's 8-bit map against a forward pass written out by hand, edges against
the model's weights, statistics against a direct count, and the limits of what is drawn."""

import pytest
import torch

from app.labs.training import TrainingConfig, TrainingRun
from app.labs.training.network import MAX_LAYERS, MAX_NEURONS, STATS_POINTS, STRIDE
from app.labs.training.packing import dequantise, unfloats

ACT = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
BY_HAND = {  # the features, written again rather than imported
    "x1": lambda x: x[:, 0], "x2": lambda x: x[:, 1], "x1_squared": lambda x: x[:, 0] * x[:, 0],
    "x2_squared": lambda x: x[:, 1] * x[:, 1], "x1_x2": lambda x: x[:, 0] * x[:, 1],
    "sin_x1": lambda x: torch.sin(x[:, 0]), "sin_x2": lambda x: torch.sin(x[:, 1]),
}  # fmt: skip


def f32(text: str) -> list[float]:
    return unfloats(text).tolist()


def stepped(steps: int = 15, **config: object) -> TrainingRun:
    run = TrainingRun(TrainingConfig(**{"samples": 120, "hidden": (8, 8), "epochs": 5, **config}))  # type: ignore[arg-type]
    for _ in range(steps):
        run.step()
    return run


def map_points(run: TrainingRun) -> torch.Tensor:
    """The plane's points under the neuron maps: every STRIDE-th grid value, rows of constant x2."""
    ax, ay = (a[::STRIDE] for a in run._axes)
    yy, xx = torch.meshgrid(ay, ax, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def by_hand(run: TrainingRun, x: torch.Tensor, which: int = 0) -> tuple[list[torch.Tensor], list[torch.Tensor | None]]:
    """Each Linear layer's activation (logits for the last) and batch-normalised pre-activation, from
    the weights and running statistics alone, as the evaluation-mode network computes them."""
    cfg = run.trainees[which].cfg
    model = run.trainees[which].model
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    h = torch.stack([BY_HAND[f](x) for f in cfg.features], dim=1)
    acts, normed = [], []
    with torch.no_grad():
        for j, layer in enumerate(linears[:-1]):
            z = h @ layer.weight.T + layer.bias
            if norms:
                bn = norms[j]
                z = (z - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias
            normed.append(z if norms else None)
            a = ACT[cfg.activation](z)
            acts.append(a)
            h = h + a if cfg.residual and a.shape == h.shape else a
        acts.append(h @ linears[-1].weight.T + linears[-1].bias)
        normed.append(None)
    return acts, normed


def assert_maps(packed: dict, expected: torch.Tensor) -> None:
    """Within half a quantisation step (plus float32 rounding)."""
    got = dequantise(packed, expected.shape[0])
    step = (unfloats(packed["hi"]) - unfloats(packed["lo"])).double().reshape(-1, 1) / 255
    assert (got - expected.double()).abs().le(step / 2 + 1e-5).all()


@pytest.mark.parametrize("config", [
    {},
    {"activation": "tanh", "batch_norm": True, "features": ("x1", "x2", "x1_squared", "sin_x2")},
    {"activation": "sigmoid", "residual": True, "dataset": "circle", "features": ("x1_x2", "x2_squared")},
    {"hidden": (20, 3), "dropout": 0.3, "dataset": "xor", "features": ("sin_x1", "x1")},
])  # fmt: skip
def test_each_neuron_map_is_its_activation_on_the_grid(config: dict) -> None:
    run = stepped(**config)
    frame, points = run.frame(), map_points(run)
    layers = frame["runs"][0]["network"]["layers"]
    acts, normed = by_hand(run, points)
    assert [layer["index"] for layer in layers] == list(range(len(acts)))
    for layer, act, norm in zip(layers, acts, normed, strict=True):
        n = min(act.shape[1], MAX_NEURONS)
        assert layer["width"] == act.shape[1] and len(unfloats(layer["lo"])) == n
        assert_maps(layer, act[:, :n].T)
        if norm is None:
            assert layer["normed"] is None
        else:
            assert_maps(layer["normed"], norm[:, :n].T)
    # the input nodes' maps, sent once in the scene, are the features themselves
    inputs = run.scene()["network"]["inputs"]
    assert_maps(inputs, torch.stack([BY_HAND[f](points) for f in run.config.features]))
    # and the boundary comes from the same forward pass as before
    probs = torch.softmax(acts[-1], dim=1)[:, 1] * 100
    side = len(run._axes[0])
    boundary = torch.tensor(frame["runs"][0]["boundary"]["z"]).reshape(side, side)[::STRIDE, ::STRIDE]
    assert (boundary.reshape(-1) - probs).abs().max() <= 0.5 + 1e-3


def test_edges_are_the_weights_and_their_gradients() -> None:
    run = stepped(hidden=(20, 6), features=("x1", "x2", "x1_x2"))
    layers = run.frame()["runs"][0]["network"]["layers"]
    linears = run.trainees[0].layers
    columns = [3, MAX_NEURONS, 6]  # inputs, then the drawn neurons of the layer before
    for layer, linear, cols in zip(layers, linears, columns, strict=True):
        n = min(linear.out_features, MAX_NEURONS)
        assert torch.equal(unfloats(layer["edges"]["w"]), linear.weight[:n, :cols].detach().reshape(-1))
        assert torch.equal(unfloats(layer["edges"]["g"]), linear.weight.grad[:n, :cols].reshape(-1))
        norms = (linear.weight.grad[:n].square().sum(1) + linear.bias.grad[:n].square()).sqrt()
        assert f32(layer["grad_norm"]) == pytest.approx(norms.tolist(), rel=1e-5)
        assert torch.equal(unfloats(layer["bias"]), linear.bias[:n].detach())


def test_before_the_first_step_there_are_no_gradients() -> None:
    layer = stepped(steps=0).frame()["runs"][0]["network"]["layers"][0]
    assert layer["grad_norm"] is None and layer["edges"]["g"] is None and layer["dropped"] is None


def test_dead_relus_match_a_direct_count() -> None:
    # a high SGD rate kills a good share of ReLUs within a few steps
    run = stepped(steps=30, hidden=(16, 16), optimizer="sgd", lr=3.0, batch_size=8, samples=200)
    layers = run.frame()["runs"][0]["network"]["layers"]
    x = run.data.x_train[:STATS_POINTS]
    acts, _ = by_hand(run, x)
    dead_total = 0
    for layer, act in zip(layers[:-1], acts[:-1], strict=True):
        zero = act <= 0
        assert layer["inactive_units"] == int(zero.all(dim=0).sum())
        assert f32(layer["inactive"]) == pytest.approx(zero.double().mean(dim=0).tolist(), abs=1e-6)
        assert f32(layer["mean"]) == pytest.approx(act.mean(0).tolist(), rel=1e-4, abs=1e-6)
        dead_total += layer["inactive_units"]
    assert dead_total > 0  # the count is tested on dead units, not only on live ones
    assert layers[-1]["inactive"] is None  # logits have no dead state


def test_saturated_sigmoids_are_counted() -> None:
    run = stepped(activation="sigmoid", init="normal", hidden=(8,), steps=1)
    layer = run.frame()["runs"][0]["network"]["layers"][0]
    act = by_hand(run, run.data.x_train[:STATS_POINTS])[0][0]
    saturated = (act < 0.01) | (act > 0.99)
    assert f32(layer["inactive"]) == pytest.approx(saturated.double().mean(0).tolist(), abs=1e-6)


def test_dropout_shows_the_current_steps_mask() -> None:
    run = stepped(dropout=0.5, batch_size=16, steps=3)
    layers = run.frame()["runs"][0]["network"]["layers"]
    for layer, dropout in zip(layers, [m for m in run.trainees[0].model.modules() if hasattr(m, "last_keep")]):
        dropped = dropout.last_keep == 0
        assert f32(layer["dropped"]) == pytest.approx(dropped.double().mean(0).tolist(), abs=1e-6)
        assert layer["dropped_first"] == torch.nonzero(dropped[0]).reshape(-1).tolist()
        assert 0 < sum(f32(layer["dropped"])) < dropped.shape[1]
    assert layers[-1]["dropped"] is None


def test_a_deep_wide_network_draws_what_fits_and_counts_the_rest() -> None:
    depth = MAX_LAYERS + 3
    run = stepped(hidden=(40,) * depth, steps=1)
    net = run.frame()["runs"][0]["network"]
    half = MAX_LAYERS // 2
    assert [layer["index"] for layer in net["layers"]] == [*range(half), *range(depth - half, depth + 1)]
    assert net["hidden_layers"] == depth
    first, after_gap = net["layers"][0], net["layers"][half]
    assert first["width"] == 40 and len(unfloats(first["lo"])) == MAX_NEURONS
    assert after_gap["edges"] is None  # its inputs are in a layer that is not drawn
    assert len(unfloats(net["layers"][1]["edges"]["w"])) == MAX_NEURONS * MAX_NEURONS


def test_frames_stay_small_and_a_paused_run_reuses_its_pictures() -> None:
    import orjson

    run = stepped(hidden=(16, 16), samples=400)
    first = run.frame()
    assert run.frame()["runs"][0]["network"] is first["runs"][0]["network"]  # no step: not rebuilt
    size = len(orjson.dumps(first["runs"][0]["network"]))
    assert size < 20_000, size  # 34 maps of 16 × 16 bytes (base64: 11.6 kB), 320 edges twice (3.4 kB), statistics
    run.step()
    assert run.frame()["runs"][0]["network"] is not first["runs"][0]["network"]
    off = stepped(hidden=(16, 16), samples=400, network_view=False).frame()
    assert "network" not in off["runs"][0] and off["runs"][0]["boundary"] == first["runs"][0]["boundary"]


def test_a_comparison_has_a_network_per_run() -> None:
    run = stepped(dropout=0.5, compare={"dropout": 0.0, "hidden": (4,)})
    parts = run.frame()["runs"]
    assert [len(p["network"]["layers"]) for p in parts] == [3, 2]
    first, twin = (p["network"]["layers"][0] for p in parts)
    assert first["dropped"] is not None and twin["dropped"] is None

"""Every Initialisation preset shows its lesson at the first batch, for its own seed and ten others.

Measured on the frame the page draws before training (the forward and backward pass of the first
batch of digits), for the preset exactly; a seed changes the weights and the batch."""

import json
from pathlib import Path

import pytest

from app.labs.initialization import InitializationRun
from app.labs.initialization.presets import PRESETS, preset_config

SEEDS = range(11)  # the presets' own seed 0, and ten others
STRINGS = json.loads((Path(__file__).parents[2] / "static/i18n/initialization.json").read_text())


def first_frame(name: str, seed: int) -> dict[str, list[dict]]:
    """Method -> its layers' statistics (the last layer, the logits, left out)."""
    frame = InitializationRun(preset_config(name, seed=seed, steps=0)).frame()
    return {m["method"] + str(i): m["layers"][:-1] for i, m in enumerate(frame["methods"])}


@pytest.mark.parametrize("seed", SEEDS)
def test_tanh_normal_saturates_while_xavier_keeps_the_signal_in_range(seed: int) -> None:
    nets = first_frame("tanh", seed)
    normal, xavier, kaiming = nets["normal0"], nets["xavier_normal1"], nets["kaiming_normal2"]
    assert all(layer["activation"]["std"] > 0.9 for layer in normal)  # tanh pinned at ±1
    assert all(0.15 < layer["activation"]["std"] < 0.6 for layer in xavier)
    assert all(layer["activation"]["std"] < 0.75 for layer in kaiming)


@pytest.mark.parametrize("seed", SEEDS)
def test_relu_small_normal_fades_while_kaiming_keeps_the_scale(seed: int) -> None:
    nets = first_frame("relu", seed)
    normal, xavier, kaiming = nets["normal0"], nets["xavier_normal1"], nets["kaiming_normal2"]
    stds = {k: [layer["activation"]["std"] for layer in v] for k, v in
            {"normal": normal, "xavier": xavier, "kaiming": kaiming}.items()}
    assert stds["normal"][-1] < 1e-6 * stds["normal"][0]  # ×0.01·√(256/2) ≈ 0.11 per layer
    assert 0.01 < stds["xavier"][-1] / stds["xavier"][0] < 0.2  # ×1/√2 per layer: 0.06 over 8
    assert 0.4 < stds["kaiming"][-1] / stds["kaiming"][0] < 2.5


@pytest.mark.parametrize("seed", SEEDS)
def test_symmetric_starts_have_one_distinct_neuron_per_layer(seed: int) -> None:
    nets = first_frame("symmetry", seed)
    for name in ("zeros0", "constant1"):
        assert [layer["distinct_neurons"] for layer in nets[name]] == [1] * len(nets[name])
    assert all(layer["distinct_neurons"] > 1 for layer in nets["xavier_uniform2"])


def test_every_preset_says_what_to_look_for_in_both_languages() -> None:
    for lang in ("en", "zh"):
        for name in PRESETS:
            assert len(STRINGS[lang][f"initialization.look.{name}"]) > 20, (lang, name)

"""The notes' worked loss numbers, the curves and the guide."""

import math

import pytest
import torch
from torch import nn

from app.labs.losses import (
    OutlierConfig,
    bce_curves,
    bce_logits_comparison,
    bce_table,
    cross_entropy_walkthrough,
    curves,
    examples_code,
    guide,
    pytorch_code,
    regression_examples,
)


def test_regression_examples_from_the_notes() -> None:
    values = {e["id"]: e["value"] for e in regression_examples()}
    assert values["l1_001"] == 0.5  # note 001: tensor(0.5000)
    assert values["mse_001"] == 0.25  # note 001: tensor(0.2500)
    assert values["smooth_l1_001"] == pytest.approx(0.34375)
    assert values["mae_000"] == pytest.approx(1 / 3, abs=1e-7)  # |0.5| + 0 + |0.5| over 3
    assert values["mse_000"] == pytest.approx(1 / 6, abs=1e-7)


def test_cross_entropy_walkthrough_matches_the_notes() -> None:
    w = cross_entropy_walkthrough()
    assert w["cross_entropy"] == pytest.approx(0.6422001123428345, abs=1e-7)
    assert w["log_softmax_nll"] == pytest.approx(w["cross_entropy"], abs=1e-7)
    first, second = w["samples"]
    assert round(first["log_softmax_at_label"], 4) == -0.6041
    assert round(second["log_softmax_at_label"], 4) == -0.6803
    assert first["shifted"] == [-0.5, 0.0, -1.5]  # the notes subtract the max, 2.0
    assert sum(first["softmax"]) == pytest.approx(1.0, abs=1e-6)
    # softmax before CrossEntropyLoss is applied twice: a different, wrong number
    assert w["double_softmax"] > w["cross_entropy"] + 0.2


def test_bce_table_matches_the_notes() -> None:
    table = bce_table()
    assert [round(row["term"], 4) for row in table["rows"]] == [-0.3567, -0.2231, -0.1054, -1.2040]
    assert [row["y"] for row in table["rows"]] == [0.7, 0.2, 0.9, 0.7]
    expected = -sum(row["term"] for row in table["rows"]) / 4
    assert table["bce_loss"] == pytest.approx(expected, abs=1e-6)
    assert table["functional"] == table["bce_loss"]


def test_regression_curves_have_the_known_shapes() -> None:
    c = curves(beta=1.0, delta=2.0, error_range=4.0, points=9)
    e = torch.tensor(c["error"])
    losses = c["losses"]
    assert losses["mse"]["loss"] == pytest.approx((e**2).tolist())
    assert losses["mse"]["grad"] == pytest.approx((2 * e).tolist())
    assert losses["l1"]["grad"] == pytest.approx(torch.sign(e).tolist())
    assert losses["smooth_l1"]["grad"] == pytest.approx(e.clamp(-1, 1).tolist())
    assert losses["huber"]["grad"] == pytest.approx(e.clamp(-2, 2).tolist())
    # Huber(δ) = δ·SmoothL1(β=δ)
    smooth_2 = nn.SmoothL1Loss(reduction="none", beta=2.0)(e, torch.zeros_like(e))
    assert losses["huber"]["loss"] == pytest.approx((2 * smooth_2).tolist())


def test_bce_curves_and_the_fused_logit_version() -> None:
    b = bce_curves(points=3)
    assert b["p"] == [0.25, 0.5, 0.75]
    assert b["target_1"]["loss"] == pytest.approx([-math.log(p) for p in b["p"]], rel=1e-6)
    assert b["target_0"]["grad"] == pytest.approx([1 / (1 - p) for p in b["p"]], rel=1e-6)
    c = bce_logits_comparison(target=0.0, logit_range=30.0, points=61)
    assert c["max_abs_diff"] < 1e-3
    # sigmoid(30) rounds to 1.0 in float32, so BCELoss clamps log(0) to −100
    assert c["bce_of_sigmoid"]["loss"][-1] == pytest.approx(100.0)
    assert c["bce_with_logits"]["loss"][-1] == pytest.approx(30.0, rel=1e-6)
    assert c["unstable_from"] is not None and 10 < c["unstable_from"] < 30


def test_guide_covers_the_notes_summary_in_both_languages() -> None:
    entries = {e["id"]: e for e in guide()}
    assert entries["multiclass"]["loss"] == "cross_entropy"
    assert entries["binary"]["loss"] == "bce"
    assert entries["regression"]["loss"] == "mse"
    for entry in entries.values():
        for key in ("task", "why"):
            assert entry[key]["en"] and entry[key]["zh"]


def test_code_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # our own generated scripts, run in-process: a subprocess would re-import torch for seconds
    exec(compile(examples_code(), "examples", "exec"), {})  # noqa: S102
    exec(compile(pytorch_code(OutlierConfig(steps=5)), "outliers", "exec"), {})  # noqa: S102
    out = capsys.readouterr().out
    assert "tensor(0.6422)" in out and "smooth_l1: w =" in out

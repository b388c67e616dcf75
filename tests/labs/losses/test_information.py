"""Entropy, cross-entropy and KL of two distributions: closed forms, torch, and the identity."""

import math

import pytest
import torch

from app.labs.errors import FieldError
from app.labs.losses import compare


def test_known_values_in_bits() -> None:
    r = compare([0.5, 0.25, 0.25], [0.25, 0.5, 0.25], unit="bits")
    assert r["entropy"] == pytest.approx(1.5)
    assert r["cross_entropy"] == pytest.approx(1.75)
    assert r["kl"] == pytest.approx(0.25)
    assert [t["information_p"] for t in r["terms"]] == pytest.approx([1.0, 2.0, 2.0])


@pytest.mark.parametrize("seed", range(5))
def test_identity_and_torch_agree_for_random_distributions(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    p = (torch.rand(6, generator=gen, dtype=torch.float64) * 3).tolist()  # not normalised
    q = (torch.rand(6, generator=gen, dtype=torch.float64) + 0.01).tolist()
    r = compare(p, q)
    assert r["normalised"] == {"p": True, "q": True}
    assert sum(r["p"]) == pytest.approx(1.0)
    assert r["cross_entropy"] == pytest.approx(r["entropy"] + r["kl"], abs=1e-12)
    assert r["identity"]["abs_diff"] < 1e-12
    assert r["kl"] >= 0
    assert r["torch"]["kl_div"] == pytest.approx(r["kl"], abs=1e-12)
    assert r["torch"]["kl_divergence"] == pytest.approx(r["kl"], abs=1e-12)
    assert r["torch"]["entropy"] == pytest.approx(r["entropy"], abs=1e-12)
    pt = torch.tensor(r["p"], dtype=torch.float64)
    assert r["entropy"] == pytest.approx(float(-(pt * pt.log()).sum()), abs=1e-12)


def test_one_hot_p_makes_cross_entropy_equal_kl() -> None:
    r = compare([0, 1, 0], [0.2, 0.5, 0.3])
    assert r["entropy"] == 0.0
    assert r["cross_entropy"] == pytest.approx(-math.log(0.5))
    assert r["kl"] == pytest.approx(r["cross_entropy"])
    assert r["terms"][0]["information_p"] is None  # −log 0 is infinite


def test_q_zero_where_p_positive_reports_infinite_kl() -> None:
    r = compare([0.5, 0.5, 0.0], [1.0, 0.0, 0.0])
    assert r["kl_infinite"] is True
    assert r["kl"] is None and r["cross_entropy"] is None
    assert r["support_mismatch"] == [1]
    assert r["entropy"] == pytest.approx(math.log(2))
    assert r["torch"]["kl_div"] is None  # torch says inf too


@pytest.mark.parametrize(
    ("p", "q", "unit", "field"),
    [
        ([0.5, -0.5], [0.5, 0.5], "nats", "p"),
        ([0.0, 0.0], [0.5, 0.5], "nats", "p"),
        ([0.5, 0.5], [0.5, 0.25, 0.25], "nats", "q"),
        ([0.5, 0.5], [0.5, float("inf")], "nats", "q"),
        ([1.0], [1.0], "nats", "p"),
        ([0.5, 0.5], [0.5, 0.5], "dits", "unit"),
    ],
)
def test_bad_distributions_name_the_field(p: list, q: list, unit: str, field: str) -> None:
    with pytest.raises(FieldError) as info:
        compare(p, q, unit)
    assert info.value.field == field


def test_the_units_a_request_can_take_are_the_table_s():
    import typing

    from app.labs.common.optimizers import OPTIMIZERS
    from app.labs.losses.information import UNITS, Unit
    from app.labs.losses.outliers import FIT_LOSSES, OPTIMISERS

    assert tuple(UNITS) == typing.get_args(Unit)
    assert set(OPTIMISERS) <= set(OPTIMIZERS) and FIT_LOSSES == ("l1", "mse", "smooth_l1", "huber")

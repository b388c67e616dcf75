"""Binned summaries: exact counts, torch's moments, spikes, non-finite values."""

import math

import pytest
import torch

from app.labs.common.histograms import shared_edges, summarize


def test_counts_match_torch_histogram_and_moments_match_torch():
    torch.manual_seed(0)
    x = torch.randn(300, 200) * 3 + 1
    edges = shared_edges([x], 40)
    s = summarize(x, edges)
    reference, _ = torch.histogram(x.reshape(-1), bins=40, range=(edges[0], edges[-1]))
    assert sum(s["histogram"]["counts"]) == x.numel()
    assert max(abs(a - b) for a, b in zip(s["histogram"]["counts"], reference.tolist())) <= 2  # edge rounding
    std, mean = torch.std_mean(x.double(), correction=0)
    assert s["mean"] == pytest.approx(float(mean), abs=1e-5)
    assert s["std"] == pytest.approx(float(std), rel=1e-5)


def test_small_spread_around_a_large_mean_keeps_its_std():
    x = 0.77 + 1e-4 * torch.randn(256, 256, generator=torch.Generator().manual_seed(1))
    s = summarize(x, shared_edges([x], 10))
    assert s["std"] == pytest.approx(float(x.double().std(unbiased=False)), rel=1e-3)


def test_shared_edges_cover_every_tensor():
    a, b = torch.linspace(-1, 2, 100), torch.linspace(-5, 0.5, 100)
    edges = shared_edges([a, b], 11)
    assert edges[0] == -5 and edges[-1] == 2 and len(edges) == 12
    assert sum(summarize(a, edges)["histogram"]["counts"]) == 100


def test_a_one_valued_tensor_is_a_spike():
    s = summarize(torch.full((4, 5), 0.77), [0.0, 1.0])
    assert s["spike"] == pytest.approx(0.77) and s["std"] == 0
    assert s["histogram"]["counts"] == [20]


def test_non_finite_values_are_counted_apart():
    x = torch.tensor([1.0, 2.0, math.nan, math.inf, 3.0])
    s = summarize(x, shared_edges([x], 4))
    assert s["nonfinite"] == 2 and sum(s["histogram"]["counts"]) == 3
    empty = summarize(torch.tensor([math.nan]), [])
    assert empty["histogram"] == {"edges": [], "counts": []} and math.isnan(empty["mean"])

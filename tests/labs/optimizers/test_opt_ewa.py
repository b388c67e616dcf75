"""The exponentially weighted average: the notes' formula, its bias correction, and torch.optim's copies."""

import pytest

from app.labs.errors import FieldError
from app.labs.optimizers.ewa import ewa, weighted_average


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98, 0.999])
def test_bias_correction_is_exact_on_a_constant_series(beta):
    average, corrected = weighted_average([7.0] * 50, beta)
    assert corrected == pytest.approx([7.0] * 50, rel=1e-12)
    assert average[0] == pytest.approx(7.0 * (1 - beta)) and average[-1] == pytest.approx(7.0 * (1 - beta**50))


def test_the_notes_recursion_by_hand():
    average, corrected = weighted_average([10.0, 20.0], 0.9)
    assert average == pytest.approx([1.0, 0.9 * 1.0 + 0.1 * 20.0])
    assert corrected == pytest.approx([10.0, 2.9 / 0.19])


def test_the_answer_has_the_series_both_averages_and_the_window():
    result = ewa(0.9, n=50, seed=1)
    assert result["window"] == pytest.approx(10.0)
    assert result["t"] == list(range(1, 51))
    assert all(len(result[k]) == 50 for k in ("series", "average", "corrected", "adam_exp_avg", "momentum_buffer"))
    assert result == ewa(0.9, n=50, seed=1)  # seeded
    assert result["series"] != ewa(0.9, n=50, seed=2)["series"]


def test_adams_exp_avg_is_the_uncorrected_average():
    result = ewa(0.95, n=120, seed=0)
    assert result["adam_exp_avg"] == pytest.approx(result["average"], rel=1e-12)


def test_sgds_momentum_buffer_is_the_average_started_at_the_first_value():
    # torch starts the buffer at g₁ instead of 0, so it runs ahead of S_t by exactly β^t·g₁
    beta = 0.8
    result = ewa(beta, n=60, seed=4)
    g1 = result["series"][0]
    for t, (buffer, average) in enumerate(zip(result["momentum_buffer"], result["average"], strict=True), start=1):
        assert buffer - average == pytest.approx(beta**t * g1, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"beta": 0.3}, "beta"), ({"beta": 1.0}, "beta"), ({"beta": "x"}, "beta"), ({"beta": 0.9, "n": 1}, "n"),
     ({"beta": 0.9, "n": 5000}, "n")],
)  # fmt: skip
def test_bad_values_name_the_field(kwargs, field):
    with pytest.raises(FieldError) as caught:
        ewa(**kwargs)
    assert caught.value.field == field

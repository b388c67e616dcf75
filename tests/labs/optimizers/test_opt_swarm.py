"""The swarm: one [N, 2] tensor per optimiser is N independent runs, and the counts add up."""

import math

import pytest
import torch

from app.labs.errors import FieldError
from app.labs.optimizers.specs import parse_specs
from app.labs.optimizers.surfaces import SURFACES
from app.labs.optimizers.swarm import DIVERGED, ESCAPED, MOVING, Swarm, sample, swarm_starts

OPTIMISERS = [
    {"name": "nesterov", "lr": 0.002, "momentum": 0.8},
    {"name": "adagrad", "lr": 0.5, "lr_decay": 0.01},
    {"name": "rmsprop", "lr": 0.02, "momentum": 0.3, "centered": True},
    {"name": "adam", "lr": 0.05, "amsgrad": True},
    {"name": "adamw", "lr": 0.05, "weight_decay": 0.1},
]
CLASSES = {
    "sgd": torch.optim.SGD, "nesterov": torch.optim.SGD, "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
}  # fmt: skip


def separate_run(surface, start, steps, spec):
    """One starting point alone: a 2-element parameter and its own optimiser."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = CLASSES[spec.name]([p], **spec.kwargs())
    for _ in range(steps):
        optimizer.zero_grad()
        surface(p[0], p[1]).backward()
        optimizer.step()
    return p.detach()


def test_every_row_of_the_swarm_is_the_run_it_would_be_alone():
    surface, steps = SURFACES["himmelblau"], 30
    starts = swarm_starts(surface, 12, "random", seed=3)
    specs = parse_specs(OPTIMISERS)
    swarm = Swarm(surface, specs, starts, shown=20, seed=0)
    for _ in range(steps):
        swarm.step()
    for block, spec in zip(swarm.batch.blocks, specs, strict=True):
        ends = swarm.batch.points[block.rows]
        alone = torch.stack([separate_run(surface, s.tolist(), steps, spec) for s in starts])
        torch.testing.assert_close(ends, alone, rtol=1e-12, atol=1e-12)


def test_grid_and_random_starts_cover_the_domain_reproducibly():
    surface = SURFACES["himmelblau"]
    grid = swarm_starts(surface, 10_000, "grid", seed=0)
    assert grid.shape == (10_000, 2) and grid.dtype == torch.float64
    assert grid[:, 0].min() > -5 and grid[:, 0].max() < 5 and len(grid[:, 0].unique()) == 100
    assert swarm_starts(surface, 1000, "grid", seed=0).shape == (961, 2)  # the largest square in 1,000
    first = swarm_starts(surface, 500, "random", seed=7)
    assert torch.equal(first, swarm_starts(surface, 500, "random", seed=7))
    assert not torch.equal(first, swarm_starts(surface, 500, "random", seed=8))
    assert first.min() >= -5 and first.max() <= 5
    with pytest.raises(FieldError, match="layout"):
        swarm_starts(surface, 10, "spiral", seed=0)


def test_the_drawn_sample_of_a_grid_is_a_coarser_grid():
    keep = sample(10_000, 1000, seed=0, grid=True)
    assert len(keep) == 25 * 25  # every 4th row and column: the finest sub-grid within 1,000
    rows, cols = keep // 100, keep % 100
    assert len(rows.unique()) == len(cols.unique()) == math.isqrt(len(keep))
    assert torch.equal(sample(500, 50, seed=1, grid=False), sample(500, 50, seed=1, grid=False))
    assert len(sample(500, 50, seed=1, grid=False).unique()) == 50
    assert torch.equal(sample(40, 100, seed=0, grid=True), torch.arange(40))


def test_himmelblau_drains_into_its_four_minima():
    surface = SURFACES["himmelblau"]
    swarm = Swarm(surface, parse_specs([{"name": "adam", "lr": 0.05}]), swarm_starts(surface, 400, "grid", 0), 50, 0)
    for _ in range(300):
        swarm.step()
    cloud = swarm.cloud(0)
    counts = cloud["counts"]
    assert sum(counts["minima"]) + counts["moving"] + counts["escaped"] + counts["diverged"] == 400
    assert all(c > 50 for c in counts["minima"]) and sum(counts["minima"]) > 390
    assert len(cloud["points"]) == len(cloud["basin"]) == 50
    assert cloud["mean_value"] < 1e-3


def test_basin_codes_for_escaped_and_diverged_points():
    surface = SURFACES["saddle_bounded"]
    starts = torch.tensor([[0.0, 0.999], [1.9, 0.0], [0.0, 1e-9]], dtype=torch.float64)
    swarm = Swarm(surface, parse_specs([{"name": "sgd", "lr": 0.01}]), starts, 3, 0)
    swarm.batch.points[1] = torch.tensor([5.0, 0.0])  # off the map
    swarm.batch.points[2] = torch.tensor([math.nan, 0.0])
    swarm.batch.values[2] = math.nan
    assert swarm.basins(swarm.batch.blocks[0]).tolist() == [0, ESCAPED, DIVERGED]
    assert MOVING == -1


def test_the_saddle_swarm_escapes():
    surface = SURFACES["saddle"]
    starts = swarm_starts(surface, 100, "random", 1)
    swarm = Swarm(surface, parse_specs([{"name": "momentum", "lr": 0.05}]), starts, 9, 0)
    for _ in range(100):
        swarm.step()
    assert swarm.cloud(0)["counts"] == {"minima": [], "moving": 0, "escaped": 100, "diverged": 0}


def test_diverged_rows_spoil_no_other_row():
    # in the ravine, lr 0.9 multiplies y by −2.6 per step: rows with y ≠ 0 blow up to nan
    surface, spec = SURFACES["ravine"], parse_specs([{"name": "sgd", "lr": 0.9}])
    starts = torch.tensor([[-9.0, 0.0], [-9.0, 3.0], [5.0, 0.0], [2.0, -1.0]], dtype=torch.float64)
    swarm = Swarm(surface, spec, starts, 4, 0)
    losses = [swarm.step() for _ in range(500)]
    cloud = swarm.cloud(0)
    assert cloud["counts"]["diverged"] == 2 and cloud["basin"][1] == cloud["basin"][3] == DIVERGED
    assert all(math.isfinite(v) for v in losses)  # the mean skips the lost rows
    for row in (0, 2):
        alone = separate_run(surface, starts[row].tolist(), 500, spec[0])
        assert torch.equal(swarm.batch.points[row], alone)


def test_the_largest_swarm_frame_is_bounded():
    # issue 13 item 12: 8 clouds x 10,000 points at full precision made 5.3 MB frames, and
    # permessage-deflate of those on the event loop slowed /healthz for everyone
    import orjson

    from app.labs.optimizers.config import OptimizersConfig
    from app.labs.optimizers.live import OptimizerRun
    from app.labs.optimizers.swarm import FRAME_POINTS, significant

    racers = [{"name": "adam", "lr": 0.01 * (k + 1)} for k in range(8)]
    run = OptimizerRun(OptimizersConfig(mode="swarm", surface="himmelblau", steps=3, swarm_size=10_000,
                                        swarm_layout="random", cloud_points=10_000, optimizers=racers))
    run.step()
    frame = run.frame()
    assert sum(len(c["points"]) for c in frame["clouds"]) <= FRAME_POINTS
    assert all(sum(c["counts"]["minima"]) + c["counts"]["moving"] + c["counts"]["escaped"]
               + c["counts"]["diverged"] == 10_000 for c in frame["clouds"])  # counts still over every point
    assert len(orjson.dumps(frame)) < 1_200_000  # was 5.3 MB
    exact = torch.tensor([1.23456789, -0.000123456789, 98765.4321, 0.0, float("nan"), float("inf")])
    rounded = significant(exact)
    assert rounded[:4].tolist() == [1.2346, -0.00012346, 98765.0, 0.0]
    assert math.isnan(rounded[4]) and rounded[5] == float("inf")


def test_a_runaway_cloud_leaves_the_mean_and_the_others_run_on():
    # Himmelblau with SGD at lr 0.3 blows up within 5 steps (values past 1e300); Adam beside it
    # must run its 300 steps: the run's loss and each curve stay finite and on the surface's scale
    surface = SURFACES["himmelblau"]
    specs = parse_specs([{"name": "sgd", "lr": 0.3}, {"name": "adam", "lr": 0.05}])
    swarm = Swarm(surface, specs, swarm_starts(surface, 2500, "grid", 0), 50, 0)
    start_max = float(swarm.batch.values.max())
    losses = [swarm.step() for _ in range(300)]
    assert all(math.isfinite(v) and v <= start_max for v in losses)
    runaway, adam = swarm.cloud(0), swarm.cloud(1)
    assert runaway["counts"]["escaped"] + runaway["counts"]["diverged"] == 2500 and math.isnan(runaway["mean_value"])
    assert sum(adam["counts"]["minima"]) == 2500 and adam["mean_value"] < 1e-3

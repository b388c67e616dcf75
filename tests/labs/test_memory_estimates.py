"""Memory known before building (issue 13 item 4): estimates from the config that err on the large
side of what real runs hold, the fields to blame named, and the descent grid in chunks."""

import subprocess
import sys

import numpy as np
import pytest

from app.labs.descent import config as descent
from app.labs.initialization import InitConfig, InitSpec, InspectConfig
from app.labs.initialization.memory import inspect_memory, parameters, run_memory

MEASURE = """
import copy, sys, psutil, torch
from app.labs.common.memory import COPIES
torch.set_num_threads(1)
from app.labs.initialization import InitConfig, InitSpec, InitializationRun
from app.labs.initialization.network import digits
digits()
d, w, b, m = map(int, sys.argv[1:5])
p = psutil.Process()
base = p.memory_info().rss
run = InitializationRun(InitConfig(methods=[InitSpec(method="normal", std=0.01)] * m, depth=d, width=w,
                                   batch_size=b, steps=10))
peak = 0
for _ in range(3):
    run.step()
    run.frame()
    peak = max(peak, p.memory_info().rss - base)
checkpoints = [copy.deepcopy(run) for _ in range(COPIES - 1)]  # what the hub's timeline keeps of it
peak = max(peak, p.memory_info().rss - base)
print(peak)
"""


def test_parameters_match_the_network():
    from app.labs.initialization.network import build_mlp

    model = build_mlp(5, 32, "relu", InitSpec(method="normal"), 0)
    assert parameters(5, 32) == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize(("depth", "width", "batch", "methods"), [(8, 512, 512, 2), (12, 1024, 64, 1)])
def test_the_run_estimate_covers_what_a_real_run_and_its_checkpoints_hold(depth, width, batch, methods):
    out = subprocess.run([sys.executable, "-c", MEASURE, str(depth), str(width), str(batch), str(methods)],
                         capture_output=True, text=True, check=True)
    held = int(out.stdout.strip())
    config = InitConfig(methods=[InitSpec(method="normal")] * methods, depth=depth, width=width, batch_size=batch)
    estimate, _ = run_memory(config)
    assert held <= estimate <= 3 * held + (64 << 20), (held >> 20, estimate >> 20)


def test_every_cap_at_once_is_known_to_be_big_and_says_why():
    # one run at every cap held 1.1-1.5 GB, found out only by building it
    big = InitConfig(methods=[InitSpec(method="normal")] * 4, depth=24, width=1024, batch_size=128)
    size, fields = run_memory(big)
    assert size > 1 << 30 and fields[:2] == ("width", "depth")
    size, fields = inspect_memory(InspectConfig(init=InitSpec(method="normal"), depth=24, width=1024,
                                                batch_size=2048))
    assert size > 512 << 20 and fields[0] == "batch_size"
    assert inspect_memory(InspectConfig(init=InitSpec(method="normal")))[0] < 64 << 20 + (16 << 20)


def test_the_descent_grid_is_the_same_in_chunks_and_small_whatever_the_samples(monkeypatch):
    x, y = descent.notes_data(1000, 0)
    w, b = np.linspace(-1, 4, 60), np.linspace(0, 5, 60)
    whole = ((w[None, :, None] * x.reshape(1, 1, -1) + b[:, None, None] - y.reshape(1, 1, -1)) ** 2).mean(axis=2)
    monkeypatch.setattr(descent, "GRID_CHUNK_CELLS", 60 * 60 * 7)  # 143 chunks of 7 samples
    np.testing.assert_allclose(descent.mse_grid(x, y, w, b), whole, rtol=1e-12)

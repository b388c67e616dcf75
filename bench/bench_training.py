"""Training lab: MLP updates per second through the engine, frames streaming to a client, against a
bare PyTorch loop on the same model, optimiser and batches (forward, loss, backward, step: no
evaluation, no recording, no frames). Goal: ratio >= 0.8.

``--network`` measures the network view instead: frame bytes and frame-building time with and
without it on the default 2D network and on the largest this server allows (in process), and the
default network's ratio to the bare loop through the engine with and without it (goal: the two
ratios within 0.05).

    python -m bench.bench_training [--repeats 3] [--network]
"""

import argparse
import math
import os
import statistics
import time
from pathlib import Path
from typing import Any

from torch import nn

from app.labs.training import TrainingConfig, TrainingRun, make_dataset
from app.labs.training.model import build_mlp, make_optimizer
from app.labs.training.run import make_loader
from app.runs.frames import encode
from app.settings import Settings
from bench.harness import running_server, setup_torch, stream_run

SCENES: dict[str, dict[str, Any]] = {
    "moons, 2-16-16-2, batch 16, Adam": {"epochs": 200},
    "moons with a comparison twin (2 models)": {"epochs": 200, "weight_decay": 0.01, "compare": {"weight_decay": 0}},
    "digits, 64-64-10, batch 32, Adam": {"dataset": "digits", "hidden": [64], "batch_size": 32, "epochs": 60},
    "digits, 64-256-256-10, batch 128, SGD + momentum": {
        "dataset": "digits", "hidden": [256, 256], "batch_size": 128, "epochs": 200, "optimizer": "momentum",
        "lr": 0.05},
}


def bare_loop(cfg: TrainingConfig) -> tuple[float, int]:
    """Seconds and steps of the same training done by hand, one model per run the lab would train."""
    data = make_dataset(cfg.dataset, cfg.samples, cfg.noise, cfg.test_fraction, cfg.data_seed)
    configs = [cfg] if cfg.compare is None else [cfg, cfg.twin()]
    models = [build_mlp(data.input_dim, c.hidden, data.outputs, c.activation, c.dropout, c.batch_norm, c.residual,
                        c.init, c.seed) for c in configs]
    optimizers = [make_optimizer(m, c.optimizer, c.lr, c.weight_decay) for m, c in zip(models, configs, strict=True)]
    loader = make_loader(data.x_train, data.y_train, cfg.batch_size, cfg.seed)  # the lab's batches
    loss_fn = nn.CrossEntropyLoss()
    steps = 0
    started = time.perf_counter()
    for _ in range(cfg.epochs):
        for xb, yb in loader:
            for model, optimizer in zip(models, optimizers, strict=True):
                optimizer.zero_grad()
                loss_fn(model(xb), yb).backward()
                optimizer.step()
            steps += 1
    return time.perf_counter() - started, steps


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux): what a run costs, whatever else is running."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(url: str) -> int | None:
    """The GradLab process listening on the URL's port, found through /proc (Linux only)."""
    port = int(url.split(":")[2].split("/")[0])
    inodes = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
              if int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A"}
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes for fd in fd_dir.iterdir()):
                return int(fd_dir.parent.name)
        except OSError:
            continue
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--network", action="store_true", help="measure the network view (frame bytes, time, ratio)")
    args = parser.parse_args()
    setup_torch()
    if args.network:
        network_bench(args.repeats)
        return
    print(f"one torch thread, as the server; best of {args.repeats}, bare and engine runs interleaved")
    print("wall: steps per elapsed second; cpu: steps per CPU second of the bench / of the server process")
    with running_server() as url:
        pid = server_pid(url)
        for label, config in SCENES.items():
            engine_ratio(url, pid, label, config, args.repeats)


def engine_ratio(url: str, pid: int | None, label: str, config: dict[str, Any], repeats: int) -> float:
    """Prints the scene's speed through the engine against the bare loop; returns the CPU ratio."""
    bare_wall, bare_cpu, engine_wall, engine_cpu = [], [], [], []
    for repeat in range(repeats):  # interleaved, so a busy machine slows both alike
        # a seed of its own per repeat: the engine computes identical runs once and would replay the first
        config = {**config, "seed": repeat}
        cfg = TrainingConfig(**{**config, "hidden": tuple(config.get("hidden", (16, 16)))})
        cpu = time.process_time()
        seconds, steps = bare_loop(cfg)
        bare_wall.append(seconds)
        bare_cpu.append(time.process_time() - cpu)
        cpu = cpu_seconds(pid) if pid else 0.0
        seconds, frames, last = stream_run(url, "training", config)
        engine_wall.append(seconds)
        engine_cpu.append(cpu_seconds(pid) - cpu if pid else math.nan)
        assert last == steps, (last, steps)
    print(f"{label} ({steps} steps, {frames} frames):")
    ratio = math.nan
    for name, bare, engine in (("wall", bare_wall, engine_wall), ("cpu ", bare_cpu, engine_cpu)):
        b, e = min(bare), min(engine)
        ratio = b / e
        print(f"  {name}  bare {steps / b:7.1f} steps/s   engine + frames {steps / e:7.1f} steps/s   "
              f"ratio {ratio:5.2f}   (goal >= 0.8)")
    return ratio


def frame_cost(config: dict[str, Any], view: bool, frames: int) -> tuple[float, int, int]:
    """Median seconds to build a frame (a step before each, so nothing is reused), its bytes as
    sent, and the network part's bytes."""
    run = TrainingRun(TrainingConfig(**{**config, "network_view": view}))
    times, sizes = [], []
    network: Any = None
    for _ in range(frames):
        run.step()
        start = time.perf_counter()
        frame = run.frame()
        times.append(time.perf_counter() - start)
        sizes.append(len(encode(frame)))
        network = frame["runs"][0].get("network")
    return statistics.median(times), int(statistics.median(sizes)), len(encode(network)) if network else 0


def network_bench(repeats: int) -> None:
    settings = Settings()
    largest = (settings.max_width,) * settings.max_depth
    networks = {
        "default 2D network (moons, 2-16-16-2)": ({}, 30),
        f"largest allowed (moons, {settings.max_depth} hidden layers of {settings.max_width})":
            ({"hidden": largest}, 1),
    }
    print("network view: frame building time (median, a step before each frame) and bytes as sent")
    for label, (config, frames) in networks.items():
        with_view = frame_cost(config, True, frames)
        without = frame_cost(config, False, frames)
        print(f"  {label}, {frames} frame(s):")
        print(f"    with the view    {1000 * with_view[0]:9.1f} ms  {with_view[1] / 1000:7.1f} kB "
              f"(network part {with_view[2] / 1000:.1f} kB)")
        print(f"    without the view {1000 * without[0]:9.1f} ms  {without[1] / 1000:7.1f} kB   "
              f"time x{with_view[0] / without[0]:.2f}, bytes x{with_view[1] / without[1]:.2f}")
    scene = {"epochs": 60}
    print(f"through the engine, the default network, {scene['epochs']} epochs, best of {repeats}:")
    with running_server() as url:
        pid = server_pid(url)
        on = engine_ratio(url, pid, "  with the network view", scene, repeats)
        off = engine_ratio(url, pid, "  without the network view", {**scene, "network_view": False}, repeats)
    print(f"ratio to the bare loop (cpu): {on:.3f} with, {off:.3f} without; difference {off - on:+.3f} (goal <= 0.05)")


if __name__ == "__main__":
    main()

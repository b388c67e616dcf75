"""Training lab: MLP updates per second through the engine, frames streaming to a client, against a
bare PyTorch loop on the same model, optimiser and batches (forward, loss, backward, step: no
evaluation, no recording, no frames). Goal: ratio >= 0.8.

    python -m bench.bench_training [--repeats 3]
"""

import argparse
import math
import os
import time
from pathlib import Path
from typing import Any

from torch import nn

from app.labs.training import TrainingConfig, make_dataset
from app.labs.training.model import build_mlp, make_optimizer
from app.labs.training.run import make_loader
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
    args = parser.parse_args()
    setup_torch()
    print(f"one torch thread, as the server; best of {args.repeats}, bare and engine runs interleaved")
    print("wall: steps per elapsed second; cpu: steps per CPU second of the bench / of the server process")
    with running_server() as url:
        pid = server_pid(url)
        for label, config in SCENES.items():
            cfg = TrainingConfig(**{**config, "hidden": tuple(config.get("hidden", (16, 16)))})
            bare_wall, bare_cpu, engine_wall, engine_cpu = [], [], [], []
            for _ in range(args.repeats):  # interleaved, so a busy machine slows both alike
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
            for name, bare, engine in (("wall", bare_wall, engine_wall), ("cpu ", bare_cpu, engine_cpu)):
                b, e = min(bare), min(engine)
                print(f"  {name}  bare {steps / b:7.1f} steps/s   engine + frames {steps / e:7.1f} steps/s   "
                      f"ratio {b / e:5.2f}   (goal >= 0.8)")


if __name__ == "__main__":
    main()

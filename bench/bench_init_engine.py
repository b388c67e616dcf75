"""Initialisation lab: training steps per second through the engine, frames streaming to a client,
against a bare PyTorch loop on the same model and batches, in the same run. Goal: ratio >= 0.8.

    .venv/bin/python -m bench.bench_init_engine [--steps 600]
"""

import argparse
import time

from torch import nn

from app.labs.initialization import InitConfig, InitSpec
from app.labs.initialization.network import build_mlp, digits
from bench.harness import running_server, setup_torch, stream_run

METHODS = {
    "one method (kaiming_normal)": [{"method": "kaiming_normal", "nonlinearity": "relu"}],
    "three methods (default comparison)": [
        {"method": "normal"}, {"method": "xavier_normal"}, {"method": "kaiming_normal", "nonlinearity": "relu"}],
}


def bare_loop(cfg: InitConfig, steps: int) -> float:
    """The same networks trained by hand: nothing but forward, backward and SGD."""
    import torch

    models = [build_mlp(cfg.depth, cfg.width, cfg.activation, spec, cfg.seed) for spec in cfg.methods]
    optimizers = [torch.optim.SGD(m.parameters(), lr=cfg.lr) for m in models]
    x, y = digits()
    generator = torch.Generator().manual_seed(cfg.seed)
    started = time.perf_counter()
    order, cursor = torch.randperm(len(x), generator=generator), 0
    for _ in range(steps):
        if cursor + cfg.batch_size > len(order):
            order, cursor = torch.randperm(len(x), generator=generator), 0
        idx = order[cursor:cursor + cfg.batch_size]
        cursor += cfg.batch_size
        for model, optimizer in zip(models, optimizers):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
            optimizer.step()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    setup_torch()
    digits()
    print(f"10 layers x 256, tanh, batch 128, {args.steps} steps; best of {args.repeats}")
    with running_server() as url:
        for label, methods in METHODS.items():
            config = {"depth": 10, "width": 256, "activation": "tanh", "batch_size": 128, "steps": args.steps,
                      "methods": methods}
            cfg = InitConfig(methods=[InitSpec(**m) for m in methods], depth=10, width=256, activation="tanh",
                             batch_size=128, steps=args.steps)
            bare_times, results = [], []
            for _ in range(args.repeats):  # interleaved, so a busy machine slows both alike
                bare_times.append(bare_loop(cfg, args.steps))
                results.append(stream_run(url, "initialization", config))
            bare = min(bare_times)
            engine, frames, last = min(results)
            assert last == args.steps
            print(f"{label}:")
            print(f"  bare PyTorch loop   {args.steps / bare:8.1f} steps/s")
            print(f"  engine + frames     {args.steps / engine:8.1f} steps/s  ({frames} frames, "
                  f"{frames / engine:.1f} frames/s)")
            print(f"  ratio engine/bare   {bare / engine:8.2f}   (goal >= 0.8)")


if __name__ == "__main__":
    main()

"""``gradlab --workers N``: each process gets its share of the cores for torch's threads and for
one-shot computations, so N processes together never start more threads than the machine has cores."""

import os

import pytest

import app.__main__ as cli
from app.settings import Settings


@pytest.mark.parametrize("cores,workers,asked,given", [
    (2, 2, (1, 2), (1, 1)),  # this machine: one thread each, one one-shot computation each
    (8, 2, (4, 8), (4, 4)),  # a torch_threads set within the share is kept
    (8, 2, (6, 8), (4, 4)),
    (2, 4, (2, 2), (1, 1)),  # more workers than cores: never below one
])
def test_each_worker_gets_its_share_of_the_cores(monkeypatch, cores, workers, asked, given):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    settings = Settings(torch_threads=asked[0], heavy_concurrency=asked[1]).per_worker(workers)
    assert (settings.torch_threads, settings.heavy_concurrency) == given


def test_the_workers_are_started_with_their_share(monkeypatch):
    started = {}
    monkeypatch.setattr(os, "environ", {"GRADLAB_BROKER_URL": "redis://127.0.0.1:1/0", "GRADLAB_TORCH_THREADS": "2"})
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cli.uvicorn, "run", lambda *args, **kwargs: started.update(kwargs))
    monkeypatch.setattr(cli.logging, "basicConfig", lambda **kwargs: None)  # the test session's logging stays
    cli.main(["--workers", "2"])
    assert started["workers"] == 2
    # the worker processes read their settings from the environment this one exported
    assert os.environ["GRADLAB_TORCH_THREADS"] == "1" and os.environ["GRADLAB_HEAVY_CONCURRENCY"] == "1"
    assert (Settings().torch_threads, Settings().heavy_concurrency) == (1, 1)

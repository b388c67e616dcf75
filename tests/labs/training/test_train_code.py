"""The PyTorch-code panel: the scripts run, and repeat the lab's numbers.

Scripts run in this process (same BLAS, same thread count as the lab) so the numbers match to
the last printed digit; a separate interpreter may load another BLAS and differ in the 4th digit.
"""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from app.labs.training import TrainingConfig, TrainingRun, pytorch_code

Patch = pytest.MonkeyPatch
Cap = pytest.CaptureFixture[str]


def run_script(script: str, cwd: Path, monkeypatch: Patch, capsys: Cap) -> list[str]:
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    exec(compile(script, "pytorch_code", "exec"), {"__name__": "__main__"})  # our own generated text
    return capsys.readouterr().out.strip().splitlines()


def lab_line(cfg: TrainingConfig) -> str:
    """The script's last line, computed from the lab's trained model (frames round to 4 digits)."""
    run = TrainingRun(cfg)
    while not run.finished:
        run.step()
    model, data, loss_fn = run.trainees[0].model.eval(), run.data, run.trainees[0].loss_fn
    with torch.no_grad():
        train_loss = float(loss_fn(model(data.x_train), data.y_train))
        out = model(data.x_test)
        test_loss = float(loss_fn(out, data.y_test))
    acc = "" if data.task == "regression" else f", test acc {float((out.argmax(1) == data.y_test).float().mean()):.3f}"
    return f"epoch {cfg.epochs}: train loss {train_loss:.4f}, test loss {test_loss:.4f}{acc}"


@pytest.mark.parametrize(
    "cfg",
    [
        TrainingConfig(dataset="circle", epochs=2, weight_decay=0.01, batch_norm=True, residual=True, clip_norm=1.0,
                       l1=1e-4, optimizer="nesterov", lr=0.05, compare={"weight_decay": 0.0}),
        TrainingConfig(dataset="curve", epochs=2, init="xavier_normal", activation="tanh", optimizer="rmsprop"),
        TrainingConfig(dataset="digits", epochs=1, hidden=(32,), init="kaiming_uniform", batch_size=64),
    ],
    ids=["circle-regularised", "curve", "digits"],
)  # fmt: skip
def test_script_repeats_the_labs_numbers(cfg: TrainingConfig, tmp_path: Path, monkeypatch: Patch, capsys: Cap) -> None:
    script = pytorch_code(cfg)
    assert "weight_decay=0.0" in script or cfg.compare is None  # the comparison is named
    assert run_script(script, tmp_path, monkeypatch, capsys)[-1] == lab_line(cfg)


def test_dropout_script_runs(tmp_path: Path, monkeypatch: Patch, capsys: Cap) -> None:
    lines = run_script(
        pytorch_code(TrainingConfig(dataset="xor", epochs=1, dropout=0.2)), tmp_path, monkeypatch, capsys
    )
    assert lines[-1].startswith("epoch 1: train loss")


def test_csv_scripts_read_the_users_file(tmp_path: Path, monkeypatch: Patch, capsys: Cap) -> None:
    rows = "\n".join(f"{i},{i % 5},{'a' if i % 3 else 'b'}" for i in range(30))
    (tmp_path / "points.csv").write_text("x1,x2,label\n" + rows + "\n")
    script = pytorch_code(TrainingConfig(dataset="csv", epochs=1))
    assert run_script(script, tmp_path, monkeypatch, capsys)[-1].startswith("epoch 1")
    (tmp_path / "points.csv").write_text("\n".join(f"{i},{2 * i}" for i in range(30)) + "\n")
    script = pytorch_code(TrainingConfig(dataset="csv", epochs=1), task="regression")
    assert "MSELoss" in script and run_script(script, tmp_path, monkeypatch, capsys)[-1].startswith("epoch 1")


def test_fashion_script_reads_idx_files(tmp_path: Path, monkeypatch: Patch, capsys: Cap) -> None:
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    rng = np.random.RandomState(0)
    for part, n in (("train", 8), ("t10k", 4)):
        images = rng.randint(0, 256, (n, 28, 28)).astype(np.uint8)
        labels = np.arange(n, dtype=np.uint8) % 10
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
            (folder / f"{part}-{kind}-ubyte.gz").write_bytes(gzip.compress(header + array.tobytes()))
    script = pytorch_code(TrainingConfig(dataset="fashion", epochs=1, hidden=(16,), batch_size=4))
    assert run_script(script, tmp_path, monkeypatch, capsys)[-1].startswith("epoch 1")

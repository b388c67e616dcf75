"""Keep training: the live run converges, obeys set_params, and the code panel runs."""

import pytest

from app.labs.backprop import BackpropRun, example, make_config, pytorch_code
from app.labs.errors import FieldError


def test_first_step_is_the_worked_example() -> None:
    run = BackpropRun(make_config(steps=3))
    loss = run.step()
    r = example()
    assert loss == pytest.approx(r["loss"], abs=1e-15)
    assert run.frame()["params"] == pytest.approx(r["updated"], abs=1e-15)
    assert run.frame()["gradients"] == pytest.approx(r["gradients"], abs=1e-15)


def test_training_brings_outputs_to_the_targets() -> None:
    run = BackpropRun(make_config(steps=2000))
    while not run.finished:
        run.step()
    frame = run.frame()
    assert run.steps_done == run.total_steps == 2000 and run.finished
    assert frame["loss"] < 1e-3
    assert abs(frame["outputs"]["o1"] - 0.01) < 0.05 and abs(frame["outputs"]["o2"] - 0.99) < 0.05
    history = frame["history"]
    assert len(history["step"]) == len(history["loss"]) == len(history["o1"]) <= 401
    assert history["loss"][0] > history["loss"][-1]


def test_set_params_changes_lr_and_rejects_others() -> None:
    run = BackpropRun(make_config(steps=10))
    run.set_params({"lr": 2.0})
    assert run.optimizer.param_groups[0]["lr"] == 2.0 and run.frame()["lr"] == 2.0
    with pytest.raises(FieldError) as info:
        run.set_params({"lr": float("inf")})
    assert info.value.field == "lr"
    with pytest.raises(FieldError) as info:
        run.set_params({"momentum": 0.9})
    assert info.value.field == "momentum"


def test_code_panel_is_the_notes_script_and_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code = pytorch_code(make_config(lr=0.1, steps=3))
    assert "optimizer = optim.SGD(net.parameters(), lr=0.1)" in code
    assert "torch.tensor([[0.15, 0.2], [0.25, 0.3]])" in code
    exec(compile(code, "backprop", "exec"), {})  # noqa: S102 - our own generated script
    assert "0.0822" in capsys.readouterr().out  # ∂E/∂w5, printed by the notes' script

"""What an optimiser carries between steps, read straight from ``optimizer.state``.

Names are torch.optim's own (``momentum_buffer``, ``sum``, ``square_avg``, ``exp_avg``...). The
only numbers computed here are Adam's bias-corrected m̂ and v̂, from its own state and current
betas exactly as ``torch.optim.Adam`` divides them, so a student sees what the step used.
"""

from typing import Any

from torch import Tensor

from app.labs.optimizers.engine import Block

_BUFFERS = ("momentum_buffer", "sum", "square_avg", "grad_avg", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")


def _row(tensor: Tensor, row: int) -> list[float]:
    return [float(v) for v in tensor.reshape(-1, 2)[row].tolist()]


def read_state(block: Block, row: int = 0) -> dict[str, Any]:
    """The optimiser state of one row of ``block`` (a racer has a single row)."""
    state = block.optimizer.state.get(block.param, {})
    out: dict[str, Any] = {}
    step = state.get("step")  # SGD keeps no step count
    if step is not None:
        out["step"] = int(step.item()) if isinstance(step, Tensor) else int(step)
    for key in _BUFFERS:
        buffer = state.get(key)
        if isinstance(buffer, Tensor):
            out[key] = _row(buffer, row)
    if "exp_avg" in out and out.get("step", 0) > 0:
        beta1, beta2 = block.group["betas"]
        t = out["step"]
        corrected1, corrected2 = 1 - beta1**t, 1 - beta2**t
        # with AMSGrad, Adam divides by the running maximum of v, so that is the v̂ it used
        v = out["max_exp_avg_sq"] if block.group["amsgrad"] else out["exp_avg_sq"]
        out["m_hat"] = [m / corrected1 for m in out["exp_avg"]]
        out["v_hat"] = [s / corrected2 for s in v]
    return out


def hyperparameters(block: Block) -> dict[str, Any]:
    """The racer's hyperparameters as they stand in its param group now (after any mid-run change)."""
    return {k: (list(block.group[k]) if k == "betas" else block.group[k]) for k in block.spec.hyper}

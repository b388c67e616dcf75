"""Preset scenes: one click opens a race (or swarm) that answers one question from the notes.

The numbers were chosen by running them: on the bounded saddle SGD leaves the ridge after ~160
steps, Momentum after ~40, Adam after ~25; in the ravine AdaGrad is still at x ≈ −1.7 after 300
steps when RMSprop with the same lr arrived at step 18; in the ravine SGD needs 113 steps, Momentum
50. Tests hold them to it.
"""

from typing import Any

PRESETS: list[dict[str, Any]] = [
    {
        "name": "saddle",
        "title": {"en": "Who crosses the saddle?", "zh": "谁能越过鞍点?"},
        "question": {
            "en": "Starting a hair off the ridge, the gradient across is almost zero: who gets off the saddle first?",
            "zh": "起点几乎在鞍点的脊线上,横向梯度接近 0:谁最先离开鞍点?",
        },
        "config": {
            "mode": "race", "surface": "saddle_bounded", "start": [-1.5, 0.001], "steps": 300,
            "optimizers": [{"name": "sgd", "lr": 0.02}, {"name": "momentum", "lr": 0.02}, {"name": "adam", "lr": 0.02}],
        },
    },
    {
        "name": "ravine",
        "title": {"en": "Momentum in a ravine", "zh": "峡谷中的 Momentum"},
        "question": {
            "en": "SGD zig-zags across the narrow valley: how does averaging past gradients calm it down?",
            "zh": "SGD 在狭窄的峡谷两壁间来回震荡:累积历史梯度的 Momentum 如何让它平稳前进?",
        },
        "config": {
            "mode": "race", "surface": "ravine", "start": [-9.0, 3.0], "steps": 200,
            "optimizers": [
                {"name": "sgd", "lr": 0.45},
                {"name": "momentum", "lr": 0.45, "momentum": 0.5},
                {"name": "nesterov", "lr": 0.2, "momentum": 0.7},  # at lr 0.45 Nesterov overshoots in y
            ],
        },
    },
    {
        "name": "adagrad",
        "title": {"en": "AdaGrad runs out of steps", "zh": "AdaGrad 的步长耗尽了"},
        "question": {
            "en": "Same learning rate: why does AdaGrad slow to a crawl while RMSprop arrives?",
            "zh": "学习率相同:为什么 AdaGrad 越走越慢,而 RMSProp 顺利到达?",
        },
        "config": {
            "mode": "race", "surface": "ravine", "start": [-9.0, 3.0], "steps": 300,
            "optimizers": [{"name": "adagrad", "lr": 0.3}, {"name": "rmsprop", "lr": 0.3}, {"name": "adam", "lr": 0.3}],
        },
    },
    {
        "name": "bias_correction",
        "title": {"en": "Adam's bias correction", "zh": "Adam 的偏差修正"},
        "question": {
            "en": "Both divide by an average of g²: why is RMSprop's first step ten times longer than Adam's?",
            "zh": "两者都除以 g² 的平均:为什么 RMSProp 的第一步是 Adam 的十倍?",
        },
        "config": {
            "mode": "race", "surface": "plateau", "start": [3.0, 2.0], "steps": 100,
            "optimizers": [{"name": "adam", "lr": 0.1}, {"name": "rmsprop", "lr": 0.1}],
        },
        "ewa": {"beta": 0.9},
    },
    {
        "name": "himmelblau",
        "title": {"en": "Four minima of Himmelblau (swarm)", "zh": "Himmelblau 的四个极小值(粒子群)"},
        "question": {
            "en": "Start everywhere at once: which minimum does each point reach, and does the optimiser change it?",
            "zh": "从每一处同时出发:每个点落入哪个极小值?换一个优化器,结果会变吗?",
        },
        "config": {
            "mode": "swarm", "surface": "himmelblau", "steps": 300, "swarm_size": 2500, "swarm_layout": "grid",
            "optimizers": [{"name": "sgd", "lr": 0.01}, {"name": "adam", "lr": 0.05}],
        },
    },
]  # fmt: skip


def presets() -> list[dict[str, Any]]:
    """The scenes, each ``{"name", "title": {en, zh}, "question": {en, zh}, "config"[, "ewa"]}``."""
    return PRESETS

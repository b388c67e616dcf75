"""Scenes that follow the papers' findings; the page says what to look for (``landscape.preset.<name>``).

Each preset is a config (changes from the defaults) whose lesson ``tests/labs/test_landscape_presets.py``
checks over several seeds, with the measure it names.
"""

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    # Li et al., Fig. 5: skip connections keep a deep network's landscape smooth. Measure: roughness()
    # (the share of points lower than their neighbour toward the centre) is higher for the plain net.
    "skip": {"hidden": [16] * 10, "optimizer": "adam", "lr": 0.01, "epochs": 20, "grid": 21,
             "compare": {"residual": True}},
    # Li et al., Sec. 7: the training path lies nearly in a plane; two principal axes explain most of it,
    # and the path runs downhill into the minimum at the centre.
    "pca": {"directions": "pca", "optimizer": "sgd", "lr": 0.1, "epochs": 20, "grid": 21},
    # Goodfellow, Vinyals and Saxe: the straight line from the initial to the trained weights falls
    # without a barrier, then rises again beyond them.
    "line": {"optimizer": "sgd", "lr": 0.1, "epochs": 20, "grid": 21},
}

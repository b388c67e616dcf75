"""Scenes that follow the papers' findings; the page says what to look for (``landscape.preset.<name>``).

Each preset is a config (changes from the defaults) whose lesson ``tests/labs/landscape/test_landscape_presets.py``
checks over several seeds, with the measure it names.
"""

from typing import Any

# Small against large batch, and without against with weight decay (Li et al., Sec. 4-5): a small-batch
# Adam run of the 16-16 MLP on the moons, its twin trained on the same data from the same seed.
SMALL_BATCH = {"optimizer": "adam", "lr": 0.01, "batch_size": 8, "epochs": 40, "grid": 21}
NONE_SPAN = 0.25  # raw Gaussian directions: a step of 1 would be several times the weights' own size

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
    # Measure: sharpness() (the mean rise of the loss over the plane). The full-batch net ends with smaller
    # weights; under filter normalisation it is the flatter, and without normalisation it looks sharper,
    # relative to the small-batch net, than under filter normalisation.
    "batch": {**SMALL_BATCH, "normalization": "filter", "compare": {"batch_size": 200}},
    "batch_none": {**SMALL_BATCH, "normalization": "none", "span": NONE_SPAN, "compare": {"batch_size": 200}},
    # The same with weight decay, which keeps the weights small.
    "decay": {**SMALL_BATCH, "normalization": "filter", "compare": {"weight_decay": 0.01}},
    "decay_none": {**SMALL_BATCH, "normalization": "none", "span": NONE_SPAN, "compare": {"weight_decay": 0.01}},
}

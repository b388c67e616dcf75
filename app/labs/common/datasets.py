"""Data sets more than one lab trains on, loaded once per process and never changed."""

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 bundled 8×8 digit images (pixels 0-16, float64 [n, 64]) and their labels
    (int64): bundled with scikit-learn, nothing is downloaded. Read-only: callers copy to change."""
    from sklearn.datasets import load_digits  # type: ignore[import-untyped]  # late: only training needs it

    x, y = load_digits(return_X_y=True)
    x.setflags(write=False)
    y = y.astype(np.int64)
    y.setflags(write=False)
    return x, y

"""Training lab: an MLP on real data, regularisation side by side, over-fitting, vanishing gradients.

Pure science (torch, NumPy, scikit-learn): ``TrainingRun`` is the live run, the other entry points
are one-shot functions returning JSON-ready data.
"""

from app.labs.common.datasets import Dataset, make_dataset
from app.labs.training.code import pytorch_code
from app.labs.training.config import TrainingConfig
from app.labs.training.csv_upload import parse_csv
from app.labs.training.idx import load_fashion_mnist, read_idx
from app.labs.training.polynomial import PolynomialConfig, polynomial_scene
from app.labs.training.run import TrainingRun
from app.labs.training.vanishing import VanishingConfig, vanishing_scene

__all__ = [
    "Dataset",
    "PolynomialConfig",
    "TrainingConfig",
    "TrainingRun",
    "VanishingConfig",
    "load_fashion_mnist",
    "make_dataset",
    "parse_csv",
    "polynomial_scene",
    "pytorch_code",
    "read_idx",
    "vanishing_scene",
]

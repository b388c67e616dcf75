"""A choice list is declared once, as a ``Literal`` type a config field can be (mypy reads it); where a
table of implementations sits beside it, the table covers exactly those names, in the same order."""

import typing

from app.labs.backprop.config import ACTIVATION_NAMES as BACKPROP_ACTIVATIONS
from app.labs.backprop.network import ACTIVATIONS as BACKPROP_FORMULAS
from app.labs.backprop.network import TORCH_ACTIVATIONS as BACKPROP_TORCH
from app.labs.common.activations import ACTIVATIONS as SHARED_ACTIVATIONS
from app.labs.common.datasets import BUILT_IN, GENERATORS, BuiltIn
from app.labs.common.init_methods import METHODS, Method
from app.labs.common.optimizers import OPTIMIZERS as SHARED_OPTIMIZERS
from app.labs.common.optimizers import OptimizerName
from app.labs.initialization.network import ACTIVATIONS as INIT_ACTIVATIONS
from app.labs.initialization.network import ActivationName
from app.labs.losses.evaluate import LOSSES, LossName
from app.labs.training.config import DATASETS, PLANE
from app.labs.training.features import FEATURES, Feature
from app.labs.training.model import ACTIVATIONS as TRAINING_ACTIVATIONS
from app.labs.training.model import INITS, OPTIMIZERS, Activation
from app.labs.training.vanishing import PRESETS as VANISHING_NETS
from app.labs.training.vanishing import NetName, VanishingSet


def test_tables_cover_exactly_their_declared_names_in_order():
    assert tuple(SHARED_OPTIMIZERS) == typing.get_args(OptimizerName) == OPTIMIZERS
    assert BUILT_IN == (*GENERATORS, "digits") == typing.get_args(BuiltIn)
    assert tuple(FEATURES) == typing.get_args(Feature)
    assert tuple(INIT_ACTIVATIONS) == typing.get_args(ActivationName)
    assert tuple(TRAINING_ACTIVATIONS) == typing.get_args(Activation)
    assert METHODS == typing.get_args(Method)
    assert tuple(BACKPROP_FORMULAS) == tuple(BACKPROP_TORCH) == BACKPROP_ACTIVATIONS
    assert tuple(VANISHING_NETS) == typing.get_args(NetName)
    assert tuple(LOSSES) == typing.get_args(LossName)


def test_every_lab_choice_has_its_shared_implementation():
    assert set(INIT_ACTIVATIONS) | set(TRAINING_ACTIVATIONS) <= set(SHARED_ACTIVATIONS)
    assert set(INITS) <= set(METHODS)  # the Training lab offers the Initialisation lab's methods
    assert DATASETS == (*BUILT_IN, "csv", "fashion")  # nested Literals flatten, in order
    assert tuple(PLANE) == DATASETS  # each set says whether it sits on the plane (tests/web/test_training.py)
    assert typing.get_args(VanishingSet) == tuple(d for d in BUILT_IN if d != "curve")  # a batch of classes

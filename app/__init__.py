"""GradLab: a live laboratory for the basics of training neural networks."""

__version__ = "0.1.0"

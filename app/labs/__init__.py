"""The science: one module per lab, plain PyTorch/NumPy, no web imports."""

"""What several labs use, written once: no lab imports another lab's internals."""

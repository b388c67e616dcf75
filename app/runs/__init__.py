"""The live-run engine: steps any lab's run in a worker thread and streams frames."""

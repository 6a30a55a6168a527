"""Benchmarks, run by hand (``python -m tests.perf.bench``), never by the default pytest run."""

"""Benchmarks at scale: data generator (bench.generate) and the P1/P2/P7 measurements."""

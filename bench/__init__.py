"""Benchmarks at scale: data generator (bench.generate) and the P1/P2/P7 measurements."""

import os

# The benchmarks run the app on this machine: the development key is allowed (config.py), unless
# SECRET_KEY is set. Servers and commands they start inherit it.
os.environ.setdefault("APP_ENV", "development")

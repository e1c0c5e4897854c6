"""The benchmarks page's eager chart, from docs/data/benchmarks.json.

Usage: python docs/figures/benchmarks_eager.py OUT.svg
"""

from __future__ import annotations

import sys

import _style  # noqa: F401  (the shared look)

from docs.gen_benchmark_table import draw

if __name__ == "__main__":
    draw("eager", sys.argv[1])

"""The benchmarks page's tables and charts, from ``docs/data/benchmarks.json``.

That file is what the shared benchmark harness writes (``bench.py --out PREFIX`` writes
``PREFIX.json``): one row per workload and mode, with a cell per system holding the median
time per call over interleaved rounds (``median_s``), the median of the same-round ratios
to JAX (``ratio_vs_jax``), the first call's time (``first_call_s``) and whether the result
matched the hand-derived numpy answer (``check``). Refresh the page by replacing that file.

The documentation build calls ``tables_markdown`` (through ``docs/hooks.py``, which puts the
tables where ``docs/benchmarks.md`` has its ``benchmark-tables`` marker) and
``docs/figures/benchmarks_*.py`` call ``draw``, so the page and its charts always show the
same run. ``python docs/gen_benchmark_table.py`` prints the tables.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "docs" / "data" / "benchmarks.json"
MARKER = "<!-- benchmark-tables -->"

Row = dict[str, Any]


def load(path: Path = DATA) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    if "rows" not in data or "meta" not in data:
        raise ValueError(f"{path} is not a bench.py results file (no 'rows'/'meta')")
    return data


def fmt_time(seconds: float) -> str:
    """A duration with three significant digits in the unit that suits it."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            digits = max(0, 2 - math.floor(math.log10(value))) if value > 0 else 0
            return f"{value:.{digits}f} {unit}"
    raise AssertionError("unreachable")


def _cell(row: Row, system: str, with_ratio: bool = True) -> str:
    c = row["cells"].get(system)
    if c is None or c.get("status") != "ok":
        return "n/a" if c is None or c.get("status") == "n/a" else "\N{EN DASH}"
    if c.get("check") not in ("ok", "unchecked"):
        return "**WRONG**"
    text = fmt_time(c["median_s"])
    if with_ratio and system != "jax":
        text += f" ({c['ratio_vs_jax']:.2g}\N{MULTIPLICATION SIGN})"
    return text


def rows_of(data: dict[str, Any], mode: str, kind: str = "steady") -> list[Row]:
    return [r for r in data["rows"] if r["mode"] == mode and r["kind"] == kind]


def _table(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def tables_markdown(data: dict[str, Any]) -> str:
    """The three tables (eager, jit, first calls) and a line saying where they come from."""
    meta = data["meta"]
    versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("versions", {}).items()))
    out = [
        f"Run of {meta.get('started', '?')} on {meta.get('platform', '?')}, "
        f"{meta.get('rounds', '?')} rounds; {versions}.",
        "",
        "### Eager: fad, autograd and JAX without `jit`",
        "",
        "Time per call; in parentheses, the median ratio to JAX's eager time in the same round "
        "(below 1: faster than JAX).",
        "",
        _table(
            ["id", "workload", "fad", "autograd", "JAX (eager)", "numpy, by hand"],
            [
                [
                    r["id"],
                    r["label"],
                    _cell(r, "fad"),
                    _cell(r, "autograd"),
                    _cell(r, "jax"),
                    _cell(r, "numpy", with_ratio=False),
                ]
                for r in rows_of(data, "eager")
            ],
        ),
        "",
        "### Compiled: fad and JAX under `jit`",
        "",
        "Time per call of the compiled function; in parentheses, the ratio to JAX's `jit`.",
        "",
        _table(
            ["id", "workload", "fad", "JAX (jit)", "numpy, by hand"],
            [
                [
                    r["id"],
                    r["label"],
                    _cell(r, "fad"),
                    _cell(r, "jax"),
                    _cell(r, "numpy", with_ratio=False),
                ]
                for r in rows_of(data, "jit")
            ],
        ),
        "",
        "### First calls: tracing and compiling",
        "",
        "The first call of each compiled function: trace, lower, compile and run (one sample).",
        "",
        _table(
            ["id", "workload", "fad", "JAX"],
            [
                [r["id"], r["label"], _first(r, "fad"), _first(r, "jax")]
                for r in data["rows"]
                if r["mode"] == "jit"
            ],
        ),
    ]
    return "\n".join(out) + "\n"


def _first(row: Row, system: str) -> str:
    c = row["cells"].get(system)
    if c is None or c.get("status") != "ok" or c.get("first_call_s") is None:
        return "\N{EN DASH}"
    return fmt_time(c["first_call_s"])


def draw(mode: str, out: str, path: Path = DATA) -> None:
    """A bar chart of each system's time relative to JAX's in ``mode`` ("eager" or "jit")."""
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    data = load(path)
    rows = rows_of(data, mode)
    systems = ["fad", "autograd"] if mode == "eager" else ["fad"]
    colours = {"fad": "#3f51b5", "autograd": "#2e7d32"}
    fig, ax = plt.subplots(figsize=(8.0, 0.42 * len(rows) + 1.3))
    height = 0.8 / len(systems)
    for k, system in enumerate(systems):
        ratios = []
        for r in rows:
            c = r["cells"].get(system, {})
            ok = c.get("status") == "ok" and c.get("check") in ("ok", "unchecked")
            ratios.append(c["ratio_vs_jax"] if ok else float("nan"))
        ys = [i + (k - (len(systems) - 1) / 2) * height for i in range(len(rows))]
        ax.barh(ys, ratios, height=height, color=colours[system], label=system)
    ax.axvline(1.0, color="#e65100", lw=1.5)
    ax.text(1.0, -0.9, " JAX", color="#e65100", va="center")
    if mode == "eager":  # ratios spanning decades
        ax.set_xscale("log")
    else:
        ax.set_xlim(0, None)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}\N{MULTIPLICATION SIGN}"))
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{r['id']}  {r['label']}" for r in rows], fontsize=8.5)
    ax.invert_yaxis()
    scale = "log scale; " if mode == "eager" else ""
    ax.set_xlabel(f"time relative to JAX {mode} ({scale}left of the line is faster)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", frameon=False)
    fig.savefig(out, bbox_inches="tight", metadata={"Date": None} if out.endswith(".svg") else None)
    plt.close(fig)


if __name__ == "__main__":
    print(tables_markdown(load()))

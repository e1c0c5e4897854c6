"""Run the ported Autodiff Cookbook cell by cell and compare every printed value with the
output stored in the notebook (``tests/data/cookbook_outputs.json``, extracted from it)."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
COOKBOOK = ROOT / "docs" / "cookbook.py"
EXPECTED: dict[str, str] = json.loads(
    (ROOT / "tests" / "data" / "cookbook_outputs.json").read_text()
)
TIMING_CELLS = {"21", "22", "23"}
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def cells() -> list[tuple[str, str]]:
    source = COOKBOOK.read_text()
    parts = re.split(r"^# %% cell (\d+)\n", source, flags=re.M)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]


def numbers(text: str) -> list[float]:
    return [float(m) for m in NUMBER.findall(text)]


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ("j", "e")]


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    namespace: dict[str, Any] = {"__name__": "cookbook"}
    printed: dict[str, str] = {}
    for number, code in cells():
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(code, f"{COOKBOOK}:cell {number}", "exec"), namespace)
        printed[number] = buf.getvalue()
    return printed


def test_every_cell_is_ported() -> None:
    assert [int(n) for n, _ in cells()] == list(range(36))


CHECKED_CELLS: list[str] = sorted((c for c in EXPECTED if c not in TIMING_CELLS), key=int)


@pytest.mark.parametrize("cell", CHECKED_CELLS)
def test_printed_values_match_the_notebook(outputs: dict[str, str], cell: str) -> None:
    got, want = outputs[cell], EXPECTED[cell]
    assert words(got) == words(want), f"cell {cell}:\n{got}\n!=\n{want}"
    np.testing.assert_allclose(
        numbers(got), numbers(want), rtol=2e-5, atol=2e-7, err_msg=f"cell {cell}"
    )


def _timings(text: str) -> list[float]:
    return [float(m) for m in re.findall(r"best of \d+: ([0-9.eE+-]+) ms per loop", text)]


def test_timing_claims_hold_as_orderings(outputs: dict[str, str]) -> None:
    fwd_rev, _rev_fwd, _rev_rev, naive = _timings(outputs["21"])
    loop_mjp, vmap_mjp = _timings(outputs["22"])
    loop_jmp, vmap_jmp = _timings(outputs["23"])
    print(outputs["21"], outputs["22"], outputs["23"], sep="\n")
    assert fwd_rev < naive
    assert vmap_mjp < loop_mjp and vmap_jmp < loop_jmp

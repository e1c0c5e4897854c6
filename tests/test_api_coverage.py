"""fad's public names against JAX 0.10.2's, namespace by namespace.

``tests/data/jax_names/<module>.txt`` lists a JAX module's public names (recorded from
jax 0.10.2: ``dir(mod)`` without private names and submodules); ``<module>.excluded.txt``
lists names fad leaves out, one ``name  # reason`` a line. For each recorded module
``jax.X`` the test imports ``fad.X`` and fails on a name that is missing and not
excluded, on an exclusion that is in fact present (stale), and on coverage under 97%.
When jax is importable the recorded list must equal the live one.
"""

from __future__ import annotations

import importlib
import types
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "jax_names"
MODULES = sorted(
    p.name[: -len(".txt")] for p in DATA.glob("*.txt") if not p.name.endswith(".excluded.txt")
)
MIN_COVERAGE = 0.97


def _recorded(module: str) -> list[str]:
    return [n for n in (DATA / f"{module}.txt").read_text().split("\n") if n.strip()]


def _excluded(module: str) -> dict[str, str]:
    path = DATA / f"{module}.excluded.txt"
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        name, sep, reason = line.partition("#")
        assert sep and reason.strip(), f"{path.name}: exclusion without a reason: {line!r}"
        out[name.strip()] = reason.strip()
    return out


def _fad_module(module: str) -> types.ModuleType:
    assert module.startswith("jax."), module
    return importlib.import_module("fad." + module[len("jax.") :])


def test_there_are_recorded_modules() -> None:
    assert "jax.numpy" in MODULES and "jax.numpy.linalg" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_names_present(module: str) -> None:
    names = _recorded(module)
    assert names == sorted(set(names)), f"{module}.txt must be sorted and without duplicates"
    excluded = _excluded(module)
    unknown = sorted(set(excluded) - set(names))
    assert not unknown, f"{module}: exclusions of names JAX does not have: {unknown}"
    mod = _fad_module(module)
    missing = [n for n in names if not hasattr(mod, n)]
    unexcused = [n for n in missing if n not in excluded]
    assert not unexcused, f"fad.{module[4:]} lacks {len(unexcused)} of JAX's names: {unexcused}"
    stale = sorted(n for n in excluded if hasattr(mod, n))
    assert not stale, f"{module}: excluded names that fad now has (remove them): {stale}"
    coverage = (len(names) - len(missing)) / len(names)
    assert coverage >= MIN_COVERAGE, (
        f"fad.{module[4:]} has {len(names) - len(missing)} of {len(names)} names "
        f"({coverage:.1%} < {MIN_COVERAGE:.0%})"
    )


@pytest.mark.parametrize("module", MODULES)
def test_recorded_list_is_jaxs(module: str) -> None:
    pytest.importorskip("jax")
    mod = importlib.import_module(module)
    live = sorted(
        n
        for n in dir(mod)
        if not n.startswith("_") and not isinstance(getattr(mod, n), types.ModuleType)
    )
    assert _recorded(module) == live

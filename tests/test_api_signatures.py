"""fad's function signatures against JAX 0.10.2's, for the names both have.

``tests/data/jax_names/<module>.signatures.json`` maps each callable public name of a JAX
module (not classes, not ``jnp.ufunc`` objects) to its parameters ``[name, kind]``,
recorded from jax 0.10.2 with ``inspect.signature``. A call written for JAX must bind the
same way in fad: every positional parameter at the same position (by the same name where
JAX lets it be passed by keyword), every keyword-only parameter by name, and ``*args`` /
``**kwargs`` where JAX has them. Parameters about devices and sharding are not checked.
"""

from __future__ import annotations

import importlib
import inspect
import json
import types
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "jax_names"
FILES = sorted(DATA.glob("*.signatures.json"))
UNCHECKED_PARAMS = {"out_sharding", "device", "_dot_general"}

# (module, name): why fad's signature differs.
EXCLUDED: dict[tuple[str, str], str] = {
    ("jax.numpy", "around"): "ufuncs.py is being rewritten by the docs branch; out= goes there",
    ("jax.numpy", "round"): "ufuncs.py is being rewritten by the docs branch; out= goes there",
    (
        "jax.numpy",
        "array",
    ): "JAX's *args only rejects positional copy/order; fad makes them keyword",
    ("jax.numpy", "fromiter"): "JAX forwards *args/**kwargs to numpy; fad spells numpy's out",
    ("jax.numpy", "set_printoptions"): "numpy's own function, with numpy's explicit parameters",
}


def _problems(jax_params: list[list[str]], fn: Any) -> list[str]:
    params = list(inspect.signature(fn).parameters.values())
    by_name = {p.name: p for p in params}
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    var_pos = next((i for i, p in enumerate(params) if p.kind is p.VAR_POSITIONAL), None)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    out: list[str] = []
    i = 0
    for name, kind in jax_params:
        if name in UNCHECKED_PARAMS:
            continue
        if kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"):
            if var_pos is not None and i >= var_pos:
                i += 1
                continue
            if i >= len(positional):
                out.append(f"positional parameter {i} ({name!r}) is missing")
            elif kind == "POSITIONAL_OR_KEYWORD" and positional[i].name != name:
                out.append(f"positional parameter {i} is {positional[i].name!r}, JAX's {name!r}")
            i += 1
        elif kind == "VAR_POSITIONAL":
            if var_pos is None:
                out.append(f"no *{name}")
        elif kind == "VAR_KEYWORD":
            if not var_kw:
                out.append(f"no **{name}")
        else:
            p = by_name.get(name)
            if not (
                var_kw or (p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
            ):
                out.append(f"keyword parameter {name!r} is missing")
    return out


def _cases() -> list[tuple[str, str, list[list[str]]]]:
    cases = []
    for path in FILES:
        module = path.name[: -len(".signatures.json")]
        for name, params in json.loads(path.read_text()).items():
            cases.append((module, name, params))
    return cases


CASES = _cases()


def test_signature_data_present() -> None:
    assert {c[0] for c in CASES} >= {"jax.numpy", "jax.numpy.linalg"}


@pytest.mark.parametrize("module,name,params", CASES, ids=[f"{m}.{n}" for m, n, _ in CASES])
def test_signature_matches_jax(module: str, name: str, params: list[list[str]]) -> None:
    mod = importlib.import_module("fad" + module[len("jax") :])
    fn = getattr(mod, name, None)
    if fn is None:
        pytest.skip("not in fad (tests/test_api_coverage.py accounts for it)")
    problems = _problems(params, fn)
    if (module, name) in EXCLUDED:
        assert problems, f"stale signature exclusion for {module}.{name}: it matches now"
        return
    assert not problems, f"fad{module[3:]}.{name}: {'; '.join(problems)}"


def test_recorded_signatures_are_jaxs() -> None:
    jnp = pytest.importorskip("jax.numpy")

    for path in FILES:
        module = path.name[: -len(".signatures.json")]
        mod = importlib.import_module(module)
        live = {}
        for name in dir(mod):
            f = getattr(mod, name)
            if name.startswith("_") or isinstance(f, (types.ModuleType, type, jnp.ufunc)):
                continue
            if not callable(f):
                continue
            try:
                sig = inspect.signature(f)
            except (TypeError, ValueError):
                continue
            live[name] = [[p.name, p.kind.name] for p in sig.parameters.values()]
        assert json.loads(path.read_text()) == live, module

"""The law suite (tests/laws) covers every primitive under every law, or says why not.

The coverage table of ``tools/law_coverage.py`` must have no unexplained cell, every
law must have exactly one test parametrized over exactly the primitives the table says
it covers, and every example the strategies draw must actually apply its primitive.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import laws
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from laws import (
    EDGE_HELD,
    EXEMPT,
    IMPLEMENTED,
    LAWS,
    Replay,
    applicable,
    covered,
    draw,
    exemption,
    primitives,
)
from laws.strategies import Filter, Spec, build, has_examples, specs

import fad
import fad.testing
from fad._src import core

ROOT = Path(__file__).resolve().parents[1]


def _tool() -> ModuleType:
    path = ROOT / "tools" / "law_coverage.py"
    spec = importlib.util.spec_from_file_location("law_coverage", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("law_coverage", module)
    spec.loader.exec_module(module)
    return module


def _load_law_modules() -> None:
    for info in pkgutil.iter_modules(laws.__path__):
        if info.name.startswith("test_"):
            importlib.import_module(f"laws.{info.name}")


def test_the_table_has_no_unexplained_cell(capsys: pytest.CaptureFixture[str]) -> None:
    tool = _tool()
    cov = tool.coverage()
    assert set(cov.prims) == set(core.all_primitives)
    assert list(cov.laws) == list(LAWS)
    assert cov.unexplained() == [], f"cells without an example or a reason: {cov.unexplained()}"
    assert tool.main() == 0
    printed = capsys.readouterr().out
    for prim in cov.prims:
        assert prim in printed
    assert f"{len(cov.prims)} primitives x {len(cov.laws)} laws" in printed


def test_every_law_has_one_test_over_its_covered_primitives() -> None:
    """A test may check several laws (sharing work); it is then parametrized over the
    primitives any of them covers, and checks each law on exactly those it covers."""
    _load_law_modules()
    assert set(IMPLEMENTED) == set(LAWS)
    for key, test in IMPLEMENTED.items():
        marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
        assert len(marks) == 1, key
        argnames, values = marks[0].args[:2]
        assert argnames == "prim"
        sharing = [k for k, t in IMPLEMENTED.items() if t is test]
        assert list(values) == [p for p in primitives() if any(p in covered(k) for k in sharing)]
        assert set(covered(key)) <= set(values), key
        assert [p for p in values if applicable(p, key)] == covered(key), key


def test_the_suites_laws_are_fad_testings() -> None:
    """One implementation used both ways: every column but the chain rule (a property of
    compositions of primitives, not of one function) is a law of fad.testing, and every law
    of fad.testing is a column."""
    assert set(LAWS) - {"chain_rule"} == set(fad.testing.LAWS)
    for key in fad.testing.LAWS:
        assert LAWS[key].title == fad.testing.LAWS[key].title


def test_edge_held_names_known_primitives_with_reasons() -> None:
    for prim, reason in EDGE_HELD.items():
        assert prim in core.all_primitives and reason.strip(), prim


def test_exemptions_name_known_laws_and_primitives() -> None:
    for (law, prim), reason in EXEMPT.items():
        assert law in LAWS and prim in core.all_primitives, (law, prim)
        assert reason.strip()


def test_automatic_exemptions_are_exactly_the_primitives_without_suitable_examples() -> None:
    for key, law in LAWS.items():
        for prim in primitives():
            if (key, prim) in EXEMPT:
                continue
            assert (exemption(key, prim) is None) == has_examples(prim, law.needs), (key, prim)


def test_every_primitive_has_an_example_unless_exempt_from_every_law() -> None:
    missing = [p for p in primitives() if not has_examples(p, Filter())
               and not all((law, p) in EXEMPT for law in LAWS)]  # fmt: skip
    assert not missing, f"no law-suite examples for {missing}"


@pytest.mark.parametrize("prim", [p for p in primitives() if has_examples(p, Filter())])
@settings(max_examples=max(2, settings().max_examples // 2))
@given(data=st.data())
def test_every_drawn_example_applies_its_primitive(prim: str, data: Any) -> None:
    """A generated example that never binds its primitive (an identity shortcut in the
    wrapper) would make the law's cell for that primitive vacuous."""
    with fad.config.enable_x64_scope(True):
        spec = draw(data, prim, specs(prim))
        ex = build(spec)
        names = {e.prim.name for e in fad.make_jaxpr(ex.fn)(*ex.args()).program.eqns}
        assert prim in names, f"{spec!r} stages {sorted(names)}"


_REPLAYED = Spec("sin", "unary", "float64", ((2,),), (), 3)


@pytest.mark.parametrize("prim", ["sin", "cos"])
@settings(max_examples=1)
@given(data=st.data())
@example(data=Replay(_REPLAYED))
def test_replay_feeds_its_value_to_its_primitive_only(prim: str, data: Any) -> None:
    value = draw(data, prim, specs(prim))
    if isinstance(data, Replay):
        assert prim == "sin" and value == _REPLAYED  # rejected (not run) for cos
    else:
        assert value.prim == prim

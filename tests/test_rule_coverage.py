"""Every primitive registers every rule it needs, and the case table covers every primitive.

A primitive needs an eager implementation, an abstract evaluation rule, a JVP
rule, a batching rule (if it has operands), a transpose rule (if it is linear in
some operand: the explicit ``LINEAR`` set below) and a StableHLO lowering. Gaps
are allowed only as documented exceptions in ``EXEMPT``.
"""

from __future__ import annotations

import numpy as np
import pytest
from primitive_cases import CASES, CASES_BY_PRIM, Case, ids

import fad
from fad._src import core
from fad._src.core import Primitive
from fad._src.interpreters.batch import batch_rules
from fad._src.interpreters.jvp import jvp_rules
from fad._src.interpreters.transpose import transpose_rules
from fad._src.tree_util import tree_leaves
from fad._src.xla.lowering import lowering_rules

# Primitives linear in at least one operand; each must have a transpose rule. fft is linear
# in its one operand (every fft_type); mul, div (numerator), dot_general, scatter-add,
# triangular_solve and custom_linear_solve (in b) are linear in one operand at a time;
# xla_call (a jitted call) is linear in whichever operands its program is linear in, and
# so are cond, scan and checkpoint; custom_vjp_lin is linear in its tangents (its transpose
# is the user's bwd). while is not here: it has no transpose by design (its trip count is
# known only when it runs), declared with ``def_no_transpose``, whose message the transpose
# pass raises (tests/test_control_flow.py).
LINEAR = frozenset({
    "add", "add_any", "sub", "neg", "mul", "div", "real", "imag", "conj", "complex",
    "convert_element_type", "select_n", "reduce_sum", "cumsum", "dot_general", "fft",
    "broadcast_in_dim", "reshape", "transpose", "rev", "concatenate", "pad", "slice",
    "dynamic_slice", "dynamic_update_slice", "gather", "scatter", "triangular_solve",
    "xla_call", "cond", "scan", "checkpoint", "custom_vjp_lin", "custom_linear_solve",
    "psum", "all_gather", "psum_scatter", "all_to_all", "ppermute", "shard_map",
    "sharding_constraint",
})  # fmt: skip

# Primitives that never appear with an operand: nothing to differentiate or batch.
NO_OPERANDS = frozenset({"iota", "axis_index"})

# (primitive, rule) -> why the rule is not needed.
_FORWARD_FROM_BWD = (
    "custom_vjp_lin is the tangent part of a custom_vjp function, which only reverse mode "
    "can use (a bwd gives no JVPs, as in JAX): it is staged and transposed, never {}. "
    "Forward mode raises the custom_vjp error where the JVP rule binds it, or, staged, "
    "where lowering meets it (def_no_lowering; tests/test_custom_derivatives.py)"
)
EXEMPT: dict[tuple[str, str], str] = {
    ("iota", "jvp"): "iota has no operands, so a JVP handler never interprets it",
    ("custom_vjp_lin", "impl"): _FORWARD_FROM_BWD.format("evaluated"),
    ("custom_vjp_lin", "jvp"): _FORWARD_FROM_BWD.format("differentiated"),
    ("custom_vjp_lin", "lowering"): _FORWARD_FROM_BWD.format("compiled"),
    **{(p, "jvp"): (
        f"{p}'s factors are unique only up to rotations within 2x2 blocks and reflector "
        "signs, so a derivative would describe one arbitrary choice (JAX has none either)"
    ) for p in ("hessenberg", "schur")},
}

RULES = ("impl", "abstract", "jvp", "batch", "transpose", "lowering")


def _has(prim: Primitive, rule: str) -> bool:
    if rule == "impl":  # a numpy implementation, or one on fad Arrays (e.g. a compiled call)
        return prim.impl is not None or prim in getattr(core, "array_impls", {})
    if rule == "abstract":
        return prim in core.abstract_rules
    if rule == "jvp":
        return prim in jvp_rules
    if rule == "batch":
        return prim in batch_rules
    if rule == "transpose":
        return prim in transpose_rules
    return prim in lowering_rules


def _required(name: str, rule: str) -> bool:
    if rule == "batch":
        return name not in NO_OPERANDS
    if rule == "transpose":
        return name in LINEAR
    return True


PRIMS = sorted(core.all_primitives)


@pytest.mark.parametrize("name", PRIMS)
def test_primitive_has_required_rules(name: str) -> None:
    prim = core.all_primitives[name]
    missing = [
        r for r in RULES if _required(name, r) and not _has(prim, r) and (name, r) not in EXEMPT
    ]
    assert not missing, f"primitive {name!r} is missing rules: {missing}"


def test_exemptions_are_still_needed() -> None:
    """An exemption for a rule that now exists (or a primitive that is gone) must be removed."""
    for (name, rule), reason in EXEMPT.items():
        assert reason
        assert name in core.all_primitives, f"exemption for unknown primitive {name!r}"
        assert not _has(core.all_primitives[name], rule), f"{name} now has a {rule} rule"


def test_linear_set_matches_transpose_table() -> None:
    """The explicit linear set and the transpose table agree, so neither drifts silently."""
    with_rule = {p.name for p in transpose_rules if p.name in core.all_primitives}
    assert with_rule == LINEAR, (
        f"transpose rules without LINEAR entry: {sorted(with_rule - LINEAR)}; "
        f"LINEAR entries without a rule: {sorted(LINEAR - with_rule)}"
    )
    assert NO_OPERANDS <= set(core.all_primitives)


# Primitives no case can apply eagerly, and why.
_NAMED = (
    "a collective over a named axis: it runs only under vmap(axis_name=...) or shard_map, "
    "which the case table's plain calls do not bind; tests/test_collectives.py and "
    "tests/test_shard_map.py apply it"
)
NO_CASE: dict[str, str] = {
    "custom_vjp_lin": "the tangent part of a custom_vjp function: only ever transposed (forward "
    "mode through custom_vjp is an error, as in JAX); tests/test_custom_derivatives.py",
    **{p: _NAMED for p in ("psum", "pmax", "pmin", "all_gather", "psum_scatter", "all_to_all",
                           "ppermute", "axis_index", "shard_map")},
    "pure_callback": "calls a user's Python function; eager, jit, vmap methods and the JVP "
    "error are tested in tests/test_callbacks.py",
    "debug_callback": "calls a user's Python function for its effect; tests/test_callbacks.py",
    "sharding_constraint": "the identity on values, with a layout for XLA that needs several "
    "devices; eager, jit, jvp, grad and vmap are checked in tests/test_sharding.py",
}  # fmt: skip


def test_every_primitive_has_a_case() -> None:
    missing = sorted(set(core.all_primitives) - set(CASES_BY_PRIM) - set(NO_CASE))
    assert not missing, f"add cases to tests/primitive_cases.py for: {missing}"
    unknown = sorted(set(CASES_BY_PRIM) - set(core.all_primitives))
    assert not unknown, f"cases name unknown primitives: {unknown}"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_case_applies_its_primitive(case: Case) -> None:
    """Each case's function, staged, contains the primitive it claims to test."""
    with fad.config.enable_x64_scope(True):
        for dt in case.dtypes_64():
            args = case.args(dt)
            program = fad.make_jaxpr(case.fn)(*args)
            names = {e.prim.name for e in program.program.eqns}
            assert case.prim in names, f"{case.name} ({dt}) stages {sorted(names)}"
            # The eager result has the staged output avals.
            out = case.fn(*args)
            leaves = tree_leaves(out)
            got = [(np.shape(o), o.dtype) for o in leaves]
            want = [(v.aval.shape, v.aval.dtype) for v in program.program.outvars]
            assert got == want

"""fad.testing catches wrong derivatives: custom rules off by a little, a transposed
residual, a broken primitive rule, a handler that changes values; and passes correct ones.
Its strategies drive property tests of a user's function."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fad
import fad.numpy as jnp
import fad.testing
import fad.testing.strategies as fst
from fad import Array, Cotangent, Tangent
from fad._src import core
from fad._src.interpreters import jvp as jvp_mod
from fad._src.prims import elementwise as ew

# --- custom_jvp ---------------------------------------------------------------------------


def _softplus_with(scale: float) -> fad.custom_jvp[Array, Array]:
    @fad.custom_jvp
    def softplus(x: Array) -> Array:
        return jnp.log1p(jnp.exp(x))

    @softplus.defjvp
    def rule(
        primals: tuple[Array], tangents: Tangent[tuple[Array]]
    ) -> tuple[Array, Tangent[Array]]:
        (x,) = primals
        (t,) = fad.unpack(tangents)
        return softplus(x), t * (scale * jnp.exp(x) / (1.0 + jnp.exp(x)))

    return softplus


def test_a_correct_custom_jvp_passes() -> None:
    fad.testing.check_custom_jvp(_softplus_with(1.0), jnp.linspace(-2.0, 2.0, 5))
    with fad.config.enable_x64_scope(True):
        fad.testing.check_custom_jvp(
            _softplus_with(1.0), jnp.linspace(-2.0, 2.0, 5, dtype=jnp.float64)
        )


def test_a_custom_jvp_off_by_one_percent_is_caught() -> None:
    with fad.config.enable_x64_scope(True):
        x = jnp.linspace(-2.0, 2.0, 5, dtype=jnp.float64)
        with pytest.raises(fad.testing.LawError, match="law 'jvp_fd' fails") as info:
            fad.testing.check_custom_jvp(_softplus_with(1.01), x)
    assert info.value.law == "jvp_fd"
    assert "worst at flat index" in str(info.value)


def test_a_custom_jvp_is_compared_with_ad_of_its_primal() -> None:
    # float32 finite differences allow 5e-3; AD of the primal pins the rule tighter there.
    with pytest.raises(AssertionError, match=r"law '(jvp_fd|custom_vs_ad)' fails"):
        fad.testing.check_custom_jvp(_softplus_with(1.01), jnp.linspace(-2.0, 2.0, 5))


def test_custom_jvp_primal_output_must_be_the_functions() -> None:
    @fad.custom_jvp
    def f(x: Array) -> Array:
        return jnp.sin(x)

    @f.defjvp
    def rule(
        primals: tuple[Array], tangents: Tangent[tuple[Array]]
    ) -> tuple[Array, Tangent[Array]]:
        (x,) = primals
        (t,) = fad.unpack(tangents)
        return jnp.sin(x) + 1.0, t * jnp.cos(x)

    with pytest.raises(fad.testing.LawError, match="law 'custom_primal' fails"):
        fad.testing.check_custom_jvp(f, jnp.ones(3))


def test_a_nonlinear_custom_jvp_tangent_is_caught() -> None:
    @fad.custom_jvp
    def f(x: Array) -> Array:
        return x * x

    @f.defjvp
    def rule(
        primals: tuple[Array], tangents: Tangent[tuple[Array]]
    ) -> tuple[Array, Tangent[Array]]:
        (x,) = primals
        (t,) = fad.unpack(tangents)
        return x * x, t * (2.0 * x + 1e-3 * fad.primal_of(t))  # quadratic in t

    with fad.config.enable_x64_scope(True), pytest.raises(AssertionError, match="law 'j"):
        fad.testing.check_custom_jvp(f, jnp.linspace(0.5, 1.5, 4, dtype=jnp.float64))


# --- custom_vjp ---------------------------------------------------------------------------


def _matvec(transposed: bool) -> fad.custom_vjp[Array, Array, Array]:
    @fad.custom_vjp
    def matvec(w: Array, x: Array) -> Array:
        return w @ x

    def fwd(w: Array, x: Array) -> tuple[Array, tuple[Array, Array]]:
        return w @ x, (w, x)

    def bwd(res: tuple[Array, Array], ct: Cotangent[Array]) -> Cotangent[tuple[Array, Array]]:
        w, x = res
        u = fad.primal_of(ct)
        w_used = w.T if not transposed else w  # the bug: the residual used untransposed
        return fad.cotangent((jnp.outer(u, x), w_used @ u))

    matvec.defvjp(fwd, bwd)
    return matvec


def test_a_correct_custom_vjp_passes() -> None:
    w = jnp.array([[1.0, 2.0, 0.5], [-1.0, 0.3, 2.0], [0.7, -0.2, 1.5]])
    fad.testing.check_custom_vjp(_matvec(False), w, jnp.array([0.3, -1.0, 2.0]))


def test_a_custom_vjp_with_a_transposed_residual_is_caught() -> None:
    w = np.array([[1.0, 2.0, 0.5], [-1.0, 0.3, 2.0], [0.7, -0.2, 1.5]])
    v = np.array([0.3, -1.0, 2.0])
    with fad.config.enable_x64_scope(True):
        with pytest.raises(fad.testing.LawError, match="law 'vjp_fd' fails") as info:
            fad.testing.check_custom_vjp(_matvec(True), jnp.asarray(w), jnp.asarray(v))
    assert "<u, J v>" in str(info.value)
    # In float32 the pairing's finite-difference bound is looser; AD of the primal catches it.
    with pytest.raises(fad.testing.LawError, match=r"law '(vjp_fd|custom_vs_ad)' fails"):
        fad.testing.check_custom_vjp(_matvec(True), jnp.asarray(w, jnp.float32),
                                     jnp.asarray(v, jnp.float32))  # fmt: skip


def test_custom_vjp_residual_contract() -> None:
    @fad.custom_vjp
    def f(x: Array) -> Array:
        return jnp.sin(x)

    def fwd(x: Array) -> tuple[Array, Array]:
        return jnp.cos(x), x  # fwd's output is not the function's

    def bwd(res: Array, ct: Cotangent[Array]) -> Cotangent[tuple[Array]]:
        return fad.cotangent((jnp.cos(res) * fad.primal_of(ct),))

    f.defvjp(fwd, bwd)
    with pytest.raises(fad.testing.LawError, match=r"law 'custom_residuals' fails.*fwd's output"):
        fad.testing.check_custom_vjp(f, jnp.ones(3))

    def bwd_short(res: Array, ct: Cotangent[Array]) -> Cotangent[tuple[Array]]:
        return fad.cotangent((jnp.cos(res)[:2] * fad.primal_of(ct)[:2],))

    def fwd_g(x: Array) -> tuple[Array, Array]:
        return jnp.sin(x), x

    def sin(x: Array) -> Array:
        return jnp.sin(x)

    g = fad.custom_vjp(sin)
    g.defvjp(fwd_g, bwd_short)
    with pytest.raises(fad.testing.LawError, match=r"custom_residuals.*argument 0"):
        fad.testing.check_custom_vjp(g, jnp.ones(3))


# --- check_laws -----------------------------------------------------------------------------


def test_check_laws_passes_on_a_pytree_function() -> None:
    def f(p: dict[str, Array], x: Array, n: Array) -> tuple[Array, dict[str, Array]]:
        y = jnp.tanh(x @ p["w"] + p["b"])
        return jnp.sum(y**2) * n, {"y": y, "count": n + 1}

    p = {"w": jnp.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.8]]), "b": jnp.array([0.1, -0.1])}
    fad.testing.check_laws(f, p, jnp.array([[1.0, 2.0, -1.0]]), jnp.asarray(3))


def test_check_laws_catches_a_wrong_primitive_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    good = jvp_mod.jvp_rules[ew.sin_p]

    def off(primals: Any, tangents: Any, **params: Any) -> tuple[Any, Any]:
        y, t = good(primals, tangents, **params)
        return y, t * 1.01

    monkeypatch.setitem(jvp_mod.jvp_rules, ew.sin_p, off)
    x, y = jnp.array([0.3, 1.2]), jnp.array([0.5, -0.4])
    with fad.config.enable_x64_scope(True):
        x64, y64 = (jnp.asarray(np.asarray(a), jnp.float64) for a in (x, y))
        with pytest.raises(fad.testing.LawError, match="law 'jvp_fd' fails: in argument 0"):
            fad.testing.check_laws(lambda a, b: jnp.sin(a) * b, x64, y64)
    monkeypatch.undo()
    with fad.config.enable_x64_scope(True):
        fad.testing.check_laws(lambda a, b: jnp.sin(a) * b, x64, y64)


def test_check_laws_rejects_unknown_laws_and_nothing_to_differentiate() -> None:
    with pytest.raises(ValueError, match="unknown law 'nope'"):
        fad.testing.check_laws(jnp.sin, jnp.ones(2), laws=["nope"])
    with pytest.raises(ValueError, match="'jvp_linear' differentiates"):
        fad.testing.check_laws(lambda n: n * 2, jnp.arange(3), laws=["jvp_linear"])
    with pytest.raises(ValueError, match="argnums: 2"):
        fad.testing.check_laws(jnp.sin, jnp.ones(2), argnums=[2])
    fad.testing.check_laws(lambda n: n * 2, jnp.arange(3))  # only the laws that apply


def test_the_edge_law_sees_an_eager_jit_disagreement() -> None:
    """An eager kernel that mishandles NaN (here: a NaN-blind maximum, numpy's fmax) is
    caught; the compiled maximum propagates NaN."""
    good = ew.max_p.impl
    object.__setattr__(ew.max_p, "impl", np.fmax)  # Primitive is frozen: patch by hand
    core._dtype_accepted.clear()  # (the eager paths keep each accepted dtype's impl)
    try:
        with pytest.raises(fad.testing.LawError, match="law 'jit_edge' fails"):
            fad.testing.check_laws(ew.max, jnp.ones(4), jnp.zeros(4), laws=["jit_edge"])
    finally:
        object.__setattr__(ew.max_p, "impl", good)
        core._dtype_accepted.clear()
    fad.testing.check_laws(ew.max, jnp.ones(4), jnp.zeros(4), laws=["jit_edge"])


def test_check_laws_tolerances_can_be_overridden() -> None:
    # A loose tolerance accepts what the default rejects, and the reverse.
    f = _softplus_with(1.001)
    x = jnp.linspace(-1.0, 1.0, 3)
    with pytest.raises(AssertionError):
        fad.testing.check_laws(f, x, laws=["jvp_fd"], rtol=1e-5, atol=1e-5)
    fad.testing.check_laws(f, x, laws=["jvp_fd"], rtol=1e-2, atol=1e-2)


# --- check_handler --------------------------------------------------------------------------


class Counting(fad.Handler):
    def __init__(self) -> None:
        self.count = 0

    def process(self, prim: fad.Primitive, args: Any, params: fad.Params) -> Any:
        self.count += 1
        return self.forward(prim, args, params)


class Doubling(fad.Handler):
    """A broken handler: doubles every product."""

    def process(self, prim: fad.Primitive, args: Any, params: fad.Params) -> Any:
        out = self.forward(prim, args, params)
        return out * 2 if prim is ew.mul_p else out


def test_a_forwarding_handler_is_the_identity() -> None:
    h = Counting()
    fad.testing.check_handler(h, lambda x, y: jnp.sin(x) * y, jnp.ones(3), jnp.arange(3.0))
    assert h.count > 0


def test_a_value_changing_handler_is_caught() -> None:
    with pytest.raises(fad.testing.LawError, match="law 'handler_identity' fails"):
        fad.testing.check_handler(Doubling(), lambda x, y: jnp.sin(x) * y, jnp.ones(3),
                                  jnp.arange(3.0))  # fmt: skip


# --- strategies -------------------------------------------------------------------------------


@settings(max_examples=5)
@given(x=fst.arrays(fst.shapes(max_dims=2), np.float32, min_value=-1.0, max_value=1.0))
def test_property_test_of_a_user_function(x: Array) -> None:
    def loss(v: Array) -> Array:
        return jnp.sum(jnp.tanh(v) ** 2)

    fad.testing.check_laws(loss, x, laws=["jvp_fd", "transpose_adjoint", "grad_vjp_one"])


@settings(max_examples=10)
@given(data=st.data())
def test_strategies_draw_what_they_promise(data: st.DataObject) -> None:
    shape = data.draw(fst.shapes(min_dims=1))
    x = data.draw(fst.arrays(shape, np.float32))
    assert isinstance(x, Array) and x.shape == shape and x.dtype == np.float32
    assert np.all(np.abs(np.asarray(x)) <= 2.0)
    e = data.draw(fst.arrays((8,), np.float32, edge=True))
    assert e.dtype == np.float32
    a, b = data.draw(fst.broadcastable_shapes(2))
    np.broadcast_shapes(a, b)
    m = np.asarray(data.draw(fst.spd_matrices(3, np.float32)))
    np.testing.assert_allclose(m, m.T)
    assert np.linalg.eigvalsh(m.astype(np.float64)).min() > 1.0
    c = np.asarray(data.draw(fst.well_conditioned(3, np.float32)))
    assert np.linalg.cond(c.astype(np.float64)) < 10.0
    tree = data.draw(fst.pytrees(fst.arrays((2,)), nodes=[lambda cs: tuple(cs)]))
    for leaf in fad.tree.leaves(tree):
        assert isinstance(leaf, Array) and leaf.shape == (2,)
    key = data.draw(fst.prng_keys())
    assert fad.random.uniform(key, (2,)).shape == (2,)


def test_edge_values_cover_the_issue_list() -> None:
    f = np.asarray(fad.testing.edge_values(np.float32))
    assert np.isnan(f).any() and np.isposinf(f).any() and np.isneginf(f).any()
    assert np.any((f == 0) & np.signbit(f)) and np.any((f == 0) & ~np.signbit(f))
    assert np.any((f != 0) & (np.abs(f) < np.finfo(np.float32).tiny))  # subnormals
    i = np.asarray(fad.testing.edge_values(np.int32))
    assert {np.iinfo(np.int32).min, np.iinfo(np.int32).max, 0, -1} <= set(i.tolist())


def test_fad_imports_without_hypothesis_and_testing_lazily() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import fad, fad.numpy as jnp\n"
        "assert 'fad.testing' not in sys.modules\n"
        "fad.testing.check_laws(jnp.sin, jnp.ones(2), laws=['jvp_fd', 'jit_eager'])\n"
        "try:\n"
        "    import fad.testing.strategies\n"
        "except ImportError as e:\n"
        "    assert 'needs hypothesis' in str(e)\n"
        "else:\n"
        "    raise AssertionError('strategies imported without hypothesis')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

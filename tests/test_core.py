"""fad.Array, avals and the IR."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad._src import core, ir
from fad._src.core import ShapedArray
from fad._src.ir import passes


def test_repr_and_str_follow_jax_and_numpy() -> None:
    x = jnp.array([1.0, 2.0, 3.0])
    assert repr(x) == "Array([1., 2., 3.], dtype=float32)"
    assert str(x) == "[1. 2. 3.]"
    assert repr(jnp.asarray(2)) == "Array(2, dtype=int32)"
    assert f"{jnp.asarray(0.5):.2f}" == "0.50"


def test_python_defaults_are_32_bit_and_weak() -> None:
    assert jnp.asarray(1.0).dtype == np.float32 and jnp.asarray(1.0).weak_type
    assert jnp.asarray(1).dtype == np.int32 and jnp.asarray(1).weak_type
    assert jnp.asarray(1j).dtype == np.complex64
    assert jnp.asarray(True).dtype == np.bool_ and not jnp.asarray(True).weak_type
    assert jnp.array([1.5, 2.5]).dtype == np.float32
    assert jnp.asarray(np.float64(1.0)).dtype == np.float32


def test_x64_opt_in() -> None:
    with fad.config.enable_x64_scope(True):
        assert jnp.asarray(1.0).dtype == np.float64
        assert jnp.array([1, 2]).dtype == np.int64
    assert jnp.asarray(1.0).dtype == np.float32


def test_weak_scalars_yield_in_promotion() -> None:
    x = jnp.ones(3, dtype=np.float16)
    assert (x * 2.0).dtype == np.float16
    assert (jnp.ones(3, dtype=np.int8) + 1).dtype == np.int8
    assert (jnp.ones(3, dtype=np.int32) + 1.5).dtype == np.float32


def test_arrays_are_immutable() -> None:
    src = np.arange(3.0, dtype=np.float32)
    x = jnp.asarray(src)
    src[0] = 100.0
    assert float(x[0]) == 0.0
    view = np.asarray(x)
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[0] = 1.0
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)


def test_np_asarray_is_zero_copy() -> None:
    x = jnp.arange(4.0) * 2.0
    assert np.shares_memory(np.asarray(x), np.asarray(x))


def test_array_methods_match_numpy() -> None:
    v = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    x = jnp.asarray(v)
    np.testing.assert_array_equal(x.T, v.T)
    np.testing.assert_array_equal(x.reshape(4, 3), v.reshape(4, 3))
    np.testing.assert_array_equal(x.reshape((2, 6)), v.reshape((2, 6)))
    np.testing.assert_allclose(x.sum(axis=0), v.sum(axis=0))
    np.testing.assert_allclose(x.mean(), v.mean())
    np.testing.assert_allclose(x.max(axis=1), v.max(axis=1))
    np.testing.assert_array_equal(x.argmax(axis=1), v.argmax(axis=1))
    np.testing.assert_array_equal(x.astype(np.int32), v.astype(np.int32))
    np.testing.assert_allclose(x.dot(x.T), v @ v.T)
    np.testing.assert_allclose(x @ x.T, v @ v.T)
    assert x.shape == (3, 4) and x.ndim == 2 and x.size == 12 and len(x) == 3
    rows = list(x)
    assert len(rows) == 3
    np.testing.assert_array_equal(rows[1], v[1])
    np.testing.assert_array_equal(-x, -v)
    np.testing.assert_array_equal(abs(-x), v)
    np.testing.assert_array_equal(x**2, v**2)
    np.testing.assert_array_equal(2 - x, 2 - v)
    np.testing.assert_array_equal(x // 3, v // 3)
    np.testing.assert_array_equal(x % 3, v % 3)
    np.testing.assert_array_equal(x > 5, v > 5)
    np.testing.assert_array_equal(x == 5, v == 5)
    np.testing.assert_array_equal(
        x.at[1, 2].set(-1.0), np.where(np.arange(12).reshape(3, 4) == 6, -1.0, v)
    )


def test_python_conversions_need_concrete_values() -> None:
    x = jnp.asarray(2.5)
    assert float(x) == 2.5 and int(x) == 2 and bool(x) and complex(x) == 2.5
    assert x.item() == 2.5
    with pytest.raises(TypeError, match="0-d"):
        len(x)


def test_shaped_array() -> None:
    a = ShapedArray((2, 3), np.dtype(np.float32))
    assert a.str_short() == "f32[2,3]" and a.ndim == 2 and a.size == 6
    assert a == ShapedArray((2, 3), np.dtype(np.float32)) and hash(a) == hash(a.update())
    assert a != a.update(weak_type=True)
    with pytest.raises(AttributeError):
        a.shape = (1,)


def test_make_jaxpr_prints_one_equation_per_line() -> None:
    def f(x: fad.Array, y: fad.Array) -> fad.Array:
        return jnp.sin(x) * y + 1.0

    prog = fad.make_jaxpr(f)(jnp.ones(3), jnp.ones(3))
    text = str(prog)
    assert text.splitlines()[0] == "{ lambda  ; a:f32[3] b:f32[3]. let"
    assert "c:f32[3] = sin a" in text
    assert "mul c b" in text
    ir.typecheck(prog.program)
    np.testing.assert_allclose(prog(jnp.ones(3), jnp.ones(3))[0], np.sin(1.0) + 1.0, rtol=1e-6)


def test_typecheck_rejects_wrong_output_type() -> None:
    prog = fad.make_jaxpr(jnp.sin)(jnp.ones(3)).program
    eqn = prog.eqns[0]
    bad_out = ir.Var(ShapedArray((4,), np.dtype(np.float32)))
    bad_eqn = ir.Eqn(eqn.prim, eqn.inputs, eqn.params, (bad_out,))
    bad = ir.Program(prog.constvars, prog.invars, (bad_eqn,), (bad_out,))
    with pytest.raises(ir.ProgramTypeError, match="sin"):
        ir.typecheck(bad)


def test_linearize_program_is_linear_and_typechecks() -> None:
    from fad._src.api.reverse import linearize_flat
    from fad._src.tree_util import tree_flatten

    flat, tree = tree_flatten((jnp.ones(3),))
    lin = linearize_flat(lambda x: jnp.sum(jnp.exp(x) * x), flat, tree, False, "test")
    prog = lin.program.program
    ir.typecheck(prog)
    assert passes.dependents(prog) >= set(prog.invars)
    assert all(e.prim.name not in ("exp", "sin") for e in prog.eqns)


def test_primitive_names_are_unique() -> None:
    with pytest.raises(ValueError, match="already exists"):
        core.new_primitive("sin")


def test_public_submodules_are_reachable_after_import_fad() -> None:
    """As in JAX: ``import fad`` then ``fad.tree.map``, ``fad.numpy``, ``fad.lax`` ... in a
    fresh interpreter, with the submodules imported on first use."""
    code = (
        "import sys, fad\n"
        "assert 'fad.tree' not in sys.modules and 'fad.lax' not in sys.modules\n"
        "assert 'fad.optim' not in sys.modules and callable(fad.optim.adam)\n"
        "assert fad.tree.map(lambda x: x + 1, {'a': 1}) == {'a': 2}\n"
        "assert float(fad.numpy.sin(0.0)) == 0.0 and float(fad.lax.cos(fad.numpy.ones(()))) < 1\n"
        "assert fad.tree_util.tree_leaves([1, (2,)]) == [1, 2]\n"
        "assert callable(fad.test_util.check_grads) and callable(fad.scipy.special.erf)\n"
        "assert {'numpy', 'lax', 'tree'} <= set(dir(fad))\n"
        "assert not hasattr(fad, 'nonexistent')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)

"""Hostile inputs must fail loudly or behave as JAX does, never give silent wrong results.

Each test compares against JAX's documented behaviour (issue #16) or an independent truth.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp


def test_numpy_function_on_a_tracer_raises_instead_of_a_zero_gradient() -> None:
    # JAX raises TracerArrayConversionError (a TypeError): np.sin cannot see the JVP.
    def f(x: Any) -> Any:
        return np.sin(x)

    with pytest.raises(TypeError, match=r"fad\.numpy"):
        fad.grad(f)(1.0)
    with pytest.raises(TypeError, match=r"fad\.numpy"):
        fad.jit(lambda x: np.asarray(x))(jnp.ones(2))
    with pytest.raises(TypeError, match=r"fad\.numpy"):
        fad.vmap(lambda x: np.cos(x))(jnp.ones(2))
    # The fad.numpy spelling differentiates (d/dx sin x = cos x).
    np.testing.assert_allclose(np.asarray(fad.grad(jnp.sin)(1.0)), np.cos(1.0), rtol=1e-6)


def test_comparing_with_none_or_a_string_is_identity_comparison() -> None:
    # JAX: ``x == None`` is False and ``x != None`` is True (the operator defers to Python).
    x = jnp.ones(3)
    assert (x == None) is False  # noqa: E711
    assert (x != None) is True  # noqa: E711
    assert (x == "a") is False
    assert (x != "a") is True
    np.testing.assert_array_equal(np.asarray(x == 1.0), [True, True, True])


@pytest.mark.parametrize(
    ("value", "dtype_name"),
    [
        (["a", "b"], "<U1"),
        (np.array(["x", "yz"]), "<U2"),
        (np.array([1, None], dtype=object), "object"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64"),
    ],
)
def test_non_numeric_values_are_rejected_at_construction(value: Any, dtype_name: str) -> None:
    # JAX: "Value 'a' with dtype <U1 is not a valid JAX array type" (a TypeError).
    with pytest.raises(TypeError, match=dtype_name):
        jnp.array(value)
    with pytest.raises(TypeError, match=dtype_name):
        jnp.asarray(value)
    with pytest.raises(TypeError, match=dtype_name):
        jnp.asarray(value, dtype=jnp.float32)


def test_arrays_do_not_share_memory_with_the_callers_numpy_data() -> None:
    # JAX copies numpy data into its arrays, and its arrays are immutable.
    a = np.ones(3, np.float32)
    made = [
        jnp.asarray(a, dtype=jnp.float32),
        jnp.array(a, dtype=jnp.float32, copy=True),
        jnp.array(np.broadcast_to(a, (3,))),  # a read-only view of writable data
        jnp.asarray(a),
        jnp.array(a),
    ]
    a[0] = 5.0
    for x in made:
        np.testing.assert_array_equal(np.asarray(x), [1.0, 1.0, 1.0])
    # What ``np.asarray`` hands out cannot be made writable again.
    values = [
        jnp.ones(3),
        jnp.asarray([1.0, 2.0, 3.0]),
        jnp.sin(jnp.zeros(3)),
        jnp.zeros(3),
        fad.jit(jnp.cos)(jnp.zeros(3)),
        fad.device_put(jnp.ones(3)),
    ]
    for x in values:
        before = np.asarray(x).copy()
        v = np.asarray(x)
        with pytest.raises(ValueError):
            v.setflags(write=True)
        with pytest.raises(ValueError):
            v[0] = 100.0
        np.testing.assert_array_equal(np.asarray(x), before)


def test_arrays_pickle_and_deepcopy_by_value_and_tracers_refuse() -> None:
    import copy
    import pickle

    # JAX arrays pickle and deep-copy by value (dtype and weak type kept).
    for x in [
        fad.jit(jnp.sin)(jnp.ones(3)),
        fad.device_put(jnp.arange(4)),
        jnp.asarray(2.0),
        jnp.ones((2, 2), jnp.int8),
    ]:
        for y in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x), copy.copy(x)):
            assert isinstance(y, fad.Array)
            assert (y.dtype, y.shape, y.weak_type) == (x.dtype, x.shape, x.weak_type)
            np.testing.assert_array_equal(np.asarray(y), np.asarray(x))
    leaked: list[Any] = []

    def f(x: Any) -> Any:
        leaked.append(x)
        return x * 2.0

    fad.grad(f)(1.0)
    # A tracer leaked out of grad: JAX raises UnexpectedTracerError, never a number.
    with pytest.raises(fad.EscapedTracerError):
        float(leaked[0])
    with pytest.raises(fad.EscapedTracerError):
        pickle.dumps(leaked[0])

    def g(x: Any) -> Any:
        pickle.dumps(x)
        return x

    with pytest.raises(TypeError):  # a ConcretizationError inside the transformation
        fad.grad(g)(1.0)


_SCALAR_TYPES = [
    "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "bool_", "complex64", "complex128",
]  # fmt: skip


@pytest.mark.parametrize("name", _SCALAR_TYPES)
def test_scalar_types_are_callable_and_still_dtypes(name: str) -> None:
    # JAX: ``jnp.float32(1.5)`` is a 0-d Array of that dtype; the type is still a dtype.
    t: Any = getattr(jnp, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 64-bit types narrow while x64 is off
        x = t(1)
        want = fad.numpy.zeros((), t).dtype
    assert isinstance(x, fad.Array)
    assert x.shape == ()
    assert x.dtype == want
    assert np.dtype(t) == np.dtype(name)
    assert t == np.dtype(name)
    assert x.item() == 1
    np.testing.assert_array_equal(np.asarray(jnp.zeros(2, t)), np.zeros(2))


def test_round_and_divmod_operators() -> None:
    x = jnp.asarray([1.26, -2.5, 7.0])
    # round(x, n) keeps the dtype; round(x) is an integer array (JAX's __round__).
    r1 = round(x, 1)
    assert r1.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(r1), [1.3, -2.5, 7.0], rtol=1e-6)
    r0 = round(x)
    assert r0.dtype == jnp.int32
    np.testing.assert_array_equal(np.asarray(r0), [1, -2, 7])  # half to even, as numpy
    # divmod agrees with Python's floor division and modulo.
    q, m = divmod(jnp.arange(-3, 4), 2)
    assert list(zip(q.tolist(), m.tolist(), strict=True)) == [divmod(i, 2) for i in range(-3, 4)]
    q2, m2 = divmod(7, jnp.asarray(-2))
    assert (int(q2), int(m2)) == divmod(7, -2)


def test_eager_lax_ops_check_shapes_and_dtypes_as_jit_does() -> None:
    import fad.lax as lax

    # JAX's lax.add requires equal ranks (size-1 dimensions broadcast) and equal dtypes,
    # eagerly as under jit.
    cases = [
        (jnp.ones(3), jnp.ones((2, 3)), "same number of dimensions"),
        (jnp.ones(3), jnp.ones(2), "incompatible shapes"),
        (jnp.ones(3), jnp.ones(3, jnp.int32), "same dtypes"),
    ]
    for a, b, what in cases:
        with pytest.raises(TypeError, match=what):
            fad.jit(lax.add)(a, b)
        with pytest.raises(TypeError, match=what):
            lax.add(a, b)
        with pytest.raises(TypeError, match=what):
            lax.mul(a, b)
    assert lax.add(jnp.ones(3), jnp.ones(1)).shape == (3,)
    with pytest.raises(TypeError, match="equal shapes"):
        lax.select(jnp.ones(3, bool), jnp.ones(3), jnp.ones((2, 3)))  # the general path
    # fad.numpy still broadcasts and promotes.
    assert (jnp.ones(3) + jnp.ones((2, 3))).shape == (2, 3)
    assert (jnp.ones(3) - 1).shape == (3,)
    assert (jnp.ones(3, jnp.int32) + 1.5).dtype == jnp.float32

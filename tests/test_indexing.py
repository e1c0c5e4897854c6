"""``x[idx]`` and ``x.at[idx]`` against numpy's indexing and in-place updates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp

NDArray = np.ndarray[Any, Any]

X = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5) - 50.0
_ = slice(None)

BASIC: list[Any] = [
    0,
    -1,
    1,
    (1, 2),
    (-1, -3, 0, -5),
    (0, 1, 2, 3),
    _,
    (_, 1),
    (_, _, -1),
    slice(1, None),
    slice(None, None, -1),
    (_, slice(None, None, -2)),
    (_, slice(2, 0, -1)),
    (_, slice(-1, None, -2), slice(1, 4, 2)),
    (_, slice(5, 10)),
    (_, slice(2, 1)),
    (_, slice(-100, 100)),
    (_, slice(None, None, 3)),
    None,
    (None, 0),
    (0, None, 1, None),
    Ellipsis,
    (Ellipsis, 0),
    (0, Ellipsis),
    (0, Ellipsis, 1),
    (Ellipsis, None),
    (None, Ellipsis, None, slice(1, 3)),
    (1, _, Ellipsis, slice(None, None, -1)),
    (),
    np.int32(1),
    (np.int64(-1), np.uint8(2)),
]

ADVANCED: list[Any] = [
    [0, 1, 0],
    np.array([1, -1]),
    np.array([[0], [1]]),
    (np.array([0, 1]), np.array([2, 0])),
    (_, [2, -1, 0]),
    (_, _, [[0, 1], [3, -4]]),
    # Adjacent advanced indices keep their place; separated ones go first.
    (_, [0, 1], [1, 2]),
    (_, [0, 1], _, [1, 2]),
    (0, _, [1, 2]),
    ([1, 0], _, 0),
    (_, 1, [0, 3]),
    (_, [[0], [2]], [1, 3]),
    ([0, 1], None, [1, 2]),
    (None, [0, 1], [1, 2]),
    (Ellipsis, [0, -1]),
    (Ellipsis, [1, 0], _),
    ([1], Ellipsis, [2]),
    # Broadcast together.
    (np.array([[0], [1]]), _, np.array([0, 1, 3])),
    (np.array(1), [0, 2]),
    # Mixed with slices with negative steps and None.
    (slice(None, None, -1), [2, 0], None, slice(3, 0, -2)),
    ([0, 0, 1], slice(1, 3), [[1], [2]]),
    # Empty index arrays.
    np.array([], dtype=np.int32),
    (_, []),
    # Concrete boolean masks.
    X > 0,
    X[..., 0] > 0,
    (X[:, :, 0, 0] > 5,),
    (_, np.array([True, False, True])),
    (np.array([False, True]), _, [1, 2]),
    (1, X[0, :, :, 0] > -40),
    (Ellipsis, np.array([True, False, False, True, True])),
    np.array([False, False]),
    True,
    False,
    (0, True),
    (_, False, 1),
    (True, [0, 1]),
]


def _ids(idx: Any) -> str:
    s = repr(idx).replace("slice(None, None, None)", ":").replace("array", "a")
    return s if len(s) < 60 else s[:57] + "..."


@pytest.mark.parametrize("idx", BASIC + ADVANCED, ids=[_ids(i) for i in BASIC + ADVANCED])
def test_getitem(idx: Any) -> None:
    ref = X[idx]
    out = jnp.asarray(X)[idx]
    assert out.shape == ref.shape
    assert out.dtype == ref.dtype
    np.testing.assert_array_equal(np.asarray(out), ref)


@pytest.mark.parametrize("idx", BASIC + ADVANCED, ids=[_ids(i) for i in BASIC + ADVANCED])
def test_getitem_fad_array_index(idx: Any) -> None:
    """Index arrays given as fad Arrays behave like numpy arrays."""
    conv = tuple(
        jnp.asarray(i) if isinstance(i, np.ndarray) else i
        for i in (idx if isinstance(idx, tuple) else (idx,))
    )
    np.testing.assert_array_equal(np.asarray(jnp.asarray(X)[conv]), X[idx])


def test_getitem_0d_and_empty() -> None:
    s = np.float32(3.5)
    x = jnp.asarray(s)
    assert x[()].shape == () and float(x[()]) == 3.5
    assert x[None].shape == (1,)
    assert x[..., None].shape == (1,)
    assert x[True].shape == (1,)
    e = np.zeros((0, 3), np.float32)
    np.testing.assert_array_equal(np.asarray(jnp.asarray(e)[:, [0, 2]]), e[:, [0, 2]])
    assert jnp.asarray(e)[1:].shape == (0, 3)


@pytest.mark.parametrize(
    "idx",
    [0, -1, (1, 2), (_, _, [0, 2]), ([0, 1, 0], _, 1), (Ellipsis, 1), X > 10, (0, 2, 3, 4)],
    ids=_ids,
)
@pytest.mark.parametrize("method", ["set", "add", "multiply", "min", "max", "subtract", "divide"])
def test_at_updates(idx: Any, method: str) -> None:
    rng = np.random.default_rng(0)
    shape = X[idx].shape
    vals = rng.uniform(0.5, 2.0, size=shape).astype(np.float32)
    ref = X.copy()
    if method == "set":
        ref[idx] = vals
    elif method == "subtract":
        np.subtract.at(ref, idx, vals)
    elif method == "divide":
        np.divide.at(ref, idx, vals)
    else:
        ufunc = {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}
        ufunc[method].at(ref, idx, vals)
    out = getattr(jnp.asarray(X).at[idx], method)(vals)
    assert out.dtype == np.float32 and out.shape == X.shape
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-6)


@pytest.mark.parametrize("method", ["add", "multiply", "min", "max"])
def test_at_duplicate_indices_accumulate(method: str) -> None:
    x = np.arange(6, dtype=np.float32) + 1.0
    idx = np.array([0, 2, 0, 0, 5, -1])
    vals = np.array([3.0, 0.5, 2.0, -1.0, 4.0, 0.25], np.float32)
    ref = x.copy()
    ufunc = {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}[method]
    ufunc.at(ref, idx, vals)
    out = getattr(jnp.asarray(x).at[idx], method)(vals)
    np.testing.assert_allclose(np.asarray(out), ref)
    # Two-dimensional, with a row index repeated and a column slice.
    y = np.ones((3, 4), np.float32)
    ref2 = y.copy()
    rows_cols: Any = (np.array([1, 1, 2]), slice(1, 3))  # numpy's stubs omit slices here
    ufunc.at(ref2, rows_cols, 2.0)
    out2 = getattr(jnp.asarray(y).at[[1, 1, 2], 1:3], method)(2.0)
    np.testing.assert_allclose(np.asarray(out2), ref2)


def test_at_scalar_and_broadcast_values() -> None:
    x = np.zeros((3, 4), np.float32)
    ref = x.copy()
    ref[:, 1] = 7
    np.testing.assert_array_equal(np.asarray(jnp.asarray(x).at[:, 1].set(7)), ref)
    ref = x.copy()
    ref[[0, 2]] = np.arange(4)
    np.testing.assert_array_equal(np.asarray(jnp.asarray(x).at[[0, 2]].set(np.arange(4))), ref)
    ref = x.copy()
    ref[1] = np.ones((1, 4))
    np.testing.assert_array_equal(np.asarray(jnp.asarray(x).at[1].set(np.ones((1, 4)))), ref)
    out = jnp.asarray(np.arange(4)).at[1].add(2.7)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(np.asarray(out), [0, 3, 2, 3])
    np.testing.assert_array_equal(np.asarray(jnp.asarray(x).at[0, 0].get()), x[0, 0])
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        jnp.asarray(x).at[0].set(np.ones(3))


def test_at_does_not_mutate() -> None:
    x = jnp.zeros(3)
    y = x.at[1].set(5.0)
    np.testing.assert_array_equal(np.asarray(x), np.zeros(3))
    np.testing.assert_array_equal(np.asarray(y), [0.0, 5.0, 0.0])


def test_out_of_bounds() -> None:
    x = jnp.asarray(X)
    for idx in (2, -3, (0, 3), (0, 0, 4), (Ellipsis, 5), (Ellipsis, -6), (_, [0, 1], 7)):
        with pytest.raises(IndexError, match="out of bounds"):
            x[idx]
    with pytest.raises(IndexError, match="out of bounds"):
        x.at[2].set(0.0)
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0, 0, 0]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., 0, ...]
    with pytest.raises(IndexError, match="valid indices"):
        x[1.5]
    with pytest.raises(IndexError, match="valid indices"):
        x[np.array([0.0, 1.0])]
    with pytest.raises(IndexError, match="valid indices"):
        x["a"]
    with pytest.raises(IndexError, match="boolean index"):
        x[np.array([True, False, True])]
    with pytest.raises(IndexError, match="broadcast"):
        x[[0, 1], [0, 1, 2]]
    # Array indices out of range are clamped when read and dropped when written (JAX).
    v = jnp.arange(5.0)
    np.testing.assert_array_equal(np.asarray(v[np.array([7, -9])]), [4.0, 0.0])
    np.testing.assert_array_equal(np.asarray(v.at[np.array([7, 1])].set(-1.0)), [0, -1, 2, 3, 4])


def test_indexing_under_transformations() -> None:
    x0 = np.arange(12, dtype=np.float32).reshape(3, 4)

    def f(x: fad.Array) -> fad.Array:
        y = x[::-1, [0, 2, 2]] * x[1:, None, 1:3].sum()
        return jnp.sum(y.at[0, 1].add(x[2, 3]) ** 2)

    g = np.asarray(fad.grad(f)(jnp.asarray(x0)))
    with fad.config.enable_x64_scope(True):
        x64 = x0.astype(np.float64)
        eps = 1e-4
        num = np.zeros_like(x64)
        for i in np.ndindex(*x64.shape):
            d = np.zeros_like(x64)
            d[i] = eps
            num[i] = (float(f(jnp.asarray(x64 + d))) - float(f(jnp.asarray(x64 - d)))) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-4)
    # A traced integer index (vmap over indices) picks per-example rows.
    rows = fad.vmap(lambda i: jnp.asarray(x0)[i])(jnp.asarray([2, 0, 1]))
    np.testing.assert_array_equal(np.asarray(rows), x0[[2, 0, 1]])
    upd = fad.vmap(lambda i, v: jnp.zeros(4).at[i].set(v))(
        jnp.asarray([1, 3]), jnp.asarray([5.0, 6.0])
    )
    np.testing.assert_array_equal(np.asarray(upd), [[0, 5, 0, 0], [0, 0, 0, 6]])


def test_boolean_masks_under_transformations() -> None:
    x = jnp.arange(4.0)
    # grad keeps primal values concrete, so a mask computed from them is usable (as in JAX).
    g = fad.grad(lambda v: jnp.sum(v[v > 1.0] ** 2))(x)
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 4.0, 6.0])
    # Staging makes the mask abstract: its shape-determining values are unknown.
    with pytest.raises(IndexError, match="concrete"):
        fad.make_jaxpr(lambda v: v[v > 1.0])(x)
    with pytest.raises(IndexError, match="concrete"):
        fad.vmap(lambda v: v[v > 1.0])(jnp.ones((2, 3)))

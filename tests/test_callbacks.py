"""Python callbacks inside transformed code: debug.print/debug.callback print and call on
every run (jit), per element (vmap) and on primal values (grad); pure_callback returns its
declared results eagerly, under jit and under each vmap_method, and refuses JVP."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp


def _printing(x: fad.Array) -> fad.Array:
    fad.debug.print("x = {x}", x=x)
    return x * 2.0


def test_debug_print_eager_and_on_every_jit_run(capsys: pytest.CaptureFixture[str]) -> None:
    _printing(jnp.arange(2.0))
    assert capsys.readouterr().out == "x = [0. 1.]\n"
    f = fad.jit(_printing)
    np.testing.assert_array_equal(f(jnp.arange(2.0)), [0.0, 2.0])
    np.testing.assert_array_equal(f(jnp.arange(2.0) + 1.0), [2.0, 4.0])
    assert capsys.readouterr().out == "x = [0. 1.]\nx = [1. 2.]\n"


def test_debug_print_under_vmap_and_grad(capsys: pytest.CaptureFixture[str]) -> None:
    def show(x: fad.Array) -> fad.Array:
        fad.debug.print("elem {}", x)
        return x

    fad.vmap(show)(jnp.arange(2.0))
    assert capsys.readouterr().out == "elem 0.0\nelem 1.0\n"
    fad.jit(fad.vmap(show))(jnp.arange(2.0))
    assert capsys.readouterr().out == "elem 0.0\nelem 1.0\n"

    def f(x: fad.Array) -> fad.Array:
        fad.debug.print("primal {}", x)
        return x**2

    three = jnp.asarray(3.0)
    assert float(fad.grad(f)(three)) == 6.0
    assert capsys.readouterr().out == "primal 3.0\n"
    assert float(fad.jit(fad.grad(f))(three)) == 6.0
    assert capsys.readouterr().out == "primal 3.0\n"


def test_debug_callback_gets_pytrees_of_numpy() -> None:
    seen: list[Any] = []
    fad.jit(lambda t: fad.debug.callback(seen.append, t))({"a": jnp.ones(2), "b": 3.0})
    assert len(seen) == 1 and set(seen[0]) == {"a", "b"}
    assert isinstance(seen[0]["a"], np.ndarray)
    np.testing.assert_array_equal(seen[0]["a"], [1.0, 1.0])


def _sin_cb(x: fad.Array, method: str | None = "sequential") -> fad.Array:
    out: fad.Array = fad.pure_callback(
        np.sin, fad.ShapeDtypeStruct(x.shape, x.dtype), x, vmap_method=method
    )
    return out


@pytest.mark.parametrize("method", ["sequential", "expand_dims", "broadcast_all"])
def test_pure_callback_eager_jit_vmap(method: str) -> None:
    x = jnp.asarray(np.linspace(-1.0, 1.0, 6, dtype=np.float32).reshape(2, 3))
    want = np.sin(np.asarray(x))
    np.testing.assert_allclose(_sin_cb(x, method), want, rtol=1e-6)
    np.testing.assert_allclose(fad.jit(lambda v: _sin_cb(v, method))(x), want, rtol=1e-6)
    np.testing.assert_allclose(fad.vmap(lambda v: _sin_cb(v, method))(x), want, rtol=1e-6)
    np.testing.assert_allclose(
        fad.jit(fad.vmap(lambda v: _sin_cb(v, method)))(x), want, rtol=1e-6
    )


def test_pure_callback_errors() -> None:
    x = jnp.ones(2)
    with pytest.raises(NotImplementedError, match="vmap_method"):
        fad.vmap(lambda v: _sin_cb(v, None))(jnp.ones((2, 2)))
    with pytest.raises(ValueError, match="custom_jvp"):
        fad.grad(lambda v: jnp.sum(_sin_cb(v)))(x)
    with pytest.raises(RuntimeError, match="shape"):
        fad.pure_callback(
            lambda v: np.ones(3, np.float32), fad.ShapeDtypeStruct((2,), "float32"), x
        )
    with pytest.raises(TypeError, match="ShapeDtypeStruct"):
        fad.pure_callback(np.sin, (2,), x)


def test_pure_callback_with_a_custom_jvp_rule() -> None:
    @fad.custom_jvp
    def sin(x: fad.Array) -> fad.Array:
        return _sin_cb(x)

    @sin.defjvp
    def _(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return sin(x), jnp.cos(x) * t

    x = jnp.asarray([0.1, 0.5])
    np.testing.assert_allclose(fad.grad(lambda v: jnp.sum(sin(v)))(x), np.cos([0.1, 0.5]), 1e-6)

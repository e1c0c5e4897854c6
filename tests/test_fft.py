"""``fad.numpy.fft`` and the ``fft`` primitive: values against numpy's pocketfft, pullbacks
against values recorded from jax 0.10.2 (tests/data/fft_reference.json, written by
tools/record_jax_parity.py), finite differences to second order, and jit/vmap against eager."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad.test_util import check_grads

REF = json.loads((pathlib.Path(__file__).parent / "data" / "fft_reference.json").read_text())


def _c(pair: list[Any]) -> Any:
    return np.asarray(pair[0]) + 1j * np.asarray(pair[1])


RNG = np.random.default_rng(0)
X: Any = RNG.normal(size=(4, 6))
Z: Any = X + 1j * RNG.normal(size=(4, 6))
X5: Any = RNG.normal(size=(2, 3, 2, 3, 4))

VALUE_CASES: list[tuple[str, Any, Any]] = [
    ("fft", lambda m: m.fft(Z), None),
    ("fft_n_axis", lambda m: m.fft(Z, 4, axis=0), None),
    ("fft_padded", lambda m: m.fft(Z, 8), None),
    ("ifft_ortho", lambda m: m.ifft(Z, norm="ortho"), None),
    ("rfft_forward", lambda m: m.rfft(X, norm="forward"), None),
    ("irfft", lambda m: m.irfft(Z), None),
    ("irfft_odd", lambda m: m.irfft(Z, 7), None),
    ("fftn", lambda m: m.fftn(Z), None),
    ("rfftn", lambda m: m.rfftn(X), None),
    ("irfftn", lambda m: m.irfftn(Z), None),
    ("fft2", lambda m: m.fft2(Z), None),
    ("ifft2", lambda m: m.ifft2(Z, norm="forward"), None),
    ("irfft2", lambda m: m.irfft2(Z, (4, 5)), None),
    ("hfft", lambda m: m.hfft(Z), None),
    ("ihfft", lambda m: m.ihfft(X), None),
    ("fftfreq", lambda m: m.fftfreq(7, 0.5), None),
    ("rfftfreq", lambda m: m.rfftfreq(8), None),
    ("fftshift", lambda m: m.fftshift(X), None),
    ("ifftshift", lambda m: m.ifftshift(X, 0), None),
    ("fftn_5d", lambda m: m.fftn(X5), None),
    ("rfftn_5d", lambda m: m.rfftn(X5), None),
]


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_match_numpy(case: tuple[str, Any, Any]) -> None:
    _, call, _ = case
    np.testing.assert_allclose(np.asarray(call(jnp.fft)), call(np.fft), rtol=2e-4, atol=2e-4)


def test_inverse_round_trips_and_jit() -> None:
    x = jnp.asarray(X5.astype(np.float32))
    np.testing.assert_allclose(np.asarray(jnp.fft.irfftn(jnp.fft.rfftn(x), x.shape)), X5, atol=1e-5)
    np.testing.assert_allclose(
        np.asarray(fad.jit(jnp.fft.rfft)(x)), np.asarray(jnp.fft.rfft(x)), rtol=1e-5, atol=1e-5
    )
    batched = fad.vmap(jnp.fft.fft, in_axes=1)(jnp.asarray(Z.astype(np.complex64)))
    np.testing.assert_allclose(np.asarray(batched), np.fft.fft(Z, axis=0).T, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("k", range(len(REF)))
def test_pullbacks_match_recorded_jax(k: int) -> None:
    case = REF[k]
    fn = getattr(jnp.fft, case["name"])
    kwargs = {key: tuple(v) if isinstance(v, list) else v for key, v in case["kwargs"].items()}
    x = _c(case["x"])
    if not np.any(x.imag):
        x = x.real
    with fad.config.enable_x64_scope(True):
        xa = jnp.asarray(x)
        out, pullback = fad.vjp(lambda a: fn(a, **kwargs), xa)
        np.testing.assert_allclose(np.asarray(out), _c(case["out"]), rtol=1e-10, atol=1e-10)
        ct = _c(case["ct"]).astype(out.dtype)
        pb: Any = pullback
        (g,) = pb(jnp.asarray(ct))
        np.testing.assert_allclose(np.asarray(g), _c(case["grad"]), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "name", ["fft", "ifft", "rfft", "irfft", "fftn", "rfftn", "irfftn", "hfft"]
)
def test_second_order_by_finite_differences(name: str) -> None:
    fn = getattr(jnp.fft, name)
    with fad.config.enable_x64_scope(True):
        x = jnp.asarray(Z[:2, :5] if name not in ("rfft", "rfftn") else X[:2, :5])

        def f(a: fad.Array) -> fad.Array:
            out: fad.Array = fn(a)
            return jnp.sin(out.real) + jnp.cos(out.imag) if jnp.iscomplexobj(out) else jnp.sin(out)

        check_grads(f, (x,), order=2, modes=("fwd", "rev"))


def test_errors() -> None:
    with pytest.raises(TypeError, match="real input"):
        jnp.fft.rfft(jnp.ones(4, jnp.complex64))
    with pytest.raises(ValueError, match="norm"):
        jnp.fft.fft(jnp.ones(4), norm="unitary")
    with pytest.raises(ValueError, match="out of bounds"):
        jnp.fft.fft(jnp.ones(4), axis=2)
    with pytest.raises(ValueError, match="data points"):
        jnp.fft.fft(jnp.ones(4), 0)

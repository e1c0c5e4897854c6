"""fad.scipy.optimize.minimize, fad.scipy.signal and fad.scipy.integrate against scipy:
results, derivatives where they exist, vmap and jit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.integrate as si
import scipy.optimize as so
import scipy.signal as sg

import fad
import fad.numpy as jnp
from fad.scipy import integrate, optimize, signal
from fad.test_util import check_grads

RNG = np.random.default_rng(4)


def rosen(x: Any) -> Any:
    return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def test_minimize_bfgs_matches_scipy() -> None:
    x0 = np.array([-1.2, 1.0, 0.5, -0.3])
    with fad.config.enable_x64_scope(True):
        r = optimize.minimize(rosen, x0, method="BFGS")
        ref = so.minimize(lambda v: float(rosen(jnp.asarray(v))), x0, method="BFGS")
        assert bool(r.success) and int(r.status) == 0
        np.testing.assert_allclose(np.asarray(r.x), ref.x, atol=1e-4)
        np.testing.assert_allclose(np.asarray(r.x), np.ones(4), atol=1e-6)
        assert float(r.fun) < 1e-10 and np.abs(np.asarray(r.jac)).max() <= 1e-5
        # A quadratic: the minimizer solves A x = b, and hess_inv approaches A^-1.
        a = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.0]])
        b = np.array([1.0, -2.0, 0.5])

        def quad(x: Any, a: Any, b: Any) -> Any:
            return 0.5 * x @ (a @ x) - b @ x

        q = optimize.minimize(
            quad, np.zeros(3), args=(a, b), method="BFGS", options={"gtol": 1e-10}
        )
        np.testing.assert_allclose(np.asarray(q.x), np.linalg.solve(a, b), rtol=1e-8)
        assert q.hess_inv is not None
        np.testing.assert_allclose(np.asarray(q.hess_inv), np.linalg.inv(a), atol=1e-2)
        # The whole loop runs under jit and vmap.
        jitted = fad.jit(lambda v: optimize.minimize(rosen, v, method="BFGS").x)(x0)
        np.testing.assert_allclose(np.asarray(jitted), np.asarray(r.x), rtol=1e-12)
        starts = np.stack([x0, x0 + 0.1])
        batched = fad.vmap(lambda v: optimize.minimize(rosen, v, method="BFGS").x)(starts)
        np.testing.assert_allclose(np.asarray(batched), np.ones((2, 4)), atol=1e-5)
        short = optimize.minimize(rosen, x0, method="BFGS", options={"maxiter": 3})
        assert int(short.status) == 1 and not bool(short.success) and int(short.nit) == 3


def test_minimize_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="method must be 'BFGS'"):
        optimize.minimize(rosen, np.zeros(2), method="Nelder-Mead")
    with pytest.raises(ValueError, match="x0 must be 1-D"):
        optimize.minimize(rosen, np.zeros((2, 2)), method="BFGS")
    with pytest.raises(ValueError, match="unknown options"):
        optimize.minimize(rosen, np.zeros(2), method="BFGS", options={"xtol": 1.0})


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolutions(mode: str) -> None:
    a, b = RNG.normal(size=7), RNG.normal(size=3)
    m2, k2 = RNG.normal(size=(5, 4)), RNG.normal(size=(2, 3))
    m3, k3 = RNG.normal(size=(4, 3, 3)), RNG.normal(size=(2, 2, 1))
    with fad.config.enable_x64_scope(True):
        for x, y in ((a, b), (b, a), (m3, k3)):
            np.testing.assert_allclose(
                np.asarray(signal.convolve(x, y, mode)),
                sg.convolve(x, y, mode),
                rtol=1e-12,
                atol=1e-12,
            )
            np.testing.assert_allclose(
                np.asarray(signal.correlate(x, y, mode)),
                sg.correlate(x, y, mode),
                rtol=1e-12,
                atol=1e-12,
            )
        np.testing.assert_allclose(
            np.asarray(signal.convolve2d(m2, k2, mode)),
            sg.convolve2d(m2, k2, mode),
            rtol=1e-12,
            atol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(signal.correlate2d(m2, k2, mode)),
            sg.correlate2d(m2, k2, mode),
            rtol=1e-12,
            atol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(signal.fftconvolve(m2, k2, mode)),
            sg.fftconvolve(m2, k2, mode),
            rtol=1e-10,
            atol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(fad.jit(lambda x, y: signal.convolve(x, y, mode))(a, b)),
            sg.convolve(a, b, mode),
            rtol=1e-12,
            atol=1e-12,
        )
        batched = fad.vmap(lambda x: signal.correlate(x, b, mode))(np.stack([a, -a]))
        np.testing.assert_allclose(
            np.asarray(batched),
            np.stack([sg.correlate(a, b, mode), sg.correlate(-a, b, mode)]),
            rtol=1e-12,
            atol=1e-12,
        )
        check_grads(
            lambda x, y: signal.convolve(x, y, mode),
            [jnp.asarray(a[:4]), jnp.asarray(b[:2])],
            order=2,
        )
        check_grads(
            lambda x, y: signal.correlate2d(x, y, mode),
            [jnp.asarray(m2[:3, :3]), jnp.asarray(k2[:2, :2])],
            order=1,
        )


def test_detrend_and_trapezoid() -> None:
    d = RNG.normal(size=(3, 8))
    y = RNG.normal(size=(3, 6))
    x = np.sort(RNG.normal(size=6))
    with fad.config.enable_x64_scope(True):
        np.testing.assert_allclose(np.asarray(signal.detrend(d)), sg.detrend(d), atol=1e-12)
        np.testing.assert_allclose(
            np.asarray(signal.detrend(d, axis=0, type="constant")),
            sg.detrend(d, axis=0, type="constant"),
            atol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(fad.vmap(signal.detrend)(d)), sg.detrend(d), atol=1e-12
        )
        check_grads(signal.detrend, [jnp.asarray(d[:2, :4])], order=1)
        np.testing.assert_allclose(np.asarray(integrate.trapezoid(y)), si.trapezoid(y), rtol=1e-12)
        np.testing.assert_allclose(
            np.asarray(integrate.trapezoid(y, x)), si.trapezoid(y, x), rtol=1e-12
        )
        np.testing.assert_allclose(
            np.asarray(integrate.trapezoid(y, dx=0.3, axis=0)),
            si.trapezoid(y, dx=0.3, axis=0),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(fad.jit(integrate.trapezoid)(y, x)), si.trapezoid(y, x), rtol=1e-12
        )
        np.testing.assert_allclose(
            np.asarray(fad.vmap(integrate.trapezoid, (0, None))(y, x)),
            si.trapezoid(y, x),
            rtol=1e-12,
        )
        check_grads(integrate.trapezoid, [jnp.asarray(y[:2]), jnp.asarray(x)], order=2)
    with pytest.raises(ValueError, match="trapezoid: x has"):
        integrate.trapezoid(y, x[:4])
    with pytest.raises(ValueError, match="convolve: mode"):
        signal.convolve(y, y, "circular")


@pytest.mark.parametrize(
    "kw",
    [
        {}, {"nperseg": 64, "noverlap": 10, "nfft": 100},
        {"nperseg": 50, "detrend": "linear", "scaling": "spectrum"},
        {"nperseg": 64, "average": "median"}, {"nperseg": 63, "return_onesided": False},
    ],
    ids=["default", "overlap_nfft", "linear_spectrum", "median", "twosided"],
)  # fmt: skip
def test_welch_and_csd(kw: dict[str, Any]) -> None:
    x, y = RNG.normal(size=(2, 300)), RNG.normal(size=(2, 300))
    with fad.config.enable_x64_scope(True):
        f, p = signal.welch(x, **kw)
        f0, p0 = sg.welch(x, **kw)
        np.testing.assert_allclose(np.asarray(f), f0, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(p), p0, rtol=1e-10, atol=1e-14)
        _, c = signal.csd(x, y, **kw)
        np.testing.assert_allclose(np.asarray(c), sg.csd(x, y, **kw)[1], rtol=1e-10, atol=1e-14)
    if not kw:
        with fad.config.enable_x64_scope(True):
            np.testing.assert_allclose(
                np.asarray(signal.welch(x.T, axis=0)[1]),
                sg.welch(x.T, axis=0)[1],
                rtol=1e-10,
                atol=1e-14,
            )
            np.testing.assert_allclose(
                np.asarray(fad.jit(lambda v: signal.welch(v)[1])(x)), p0, rtol=1e-10, atol=1e-14
            )
            np.testing.assert_allclose(
                np.asarray(fad.vmap(lambda v: signal.welch(v)[1])(x)), p0, rtol=1e-10, atol=1e-14
            )
            check_grads(lambda v: signal.welch(v, nperseg=8)[1], [jnp.asarray(x[0, :20])], order=2)


@pytest.mark.parametrize(
    "kw",
    [
        {"nperseg": 64}, {"nperseg": 64, "noverlap": 16, "nfft": 80},
        {"nperseg": 40, "boundary": None}, {"nperseg": 33, "detrend": "constant", "padded": False},
    ],
    ids=["default", "overlap_nfft", "no_boundary", "detrend_unpadded"],
)  # fmt: skip
def test_stft_and_istft(kw: dict[str, Any]) -> None:
    x = RNG.normal(size=(2, 300))
    with fad.config.enable_x64_scope(True):
        f, t, z = signal.stft(x, **kw)
        f0, t0, z0 = sg.stft(x, **kw)
        np.testing.assert_allclose(np.asarray(f), f0, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(t), t0, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(z), z0, rtol=1e-10, atol=1e-13)
        inv = {k: v for k, v in kw.items() if k in ("nperseg", "noverlap", "nfft")}
        boundary = kw.get("boundary", "zeros") is not None
        tt, xx = signal.istft(z0, boundary=boundary, **inv)
        _, xx0 = sg.istft(z0, boundary=boundary, **inv)
        np.testing.assert_allclose(np.asarray(xx), xx0, rtol=1e-10, atol=1e-13)
        # (scipy's own times count along the first axis of a batched result; JAX's, the last.)
        np.testing.assert_allclose(np.asarray(tt), np.arange(xx0.shape[-1]), rtol=1e-12)
        if kw == {"nperseg": 64}:
            # The round trip recovers the signal; jit, vmap and derivatives pass through.
            np.testing.assert_allclose(np.asarray(signal.istft(z)[1])[..., :300], x, atol=1e-12)
            np.testing.assert_allclose(
                np.asarray(fad.jit(lambda v: signal.stft(v, nperseg=64)[2])(x)),
                z0,
                rtol=1e-10,
                atol=1e-13,
            )
            np.testing.assert_allclose(
                np.asarray(fad.vmap(lambda v: signal.stft(v, nperseg=64)[2])(x)),
                z0,
                rtol=1e-10,
                atol=1e-13,
            )
            check_grads(
                lambda v: signal.stft(v, nperseg=8)[2].real, [jnp.asarray(x[0, :16])], order=1
            )

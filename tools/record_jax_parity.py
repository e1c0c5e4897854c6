"""Record jax 0.10.2's values and gradients that fad's parity tests compare against.

Run with a Python that has jax (``/root/bench-venv/bin/python tools/record_jax_parity.py``);
it writes ``tests/data/conv_reference.json`` (conv_general_dilated, reduce_window, for
tests/test_convolution.py) and ``tests/data/fft_reference.json`` (the pullbacks of the
``jnp.fft`` transforms, for tests/test_fft.py). fad never imports jax.
"""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

NHWC = ("NHWC", "HWIO", "NHWC")
CONV_CASES = [
    # lhs shape, rhs shape, strides, padding, lhs_dil, rhs_dil, dn, fgc, bgc
    ((2, 3, 5, 6), (4, 3, 3, 2), (1, 1), "VALID", None, None, None, 1, 1),
    ((2, 3, 5, 6), (4, 3, 3, 3), (2, 1), "SAME", None, (1, 2), None, 1, 1),
    ((1, 5, 6, 4), (3, 2, 4, 2), (1, 2), [(1, 2), (0, 1)], None, None, NHWC, 1, 1),
    ((2, 4, 7), (6, 2, 3), (1,), [(2, 1)], (2,), None, None, 2, 1),
    ((4, 2, 5), (6, 2, 2), (1,), "VALID", None, None, None, 1, 2),
    ((1, 2, 4, 4), (2, 2, 2, 2), (1, 1), "SAME_LOWER", None, None, ("NCHW", "OIHW", "NHWC"), 1, 1),
    ((2, 2, 6), (2, 2, 3), (1,), [(-1, 1)], None, None, ("CNW", "IOW", "NCW"), 1, 1),
]


def conv_case(i, case):
    ls, rs, strides, pad, ldil, rdil, dn, fgc, bgc = case
    rng = np.random.default_rng(i)
    lhs = rng.normal(size=ls)
    rhs = rng.normal(size=rs)

    def f(a, b):
        return jax.lax.conv_general_dilated(
            a, b, strides, pad, ldil, rdil, dn, feature_group_count=fgc, batch_group_count=bgc
        )

    out = f(lhs, rhs)
    ct = rng.normal(size=out.shape)
    ga, gb = jax.vjp(f, lhs, rhs)[1](ct)
    return {
        "lhs": lhs.tolist(),
        "rhs": rhs.tolist(),
        "strides": list(strides),
        "padding": pad if isinstance(pad, str) else [list(p) for p in pad],
        "lhs_dilation": ldil,
        "rhs_dilation": rdil,
        "dimension_numbers": dn,
        "feature_group_count": fgc,
        "batch_group_count": bgc,
        "out": np.asarray(out).tolist(),
        "ct": ct.tolist(),
        "grad_lhs": np.asarray(ga).tolist(),
        "grad_rhs": np.asarray(gb).tolist(),
    }


WINDOW_CASES = [
    # shape, kind, window, strides, padding, base_dil, window_dil
    ((2, 5, 6, 3), "max", (1, 2, 2, 1), (1, 2, 2, 1), "VALID", None, None),
    ((2, 5, 6, 3), "sum", (1, 3, 3, 1), (1, 1, 2, 1), "SAME", None, None),
    ((7,), "max", (3,), (2,), [(1, 1)], None, None),
    ((6, 5), "sum", (2, 2), (1, 1), [(0, 1), (1, 0)], (1, 2), (2, 1)),
    ((6, 5), "min", (2, 2), (1, 2), [(0, 1), (1, 0)], (2, 1), None),
    ((4, 6), "prod", (2, 3), (2, 3), "VALID", None, None),
]


def window_case(i, case):
    shape, kind, win, strides, pad, bdil, wdil = case
    rng = np.random.default_rng(100 + i)
    # distinct values (no ties, so max/min have one derivative)
    x = rng.permutation(np.prod(shape)).reshape(shape) / np.prod(shape) + 0.5
    op, init = {
        "max": (jax.lax.max, -np.inf),
        "min": (jax.lax.min, np.inf),
        "sum": (jax.lax.add, 0.0),
        "prod": (jax.lax.mul, 1.0),
    }[kind]

    def f(a):
        return jax.lax.reduce_window(a, init, op, win, strides, pad, bdil, wdil)

    out = f(x)
    ct = rng.normal(size=out.shape)
    try:
        (g,) = jax.vjp(f, x)[1](ct)
    except ValueError:  # jax has no reverse mode for a generic (prod) reduce_window
        g = None
    return {
        "x": x.tolist(),
        "kind": kind,
        "window": list(win),
        "strides": list(strides),
        "padding": pad if isinstance(pad, str) else [list(p) for p in pad],
        "base_dilation": bdil,
        "window_dilation": wdil,
        "out": np.asarray(out).tolist(),
        "ct": ct.tolist(),
        "grad": None if g is None else np.asarray(g).tolist(),
    }


FFT_CASES = [
    # name, input shape, complex input, keyword arguments
    ("fft", (3, 6), True, {}),
    ("ifft", (3, 5), True, {"norm": "ortho"}),
    ("rfft", (3, 6), False, {}),
    ("rfft", (3, 7), False, {"n": 5, "norm": "forward"}),
    ("irfft", (3, 4), True, {}),
    ("irfft", (3, 4), True, {"n": 7}),
    ("rfftn", (2, 3, 4), False, {}),
    ("irfftn", (2, 3, 4), True, {"s": (3, 5)}),
    ("fftn", (2, 3, 4), True, {"axes": (0, 2)}),
    ("hfft", (5,), True, {}),
    ("ihfft", (6,), False, {}),
]


def _pair(a):
    a = np.asarray(a)
    return [a.real.tolist(), a.imag.tolist()]


def fft_case(i, case):
    name, shape, cplx, kwargs = case
    rng = np.random.default_rng(200 + i)
    x = rng.normal(size=shape) + (1j * rng.normal(size=shape) if cplx else 0)
    f = lambda a: getattr(jnp.fft, name)(a, **kwargs)  # noqa: E731
    out, pullback = jax.vjp(f, x)
    ct = rng.normal(size=out.shape) + (
        1j * rng.normal(size=out.shape) if jnp.iscomplexobj(out) else 0
    )
    (g,) = pullback(ct.astype(out.dtype))
    return {
        "name": name,
        "kwargs": kwargs,
        "x": _pair(x),
        "out": _pair(out),
        "ct": _pair(ct),
        "grad": _pair(g),
    }


data = {
    "conv": [conv_case(i, c) for i, c in enumerate(CONV_CASES)],
    "reduce_window": [window_case(i, c) for i, c in enumerate(WINDOW_CASES)],
}
out = pathlib.Path(__file__).parent.parent / "tests" / "data" / "conv_reference.json"
out.write_text(json.dumps(data))
print("wrote", out)
fft_out = out.with_name("fft_reference.json")
fft_out.write_text(json.dumps([fft_case(i, c) for i, c in enumerate(FFT_CASES)]))
print("wrote", fft_out)

"""Record jax 0.10.2's values and gradients that fad's parity tests compare against.

Run with a Python that has jax (``/root/bench-venv/bin/python tools/record_jax_parity.py``);
it writes ``tests/data/conv_reference.json`` (conv_general_dilated, reduce_window, for
tests/test_convolution.py) and ``tests/data/fft_reference.json`` (the pullbacks of the
``jnp.fft`` transforms, for tests/test_fft.py) and ``tests/data/nn_reference.json``
(``jax.nn`` values, derivatives at the kinks, initializers, for tests/test_nn.py). fad never
imports jax.
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


ACTIVATIONS = [
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "celu",
    "selu",
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "sparse_plus",
    "soft_sign",
    "silu",
    "gelu",
    "hard_tanh",
    "hard_sigmoid",
    "hard_silu",
]
POINTS = [-7.0, -3.0, -1.0, -0.5, 0.0, 0.3, 1.0, 3.0, 6.0, 7.5]


def nn_reference():
    x = jnp.asarray(POINTS)
    acts = {}
    for name in ACTIVATIONS:
        f = getattr(jax.nn, name)
        acts[name] = {
            "value": np.asarray(f(x)).tolist(),
            "grad": np.asarray(jax.vmap(jax.grad(f))(x)).tolist(),
        }
    acts["gelu_exact"] = {
        "value": np.asarray(jax.nn.gelu(x, approximate=False)).tolist(),
        "grad": np.asarray(jax.vmap(jax.grad(lambda v: jax.nn.gelu(v, False)))(x)).tolist(),
    }
    rng = np.random.default_rng(7)
    m = rng.normal(size=(3, 5))
    mask = rng.random((3, 5)) < 0.7
    mask[:, 0] = True
    ct = rng.normal(size=(3, 5))
    out = {
        "points": POINTS,
        "activations": acts,
        "m": m.tolist(),
        "mask": mask.tolist(),
        "ct": ct.tolist(),
    }
    for name in ("softmax", "log_softmax"):
        f = getattr(jax.nn, name)
        out[name] = np.asarray(f(m)).tolist()
        out[name + "_axis0"] = np.asarray(f(m, axis=0)).tolist()
        out[name + "_where"] = np.asarray(f(m, where=mask)).tolist()
        out[name + "_vjp"] = np.asarray(jax.vjp(f, m)[1](ct)[0]).tolist()
    out["glu"] = np.asarray(jax.nn.glu(m[:, :4])).tolist()
    out["standardize"] = np.asarray(jax.nn.standardize(m)).tolist()
    out["standardize_vjp"] = np.asarray(jax.vjp(jax.nn.standardize, m)[1](ct)[0]).tolist()
    out["one_hot"] = np.asarray(jax.nn.one_hot(jnp.array([0, 2, 5, -1]), 4)).tolist()
    out["one_hot_axis0"] = np.asarray(
        jax.nn.one_hot(jnp.array([[1, 0], [3, 2]]), 4, axis=0)
    ).tolist()
    key = jax.random.key(42)
    init = jax.nn.initializers
    inits = {
        "glorot_uniform": init.glorot_uniform()(key, (4, 3)),
        "glorot_normal": init.glorot_normal()(key, (3, 3, 2, 5)),
        "lecun_normal": init.lecun_normal()(key, (5, 2)),
        "he_uniform": init.he_uniform()(key, (2, 6)),
        "he_normal": init.he_normal()(key, (6, 2)),
        "normal": init.normal(0.5)(key, (3,)),
        "uniform": init.uniform(2.0)(key, (2, 2)),
        "truncated_normal": init.truncated_normal(0.1)(key, (4,)),
        "variance_scaling": init.variance_scaling(3.0, "fan_out", "normal", in_axis=0, out_axis=1)(
            key, (2, 3, 4)
        ),
        "orthogonal": init.orthogonal()(key, (3, 5)),
        "orthogonal_tall": init.orthogonal(2.0)(key, (5, 3)),
        "constant": init.constant(1.5)(key, (2,)),
    }
    out["initializers"] = {k: np.asarray(v).tolist() for k, v in inits.items()}
    return out


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
with jax.enable_x64(False):
    nn_data = nn_reference()
nn_out = out.with_name("nn_reference.json")
nn_out.write_text(json.dumps(nn_data))
print("wrote", nn_out)

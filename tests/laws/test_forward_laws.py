"""Laws 1 and 2: forward mode against finite differences, and linearity in the tangent."""

from __future__ import annotations

from typing import Any

import numpy as np

import fad
from fad._src import tree_util as tu
from fad.test_util import check_jvp, default_eps, default_tolerance

from . import LAWS, draw, law_test
from .checks import ad, assert_close, eps_of, least_precise, random_like, view, x64
from .strategies import build, specs


@law_test("jvp_fd")
def test_jvp_matches_central_differences(prim: str, data: Any) -> None:
    """Law 1: ``jvp(f, x, v)`` equals ``(f(x + eps v) - f(x - eps v)) / 2 eps`` in float64
    (integer outputs must get float0 tangents, integer operands take float0 ones)."""
    with x64():
        spec = draw(data, prim, specs(prim, LAWS["jvp_fd"].needs))
        ex = build(spec)
        args = ex.args()
        outs = tu.tree_leaves(ex.fn(*args))
        # An example that rounds to float32 inside is checked at float32's step.
        low = least_precise([*args, *outs])
        tol = default_tolerance(low)
        check_jvp(ex.fn, lambda p, t: ad.jvp(ex.fn, p, t), args, atol=tol, rtol=tol,
                  eps=default_eps(low), err_msg=repr(spec), seed=spec.seed)  # fmt: skip


@law_test("jvp_linear")
def test_jvp_is_linear_in_the_tangent(prim: str, data: Any) -> None:
    """Law 2: ``jvp(a u + b v) = a jvp(u) + b jvp(v)``, with complex ``a, b`` where the
    tangent map is complex-linear (real ones where it is only real-linear)."""
    with x64():
        spec = draw(data, prim, specs(prim, LAWS["jvp_linear"].needs))
        ex = build(spec)
        v = view(ex)
        rng = np.random.default_rng(spec.seed + 1)
        complex_ok = ex.holomorphic and all(np.iscomplexobj(x) for x in v.args)
        a, b = rng.uniform(-2, 2, 2) + (1j * rng.uniform(-2, 2, 2) if complex_ok else 0)
        t1 = [random_like(rng, x) for x in v.args]
        t2 = [random_like(rng, x) for x in v.args]
        mix = [np.asarray((a * p + b * q).astype(p.dtype)) for p, q in zip(t1, t2, strict=True)]
        _, j1 = ad.jvp(v.fn, v.args, t1)
        _, j2 = ad.jvp(v.fn, v.args, t2)
        _, j3 = ad.jvp(v.fn, v.args, mix)
        eps = eps_of([*v.args, *v.out])
        for i, (o, y1, y2, y3) in enumerate(zip(v.out, j1, j2, j3, strict=True)):
            if np.asarray(y3).dtype == fad.float0:
                assert np.asarray(y1).dtype == np.asarray(y2).dtype == fad.float0
                continue
            p1, p2 = np.asarray(y1, np.complex128), np.asarray(y2, np.complex128)
            mixed = a * p1 + b * p2
            odt = np.asarray(o).dtype
            want = (mixed if np.iscomplexobj(np.zeros((), odt)) else mixed.real).astype(odt)
            scale = float(np.max(np.abs(a * p1) + np.abs(b * p2), initial=0.0))
            assert_close(y3, want, factor=200, eps=eps, scale=scale,
                         what=f"{spec!r}: output {i}, a={a}, b={b}")  # fmt: skip

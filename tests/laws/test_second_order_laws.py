"""Law 8: second order. The Hessian of a real scalar function is symmetric, and the
Hessian-vector products by forward-over-reverse, reverse-over-forward and
reverse-over-reverse agree (with each other and with the Hessian: 8b, and with central
differences of the gradient: 8c).

The scalar function is ``h(z) = sum_i Re(sum(w_i * f(x(z))_i))`` of one real vector
``z`` holding the entries of every inexact operand (real and imaginary parts of complex
ones), so complex primitives are covered through their realification.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example

from fad._src.testing.numerics import eps_of

from . import LAWS, Replay, applicable, check_example, draw, law_test
from .checks import x64
from .strategies import Example, Spec, build, specs

# How many ulps (of the operands' precision, scaled by the values) second derivatives may
# differ by beyond fad.testing's default (1000). A wrong rule is off by far more.
ROUNDING_BY_PRIM: dict[str, tuple[float, str]] = {
    "lu": (10000.0, "a random wide LU has no dominant diagonal: pivots near zero amplify "
                    "rounding, ~1200 ulps of Hessian asymmetry seen (the @example below)"),
}


def tolerance(prim: str, ex: Example) -> dict[str, float]:
    """``rtol``/``atol`` overrides for ``prim``'s second-order identities (none by default)."""
    if prim not in ROUNDING_BY_PRIM:
        return {}
    tol = ROUNDING_BY_PRIM[prim][0] * eps_of(ex.args())
    return {"rtol": tol, "atol": tol}


@law_test("hessian_symmetric")
# A random wide LU (no dominant diagonal) amplifies rounding: ~1200 ulps of asymmetry.
@example(data=Replay(Spec(prim="lu", variant="case:lu_wide_batched", dtype="float64", shapes=(),
                          params=(), seed=1361)))  # fmt: skip
def test_hessian_is_symmetric(prim: str, data: Any) -> None:
    with x64():
        ex = build(draw(data, prim, specs(prim, LAWS["hessian_symmetric"].needs)))
        check_example(ex, ["hessian_symmetric"], **tolerance(prim, ex))


@pytest.mark.slow
@law_test("hvp_modes", "hvp_fd")
def test_hvp_modes_agree(prim: str, data: Any) -> None:
    with x64():
        ex = build(draw(data, prim, specs(prim, LAWS["hvp_modes"].needs)))
        # Finite differences do not see through stop_gradient (examples with fd=False).
        laws = [k for k in applicable(prim, "hvp_modes", "hvp_fd") if ex.fd or k != "hvp_fd"]
        if prim in ROUNDING_BY_PRIM and "hvp_modes" in laws:  # wider, for the identity only
            check_example(ex, ["hvp_modes"], **tolerance(prim, ex))
            laws.remove("hvp_modes")
        check_example(ex, laws)

"""Laws 1 and 2: forward mode against finite differences, and linearity in the tangent."""

from __future__ import annotations

from typing import Any

from . import LAWS, check_example, draw, law_test
from .checks import x64
from .strategies import build, specs


@law_test("jvp_fd")
def test_jvp_matches_central_differences(prim: str, data: Any) -> None:
    """Law 1: ``jvp(f, x, v)`` equals ``(f(x + eps v) - f(x - eps v)) / 2 eps`` in float64
    (integer outputs must get float0 tangents, integer operands take float0 ones)."""
    with x64():
        ex = build(draw(data, prim, specs(prim, LAWS["jvp_fd"].needs)))
        check_example(ex, ["jvp_fd"])


@law_test("jvp_linear")
def test_jvp_is_linear_in_the_tangent(prim: str, data: Any) -> None:
    """Law 2: ``jvp(a u + b v) = a jvp(u) + b jvp(v)``, with complex ``a, b`` where the
    tangent map is complex-linear (real ones where it is only real-linear)."""
    with x64():
        ex = build(draw(data, prim, specs(prim, LAWS["jvp_linear"].needs)))
        check_example(ex, ["jvp_linear"])

"""The worked examples of docs/advanced/ against their analytic answers, at new points.

Each page's code runs (as tests/test_docs.py runs it), then the functions it defines are
checked at inputs the page does not use, against closed forms: the logistic function,
the derivative of the square root and of an implicitly defined fixed point, the exact
Hessian trace, the Gauss-Newton matrix from the explicit Jacobian, forward-mode JVPs,
the analytic gradient of a rigid motion, and the closed-form gradient of a long rotation.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
import fad.random

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "advanced"
EXAMPLES = [
    "log1pexp", "gradient-clipping", "fixed-point", "hutchinson-trace", "gauss-newton",
    "forward-from-reverse", "custom-containers", "binomial-checkpointing",
]  # fmt: skip
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _run_page(name: str) -> dict[str, Any]:
    """Execute the page's python blocks in order in one fresh module; return its namespace."""
    module = types.ModuleType(f"advanced_{name.replace('-', '_')}")
    sys.modules[module.__name__] = module  # dataclasses look their module up here
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for code in _BLOCK.findall((PAGES / f"{name}.md").read_text()):
                exec(compile(code, f"docs/advanced/{name}.md", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.__dict__


@pytest.fixture(scope="module")
def pages() -> dict[str, dict[str, Any]]:
    return {name: _run_page(name) for name in EXAMPLES}


@pytest.fixture
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def test_every_example_has_a_page_in_the_site_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    for name in [*EXAMPLES, "control-flow"]:
        assert (PAGES / f"{name}.md").is_file(), name
        assert f"advanced/{name}.md" in nav, f"{name} is not in mkdocs.yml's nav"


def test_log1pexp_gradient_is_the_logistic_function(pages: dict[str, dict[str, Any]]) -> None:
    log1pexp = pages["log1pexp"]["log1pexp"]
    for x in (-80.0, -5.0, 0.25, 7.0, 88.0, 1e4):
        g = float(fad.grad(log1pexp)(jnp.asarray(np.float32(x))))
        assert math.isfinite(g)
        np.testing.assert_allclose(g, 1 / (1 + math.exp(-x)) if x > -700 else 0.0, rtol=1e-6,
                                   atol=1e-30)  # fmt: skip


def test_gradient_clipping(pages: dict[str, dict[str, Any]]) -> None:
    clip_gradient = pages["gradient-clipping"]["clip_gradient"]
    rng = np.random.default_rng(0)
    w, x = rng.uniform(-5, 5, 6), rng.uniform(-2, 2, 6)

    def loss(x: fad.Array) -> fad.Array:
        clipped: fad.Array = clip_gradient(-0.3, 2.0, x)
        return jnp.sum(jnp.asarray(w, np.float32) * clipped**2)

    g = fad.grad(loss)(jnp.asarray(x, np.float32))
    np.testing.assert_allclose(g, np.clip(2 * w * x, -0.3, 2.0), rtol=1e-5)


def test_fixed_point_derivatives(pages: dict[str, dict[str, Any]], x64: None) -> None:
    ns = pages["fixed-point"]
    my_sqrt, fixed_point = ns["my_sqrt"], ns["fixed_point"]
    a = jnp.array([0.01, 3.0, 1234.5])
    np.testing.assert_allclose(fad.grad(lambda a: jnp.sum(my_sqrt(a)))(a),
                               0.5 / np.sqrt(np.asarray(a)), rtol=1e-9)  # fmt: skip
    for a0 in (0.2, -0.6):
        z_star = float(fixed_point(lambda a, z: jnp.cos(a * z), jnp.asarray(a0), jnp.asarray(0.0)))
        dz = fad.grad(lambda a: fixed_point(lambda a, z: jnp.cos(a * z), a, jnp.asarray(0.0)))(
            jnp.asarray(a0)
        )
        s = math.sin(a0 * z_star)
        np.testing.assert_allclose(dz, -z_star * s / (1 + a0 * s), rtol=1e-8)


def test_hutchinson_converges_to_the_exact_trace(
    pages: dict[str, dict[str, Any]], x64: None
) -> None:
    ns = pages["hutchinson-trace"]
    f, hutchinson, a_np = ns["f"], ns["hutchinson"], ns["A_np"]
    x = jnp.asarray(np.linspace(-1.0, 1.5, a_np.shape[0]))
    xn = np.asarray(x)
    h = a_np + np.diag(1 / np.cosh(xn) ** 2)
    np.testing.assert_allclose(fad.hessian(f)(x), h, rtol=1e-12, atol=1e-12)
    sigma = math.sqrt(2 * (np.sum(h**2) - np.sum(np.diag(h) ** 2)))
    for seed, n in ((1, 50), (2, 5_000)):
        est = float(hutchinson(fad.random.key(seed), x, n))
        assert abs(est - np.trace(h)) < 4 * sigma / math.sqrt(n)


def test_gauss_newton_products(pages: dict[str, dict[str, Any]], x64: None) -> None:
    ns = pages["gauss-newton"]
    residuals, gn = ns["residuals"], ns["gauss_newton_product"]
    theta = ns["theta"]  # the fitted point, where the page linearized last
    j = np.asarray(fad.jacfwd(residuals)(theta))
    for v in np.random.default_rng(3).standard_normal((3, 3)):
        np.testing.assert_allclose(gn(jnp.asarray(v)), j.T @ j @ v, rtol=1e-10)


def test_forward_mode_from_reverse_mode(pages: dict[str, dict[str, Any]], x64: None) -> None:
    ns = pages["forward-from-reverse"]
    f, jvp_via_reverse = ns["f"], ns["jvp_via_reverse"]
    x = jnp.array([-1.3, 0.4])
    jvp: Any = fad.jvp
    for v in np.random.default_rng(4).standard_normal((3, 2)):
        _, want = jvp(f, (x,), (jnp.asarray(v),))
        np.testing.assert_allclose(jvp_via_reverse(x, jnp.asarray(v)), want, rtol=1e-12)


def test_gradient_with_respect_to_a_registered_container(
    pages: dict[str, dict[str, Any]], x64: None
) -> None:
    ns = pages["custom-containers"]
    pose_cls, points, targets = ns["Pose"], ns["points"], ns["targets"]
    p_np, q_np = np.asarray(points, np.float64), np.asarray(targets, np.float64)

    def loss(pose: Any) -> fad.Array:
        moved: fad.Array = pose.apply(jnp.asarray(p_np))
        return 0.5 * jnp.sum((moved - jnp.asarray(q_np)) ** 2)

    theta, t = -1.1, np.array([0.4, 0.9])
    g = fad.grad(loss)(pose_cls(jnp.asarray(theta), jnp.asarray(t), "other"))
    r = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    dr = np.array([[-math.sin(theta), -math.cos(theta)], [math.cos(theta), -math.sin(theta)]])
    res = p_np @ r.T + t - q_np
    assert isinstance(g, pose_cls) and g.name == "other"
    np.testing.assert_allclose(g.offset, res.sum(0), rtol=1e-12)
    np.testing.assert_allclose(g.angle, np.sum(res * (p_np @ dr.T)), rtol=1e-12)


def test_checkpointed_rotation_gradient(pages: dict[str, dict[str, Any]], x64: None) -> None:
    ns = pages["binomial-checkpointing"]
    final_q, saved_elements = ns["final_q"], ns["saved_elements"]
    p0, q0, big_t = ns["p0"], ns["q0"], ns["T"]
    h = 0.003
    exact = big_t * (p0 * math.cos(big_t * h) - q0 * math.sin(big_t * h))
    for branching in ((8, 32), (2, 2, 4, 16)):
        g = fad.grad(final_q)(jnp.asarray(h), branching)
        np.testing.assert_allclose(g, exact, rtol=1e-10)
    assert saved_elements((2, 2, 4, 16)) < saved_elements((8, 32)) < saved_elements((256,))

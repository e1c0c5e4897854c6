"""The programs jit compiles for derivative workloads stay as small as they are now.

Pins, for a handful of the benchmark workloads (the naive Hessian-vector product
``tensordot(hessian(f)(X), V, 2)``, a forward-over-reverse HVP, ``jacfwd`` and
``hessian`` of ``tanh(A @ x)``), how many ``dot_general`` s the lowered program has,
that no array constant becomes a parameter of ``main`` (an identity basis or an
instantiated zero materialised as data the compiled program must read), and an upper
bound on the number of StableHLO ops and staged equations. A regression here is a
slower compiled program, caught by a test instead of a benchmark; a change that makes
a program smaller lowers the bound.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad import Array

_X = jnp.asarray(np.random.RandomState(0).randn(30, 40).astype(np.float32))
_V = jnp.asarray(np.random.RandomState(1).randn(30, 40).astype(np.float32))
_A = jnp.asarray((np.random.RandomState(2).randn(100, 100) / 10).astype(np.float32))
_x = jnp.asarray(np.random.RandomState(3).randn(100).astype(np.float32))


def _f(X: Array) -> Array:
    return jnp.sum(jnp.tanh(X) ** 2)


def _c4(X: Array, V: Array) -> Array:
    return jnp.tensordot(fad.hessian(_f)(X), V, 2)


def _hvp(X: Array, V: Array) -> Array:
    return fad.primal_of(fad.jvp(fad.grad(_f), (X,), (fad.tangent(V),))[1])


def _jacfwd(x: Array) -> Array:
    out: Array = fad.jacfwd(lambda x: jnp.tanh(_A @ x))(x)
    return out


def _hessian(x: Array) -> Array:
    out: Array = fad.hessian(lambda x: jnp.sum(jnp.tanh(_A @ x)))(x)
    return out


# name -> (function, arguments, dot_generals, hoisted constants, max ops, max equations)
CASES: dict[str, tuple[Callable[..., Array], tuple[Any, ...], int, int, int, int]] = {
    "c4_naive_hvp": (_c4, (_X, _V), 1, 0, 48, 46),
    "hvp_fwd_over_rev": (_hvp, (_X, _V), 0, 0, 23, 21),
    # _A is closed over: one hoisted constant, the matrix itself.
    "jacfwd": (_jacfwd, (_x,), 2, 1, 19, 18),
    "hessian": (_hessian, (_x,), 3, 1, 39, 38),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_program_size(name: str) -> None:
    fun, args, dots, hoisted, max_ops, max_eqns = CASES[name]
    text = fad.jit(fun).lower(*args).as_text()
    ops = Counter(re.findall(r'"((?:stablehlo|chlo)\.[a-z_]+)"', text))
    signature = re.search(r"@main\(([^)]*)\)", text)
    assert signature is not None
    params = re.findall(r"%(c|arg)\d+:", signature.group(1))
    assert ops["stablehlo.dot_general"] == dots, dict(ops)
    assert params.count("c") == hoisted, signature.group(1)
    assert params.count("arg") == len(args)
    assert sum(ops.values()) <= max_ops, dict(ops)
    eqns = len(fad.make_jaxpr(fun)(*args).program.eqns)
    assert eqns <= max_eqns
    np.testing.assert_allclose(
        np.asarray(fad.jit(fun)(*args)), np.asarray(fun(*args)), rtol=2e-5, atol=2e-5
    )


def test_identity_basis_is_not_data() -> None:
    """jacfwd's basis is built from iota and compare, not an n x n constant."""
    text = fad.jit(_jacfwd).lower(_x).as_text()
    assert "stablehlo.iota" in text
    assert not re.search(r"tensor<100x100xf32>\s*{\s*value", text)

"""Record JAX's outputs for the distribution samplers of ``fad.random``.

Run with a Python that has JAX 0.10.2 (never a dependency of fad)::

    /root/bench-venv/bin/python tools/record_random_samplers.py

It writes ``tests/data/random_reference_samplers.json``: for every case, the call, its
arguments, the threefry scheme and x64 flag, and JAX's output with floats stored as bit
patterns, so ``tests/test_random_samplers.py`` can compare bit for bit. ``*_grad`` cases
hold ``jax.grad`` of a weighted sum of the samples (``weighted_sum``) with respect to the
first parameter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "random_reference_samplers.json"


def arr(values: Any, dtype: str) -> dict[str, Any]:
    return {"array": np.asarray(values, dtype).tolist(), "dtype": dtype}


F32 = "float32"
# (id, call, args, kwargs, x64); args/kwargs use the tests' encoding.
SPECS: list[tuple[str, str, list[Any], dict[str, Any], bool]] = [
    ("gamma[0.5,(5,)]", "gamma", [0.5], {"shape": [5]}, False),
    ("gamma[array a]", "gamma", [arr([0.3, 1.0, 2.5, 7.0, 0.05, 40.0], F32)], {}, False),
    ("gamma[a (3,), shape (2,3)]", "gamma", [arr([0.8, 1.5, 3.0], F32)], {"shape": [2, 3]}, False),
    ("gamma[tiny a]", "gamma", [arr([1e-3, 1e-2], F32)], {}, False),
    ("gamma[f64]", "gamma", [arr([0.7, 3.0, 12.5], "float64")], {"dtype": "float64"}, True),
    ("loggamma[array a]", "loggamma", [arr([0.01, 0.5, 1.0, 3.0], F32)], {}, False),
    ("loggamma[f64]", "loggamma", [arr([0.2, 4.0], "float64")], {"dtype": "float64"}, True),
    ("gamma_grad[array a]", "gamma_grad", [arr([0.3, 1.0, 2.5, 7.0], F32)], {}, False),
    ("loggamma_grad[array a]", "loggamma_grad", [arr([0.3, 1.0, 2.5, 7.0], F32)], {}, False),
    ("gamma_grad[f64]", "gamma_grad", [arr([0.5, 2.0, 9.0], "float64")], {}, True),
    ("beta_grad[a]", "beta_grad", [arr([0.5, 1.0, 4.0], F32), 2.0], {}, False),
    ("dirichlet_grad[alpha]", "dirichlet_grad", [arr([0.5, 1.0, 2.0], F32)], {}, False),
    ("chisquare_grad[df]", "chisquare_grad", [arr([1.0, 2.5, 10.0], F32)], {}, False),
    ("t_grad[df]", "t_grad", [arr([1.0, 3.0, 30.0], F32)], {}, False),
    ("beta[2.0, b (2,), (4,2)]", "beta", [2.0, arr([0.5, 3.0], F32)], {"shape": [4, 2]}, False),
    ("beta[arrays]", "beta", [arr([0.1, 1.0, 5.0], F32), arr([0.2, 1.0, 0.7], F32)], {}, False),
    ("dirichlet[(3,)]", "dirichlet", [arr([0.5, 1.0, 2.0], F32)], {"shape": [4]}, False),
    ("dirichlet[batch]", "dirichlet", [arr([[0.2, 3.0], [1.0, 1.0]], F32)], {}, False),
    ("chisquare[df]", "chisquare", [arr([1.0, 2.5, 10.0], F32)], {}, False),
    ("t[df]", "t", [arr([1.0, 3.0, 30.0], F32)], {}, False),
    ("t[4.0,(6,)]", "t", [4.0], {"shape": [6]}, False),
    ("poisson[lam]", "poisson", [arr([0.5, 3.0, 9.9, 10.0, 50.0, 1000.0, 0.0], F32)], {}, False),
    ("poisson[4.0,(20,)]", "poisson", [4.0], {"shape": [20]}, False),
    ("poisson[25.0,(3,4)]", "poisson", [25.0], {"shape": [3, 4]}, False),
    ("binomial[arrays]", "binomial",
     [arr([5.0, 20.0, 100.0, 1000.0, 3.0], F32), arr([0.3, 0.6, 0.05, 0.5, 1.0], F32)], {}, False),
    ("binomial[10,0.9,(6,)]", "binomial", [10.0, 0.9], {"shape": [6]}, False),
    ("binomial[f64]", "binomial", [arr([40.0, 7.0], "float64"), 0.25], {"dtype": "float64"}, True),
    ("exponential[(8,)]", "exponential", [], {"shape": [8]}, False),
    ("exponential[f64]", "exponential", [], {"shape": [4], "dtype": "float64"}, True),
    ("laplace[(8,)]", "laplace", [], {"shape": [8]}, False),
    ("logistic[(8,)]", "logistic", [], {"shape": [8]}, False),
    ("cauchy[(8,)]", "cauchy", [], {"shape": [8]}, False),
    ("cauchy[f64]", "cauchy", [], {"shape": [4], "dtype": "float64"}, True),
    ("pareto[b]", "pareto", [arr([1.0, 2.0, 3.0], F32)], {}, False),
    ("weibull_min[(6,)]", "weibull_min", [2.0, 1.5], {"shape": [6]}, False),
    ("rademacher[(10,)]", "rademacher", [], {"shape": [10]}, False),
    ("rademacher[float32]", "rademacher", [], {"shape": [5], "dtype": F32}, False),
    ("multivariate_normal[cholesky]", "multivariate_normal",
     [arr([1.0, -2.0, 0.5], F32), arr([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]], F32)],
     {"shape": [4]}, False),
    ("multivariate_normal[eigh]", "multivariate_normal",
     [arr([0.0, 1.0], F32), arr([[1.0, 0.5], [0.5, 2.0]], F32)], {"method": "eigh"}, False),
    ("multivariate_normal[svd]", "multivariate_normal",
     [arr([0.0, 1.0], F32), arr([[1.0, 0.5], [0.5, 2.0]], F32)], {"shape": [2], "method": "svd"},
     False),
    ("orthogonal[3,(2,)]", "orthogonal", [3], {"shape": [2]}, False),
    ("orthogonal[3,m=5]", "orthogonal", [3], {"m": 5}, False),
]
SEED = 7


def dec(v: Any) -> Any:
    if isinstance(v, dict) and "array" in v:
        return np.asarray(v["array"], v["dtype"])
    return v


def weighted_sum(x: Any) -> Any:
    """The objective of the gradient cases: ``sum(x * w)``, ``w = 1, 1 + 1/n, ...``
    (weights, so that the gradient of a sum-to-one dirichlet sample is not zero)."""
    w = 1 + jnp.arange(x.size, dtype=x.dtype).reshape(x.shape) / x.size
    return jnp.sum(x * w)


def call(name: str, key: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    args = [dec(a) for a in args]
    kw = {k: tuple(v) if k == "shape" else v for k, v in kwargs.items()}
    if name.endswith("_grad"):
        fn = getattr(jax.random, name.removesuffix("_grad"))
        objective = lambda a: weighted_sum(fn(key, a, *args[1:], **kw))  # noqa: E731
        return jax.grad(objective)(jnp.asarray(args[0]))
    return getattr(jax.random, name)(key, *args, **kw)


def bits(x: np.ndarray) -> list[int]:
    if x.dtype.kind == "f":
        x = np.ascontiguousarray(x).view(np.dtype(f"u{x.dtype.itemsize}"))
    return [int(v) for v in x.ravel().tolist()]


def main() -> None:
    cases = []
    for ident, name, args, kwargs, x64 in SPECS:
        for part in (False, True):
            jax.config.update("jax_enable_x64", x64)
            jax.config.update("jax_threefry_partitionable", part)
            out = np.asarray(call(name, jax.random.key(SEED), args, kwargs))
            cases.append({
                "id": f"{ident}/{'part' if part else 'classic'}{'/x64' if x64 else ''}",
                "partitionable": part, "x64": x64, "seed": SEED, "call": name,
                "args": args, "kwargs": kwargs,
                "expect": {"dtype": out.dtype.name, "shape": list(out.shape), "bits": bits(out)},
            })
    doc = {
        "about": "JAX 0.10.2 jax.random sampler outputs (CPU, x86-64) recorded by "
                 "tools/record_random_samplers.py; floats as bit patterns.",
        "jax_version": jax.__version__,
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()

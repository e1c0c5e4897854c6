"""Custom derivative rules that mix up points, tangents and cotangents."""

from __future__ import annotations

import functools

import fad
import fad.numpy as jnp
from fad import Array, Cotangent, Tangent


@fad.custom_jvp
def f(x: Array) -> Array:
    return jnp.sin(x)


# A rule returning a bare array as the output tangent (JAX style: runs, but is rejected).
@f.defjvp  # E: arg-type
def f_jvp_bare(primals: tuple[Array], tangents: Tangent[tuple[Array]]) -> tuple[Array, Array]:
    (x,) = primals
    (t,) = fad.unpack(tangents)
    return f(x), jnp.cos(x) * fad.primal_of(t)


# The same as a lambda: mypy infers the context and reports the body.
f.defjvp(lambda p, t: (f(p[0]), jnp.cos(p[0]) * fad.primal_of(t)[0]))  # E: arg-type, return-value


# Tangents taken as bare arrays.
@f.defjvp  # E: arg-type
def f_jvp_bare_in(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Tangent[Array]]:
    return f(primals[0]), fad.tangent(tangents[0])


# A cotangent is not a tangent; the wrong number of arguments; the wrong primal output.
@f.defjvp  # E: arg-type
def f_jvp_cot(
    primals: tuple[Array], tangents: Cotangent[tuple[Array]]
) -> tuple[Array, Tangent[Array]]:
    return f(primals[0]), fad.tangent(jnp.ones(3))


f.defjvp(lambda p, t: (f(p[0]), fad.unpack(t)[0] * p[1]))  # E: misc
f.defjvp(lambda p, t: (1.0, fad.unpack(t)[0]))  # E: arg-type, return-value
# Calls are checked against the function's signature.
f(jnp.ones(3), jnp.ones(3))  # E: call-arg
f("x")  # E: arg-type


# defjvps: each partial returns a tangent of the output.
@fad.custom_jvp
def g(x: Array, y: Array) -> Array:
    return x * y


g.defjvps(lambda t, out, x, y: t * y, lambda t, out, x, y: y)  # E: arg-type, return-value
g.defjvps(lambda t, out, x, y: jnp.sin(t), None)  # E: arg-type, return-value


# nondiff_argnums: the rule's result is still checked.
@functools.partial(fad.custom_jvp, nondiff_argnums=(0,))  # E[pyright]
def power(n: int, x: Array) -> Array:
    return x**n


@power.defjvp  # E: arg-type
def power_jvp(n: int, primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    return power(n, primals[0]), tangents[0] * n  # E[pyright]


# custom_vjp: bwd gets a Cotangent and returns the Cotangent of the tuple of arguments.
@fad.custom_vjp
def h(a: Array, b: Array) -> Array:
    return a * b


def h_fwd(a: Array, b: Array) -> tuple[Array, tuple[Array, Array]]:
    return a * b, (a, b)


def h_bwd_bare(res: tuple[Array, Array], g: Array) -> tuple[Array, Array]:
    return g * res[1], g * res[0]


def h_bwd_tangent(res: tuple[Array, Array], g: Cotangent[Array]) -> Tangent[tuple[Array, Array]]:
    return fad.tangent((fad.primal_of(g) * res[1], fad.primal_of(g) * res[0]))


def h_bwd_one(res: tuple[Array, Array], g: Cotangent[Array]) -> Cotangent[tuple[Array]]:
    return fad.pack(g * res[1])


# Residuals of another type than fwd's (mypy cannot solve Res).
def h_bwd_res(res: Array, g: Cotangent[Array]) -> Cotangent[tuple[Array, Array]]:
    return fad.pack(g * res, g * res)


h.defvjp(h_fwd, h_bwd_bare)  # E: arg-type
h.defvjp(h_fwd, h_bwd_tangent)  # E: arg-type
h.defvjp(h_fwd, h_bwd_one)  # E: arg-type
h.defvjp(h_fwd, h_bwd_res)  # E: misc
h.defvjp(lambda a, b: (a * b, (a, b)), lambda r, g: (g * r[1], g))  # E: arg-type, return-value

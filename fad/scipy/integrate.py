"""fad.scipy.integrate: ``trapezoid``, as in jax.scipy.integrate."""

from fad._src.scipy.integrate import trapezoid as trapezoid

__all__ = ["trapezoid"]

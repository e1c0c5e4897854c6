"""fad.scipy: scipy functions on fad arrays (``fad.scipy.special``)."""

from fad.scipy import linalg as linalg
from fad.scipy import special as special

__all__ = ["special"]

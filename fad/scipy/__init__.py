"""fad.scipy: scipy functions on fad arrays (``special``, ``linalg``, ``stats``,
``optimize``, ``signal``, ``integrate``), with JAX's names and semantics."""

from fad.scipy import integrate as integrate
from fad.scipy import linalg as linalg
from fad.scipy import optimize as optimize
from fad.scipy import signal as signal
from fad.scipy import special as special
from fad.scipy import stats as stats

__all__ = ["integrate", "linalg", "optimize", "signal", "special", "stats"]

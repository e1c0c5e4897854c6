"""Implementation of ``fad.numpy``; importing it gives ``fad.Array`` its methods."""

from fad._src.numpy import array_methods

array_methods.install()

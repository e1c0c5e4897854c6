"""Implementation of ``fad.testing``: the algebraic laws of the transformations as checks of
one function at one point (``laws``), the checks users call (``checks``), edge values
(``edge``) and hypothesis strategies (``strategies``, imported only on demand: hypothesis
is an optional dependency)."""

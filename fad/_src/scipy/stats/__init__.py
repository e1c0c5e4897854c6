"""``fad.scipy.stats``: distributions (one module each, JAX's function set per
distribution) and the statistics ``mode``, ``rankdata``, ``sem`` and ``gaussian_kde``."""

"""XLA runtime layer of fad: the only place that talks to jaxlib (see ``runtime``)."""

"""Implementation of ``fad.numpy``."""

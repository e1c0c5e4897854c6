"""fad documentation; its examples are importable so tests can run them."""

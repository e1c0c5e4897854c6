"""Hypothesis profiles for the whole suite.

``ci`` (the default) keeps every property test fast and reproducible: few examples, a
fixed seed (``derandomize``), no deadline (first calls trace and compile). ``thorough``
draws many more random examples; run it on demand with
``pytest --hypothesis-profile=thorough`` (tests that set ``max_examples`` themselves keep
their count; the law suite in tests/laws scales with the profile). Failing examples it
finds are kept as explicit ``@example`` regression examples in the tests.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Four CPU devices for the multi-device tests (tests/test_sharding.py), set before any
# test starts the CPU backend; single-device code runs on the first of them.
os.environ.setdefault("FAD_NUM_CPU_DEVICES", "4")

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", max_examples=4, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=_SLOW_OK,
)  # fmt: skip
settings.register_profile(
    "thorough", max_examples=60, deadline=None, print_blob=True, suppress_health_check=_SLOW_OK,
)  # fmt: skip
settings.load_profile("ci")

"""Shared test fixtures: seeded randomness, hypothesis profile."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Runs go through a compiled binary (~10–30 ms each): no per-example deadline.
settings.register_profile("izhi", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("izhi")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every random case is reproducible."""
    return np.random.default_rng(20041063)

"""The published scheme is bit for bit Izhikevich's own MATLAB code, as GNU Octave runs it.

``tests/octave/izhi_cases.m`` is figure1.m's loop, generalised (any a, b, c, d, V0, u0, tau,
the three forms of the model, steps, pulse trains and ramps computed inside the loop as
figure1.m does, or a sampled stimulus); `octave_harness` writes the cases and reads the
answers as hex doubles (no decimal text crosses the boundary) and runs them in one Octave
process. Required: identical spike times, and identical V and u every 50th step, for the
engine (``numerics="published"``) and the plain-Python reference loop, on the 28 presets and
200 seeded random cases with dozens of spikes each.

GNU Octave is a test dependency (``make test`` installs Debian's ``octave`` with
``--no-install-recommends``); without it this test fails rather than skips.
"""

from __future__ import annotations

import numpy as np
import pytest

from izhi_widgets import PRESETS

from octave_harness import (compare, from_hex, octave_binary, preset_cases, random_cases,
                            run_octave, to_hex)

N_RANDOM = 200


@pytest.fixture(scope="module")
def octave():
    if octave_binary() is None:
        pytest.fail("GNU Octave is required: apt-get install -y --no-install-recommends octave")
    return octave_binary()


def test_hex_transport_is_exact():
    for x in (0.1, -65.0, 1 / 3, 5e-324, 2.0 ** 60 + 1.0, -0.0, 30.000000000000004):
        assert from_hex(to_hex(x)) == x and str(from_hex(to_hex(x))) == str(x)


def test_octave_reads_and_writes_doubles_exactly(octave, tmp_path):
    # one case through the whole round trip: the step count and finite hex doubles come back
    case = random_cases(1)[0]
    [out] = run_octave([case])
    assert out.n_steps == case.run.n_steps
    assert out.samples.dtype == np.float64 and np.all(np.isfinite(out.samples))


def test_octave_powers_differ_from_products_so_the_test_can_fail(octave):
    """MATLAB's V^2 is pow(V, 2); v*v differs in the last bit on about 1 in 1000 values."""
    import math

    rng = np.random.default_rng(1)
    values = rng.normal(0, 60, 20000)
    assert sum(math.pow(x, 2.0) != x * x for x in values.tolist()) > 0


def test_published_scheme_is_bit_for_bit_figure1_m_under_octave(octave):
    cases = preset_cases() + random_cases(N_RANDOM)
    assert len(cases) == len(PRESETS) + N_RANDOM
    rows = compare(cases, run_octave(cases))
    random_rows = rows[len(PRESETS):]
    # The random cases are long runs with dozens of spikes, where last-bit differences
    # would have time to grow (the accommodation form is neutrally stable).
    assert np.median([r["n_spikes"] for r in random_rows]) >= 24
    assert sum(r["n_spikes"] for r in random_rows) > 10_000
    assert not any(r["diverged"] for r in rows)
    for row in rows:
        assert row["n_steps_equal"], row
        assert row["engine_spikes"], f"{row['case']}: engine spike times differ from Octave's"
        assert row["engine_state"], f"{row['case']}: engine V/u differ from Octave's"
        assert row["reference_spikes"], f"{row['case']}: reference loop differs from Octave's"

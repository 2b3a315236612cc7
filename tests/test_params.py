"""Model parameters: validation through the one helper, and the default initial u."""

from __future__ import annotations

import math

import numpy as np
import pytest

from izhi_widgets import PRESETS, IzhikevichParams, RunSpec, Step
from izhi_widgets.params import PARAM_LIMITS


@pytest.mark.parametrize("name", list(PARAM_LIMITS))
def test_each_field_names_itself_and_its_range(name):
    lo, hi = PARAM_LIMITS[name]
    with pytest.raises(ValueError, match=rf"^{name} must be between {lo:g} and {hi:g}, got"):
        IzhikevichParams(**{name: hi + 1})
    with pytest.raises(ValueError, match=rf"^{name} must be a finite number, got nan"):
        IzhikevichParams(**{name: math.nan})
    with pytest.raises(ValueError, match=rf"^{name} must be a number, got '1'"):
        IzhikevichParams(**{name: "1"})
    with pytest.raises(ValueError, match=rf"^{name} must be a number, got True"):
        IzhikevichParams(**{name: True})


def test_numbers_are_stored_as_floats():
    p = IzhikevichParams(a=np.float32(0.5), b=1, c=np.int64(-60), d=2)
    assert (p.a, p.b, p.c, p.d) == (0.5, 1.0, -60.0, 2.0)
    assert all(type(x) is float for x in (p.a, p.b, p.c, p.d))


def test_default_u0_is_b_times_v0_everywhere():
    p = IzhikevichParams(b=0.25)
    assert p.default_u0(-64) == -16.0 and type(p.default_u0(-64)) is float
    with pytest.raises(ValueError, match="^v0_mV must be a finite number"):
        p.default_u0(math.inf)
    # The presets and the model take it from there (R keeps its published -16).
    for key, preset in PRESETS.items():
        expected = -16.0 if key == "R" else preset.params.default_u0(preset.v0_mV)
        assert preset.initial_u == expected
        assert RunSpec.from_preset(preset).u0 == expected
    run = RunSpec(p, Step(1), 10, 0.25, -70)
    assert run.u0 == pytest.approx(0.25 * -70)
    # A u0 given explicitly wins.
    assert RunSpec(p, Step(1), 10, 0.25, -70, u0=3.0).u0 == 3.0


def test_a_bad_v0_is_reported_as_v0_not_as_u0():
    with pytest.raises(ValueError, match="^v0_mV must be between -200 and 100 mV"):
        RunSpec(IzhikevichParams(), Step(1), 10, 0.25, 500.0)
    with pytest.raises(ValueError, match="^v0_mV must be a number"):
        RunSpec(IzhikevichParams(), Step(1), 10, 0.25, "x")
    # the duration is checked before v0, as with an explicit u0
    with pytest.raises(ValueError, match="^duration_ms"):
        RunSpec(IzhikevichParams(), Step(1), -1, 0.25, math.nan)

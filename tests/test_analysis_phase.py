"""Phase-plane geometry: equilibria, their stability, the nullclines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis_helpers import preset_params
from izhi_widgets import IzhikevichParams
from izhi_widgets.analysis import fixed_points, nullclines



def test_fixed_points_of_regular_spiking_at_rest():
    rest, saddle = fixed_points(IzhikevichParams(b=0.2), 0.0)
    assert rest.v_mV == pytest.approx(-70.0) and rest.u == pytest.approx(-14.0)
    assert rest.kind == "stable node" and rest.stable
    assert saddle.v_mV == pytest.approx(-50.0) and saddle.kind == "saddle" and not saddle.stable


def test_fixed_points_vanish_above_the_saddle_node():
    assert len(fixed_points(IzhikevichParams(b=0.2), 3.9)) == 2
    assert fixed_points(IzhikevichParams(b=0.2), 4.1) == []
    assert fixed_points(IzhikevichParams(b=0.2), 10.0) == []


def test_resonator_rest_is_a_focus():
    (rest, _) = fixed_points(preset_params("J"), 0.0)
    assert rest.kind == "stable focus" and rest.v_mV == pytest.approx(-62.5)
    assert abs(rest.eigenvalues[0].imag) > 0.1


def test_accommodation_form_has_its_fixed_point_on_v_minus_65():
    (fp,) = fixed_points(preset_params("R"), 0.0)
    assert fp.v_mV == -65.0


def test_nullclines_meet_at_the_fixed_points():
    params = IzhikevichParams(b=0.2)
    v = np.array([fp.v_mV for fp in fixed_points(params, 0.0)])
    v_null, u_null = nullclines(params, 0.0, v)
    np.testing.assert_allclose(v_null, u_null, atol=1e-9)
    _, u_null = nullclines(preset_params("R"), 0.0, np.array([-70.0, -65.0]))
    assert math.isnan(u_null[0]) and u_null[1] == 0.0

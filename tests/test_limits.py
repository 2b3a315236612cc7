"""Run bounds: messages name the field and the allowed range, the panel's bounds."""

from __future__ import annotations

import math

import pytest

from izhi_widgets import limits
from izhi_widgets.limits import (MAX_SAMPLES, PANEL_MAX_DT_MS, PANEL_MAX_DURATION_MS,
                                 PANEL_MIN_DT_MS, check_run_settings, spike_cap)


def test_valid_settings_come_back_as_floats_with_the_sample_count():
    assert check_run_settings(100, 0.25, -70, -14) == (100.0, 0.25, -70.0, -14.0, 401)
    assert check_run_settings(1, 1, -70, 0)[-1] == 2
    assert check_run_settings(limits.MAX_DURATION_MS, 5.0, -200, 1000)[-1] == 4001


@pytest.mark.parametrize("args, message", [
    ((0, 0.25, -70, 0), "duration_ms must be > 0 and at most 20000 ms, got 0"),
    ((-5, 0.25, -70, 0), "duration_ms must be > 0 and at most 20000 ms, got -5"),
    ((20_001, 5, -70, 0), "duration_ms must be > 0 and at most 20000 ms, got 20001"),
    ((math.inf, 0.25, -70, 0), "duration_ms must be a finite number, got inf"),
    (("100", 0.25, -70, 0), "duration_ms must be a number, got '100'"),
    ((100, 0, -70, 0), "dt_ms must be between 0.001 and 5 ms, got 0"),
    ((100, 6, -70, 0), "dt_ms must be between 0.001 and 5 ms, got 6"),
    ((100, math.nan, -70, 0), "dt_ms must be a finite number, got nan"),
    ((100, 0.25, -201, 0), "v0_mV must be between -200 and 100 mV, got -201"),
    ((100, 0.25, None, 0), "v0_mV must be a number, got None"),
    ((100, 0.25, -70, 1001), "u0 must be between -1000 and 1000, got 1001"),
    ((10_000, 0.01, -70, 0), "duration_ms / dt_ms = 1000001 steps, more than the 500000 "
                             "allowed: raise dt_ms or shorten duration_ms"),
])
def test_bad_settings_name_the_field_and_the_range(args, message):
    with pytest.raises(ValueError) as err:
        check_run_settings(*args)
    assert str(err.value) == message


def test_the_sample_bound_is_exact():
    dt = 0.02  # 10 000 ms at 0.02 ms: 500 001 samples
    assert check_run_settings((MAX_SAMPLES - 1) * dt, dt, -70, 0)[-1] == MAX_SAMPLES
    with pytest.raises(ValueError, match=f"= {MAX_SAMPLES + 1} steps, more than the "
                                         f"{MAX_SAMPLES} allowed"):
        check_run_settings(MAX_SAMPLES * dt, dt, -70, 0)


def test_panel_bounds_sit_inside_the_package_bounds():
    assert (PANEL_MAX_DURATION_MS, PANEL_MIN_DT_MS, PANEL_MAX_DT_MS) == (5000.0, 0.005, 1.0)
    assert PANEL_MAX_DURATION_MS <= limits.MAX_DURATION_MS
    assert limits.MIN_DT_MS <= PANEL_MIN_DT_MS < PANEL_MAX_DT_MS <= limits.MAX_DT_MS
    for name in ("PANEL_MAX_DURATION_MS", "PANEL_MIN_DT_MS", "PANEL_MAX_DT_MS"):
        assert name in limits.__all__


def test_spike_cap():
    assert spike_cap(1.0) == limits.MIN_SPIKE_CAP
    assert spike_cap(350.0) == 350 and spike_cap(1000.5) == 1001

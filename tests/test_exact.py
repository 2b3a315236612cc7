"""The exact reference (`izhi_widgets.exact`), the event-located ODE modes of the engine
(`izhi_widgets.engine_ode`) and their convergence (`izhi_widgets.convergence`).

* the exact solution against closed forms: v' = k0 - u + I with k2 = k1 = 0 and a = 0 is
  linear in t, so the threshold time, the reset and the next crossing are known exactly;
* an open edge: a step "for t > 10" is on from 10 on, and a breakpoint between grid points
  is a restart point (the answer does not depend on the grid step);
* every stimulus shape says where it jumps (`breakpoints_ms`);
* the ODE modes: a spike is located inside the step, the stimulus split at an edge, and
  rk4's spike times converge at fourth order (euler's at first) on a fast version of the
  report's study.
"""

from __future__ import annotations

import numpy as np
import pytest

from izhi_widgets import PRESETS, IzhikevichParams, simulate
from izhi_widgets.convergence import convergence_cases, fitted_order, spike_time_error
from izhi_widgets.experiments import convergence_study
from izhi_widgets.engine_ode import stimulus_columns
from izhi_widgets.exact import ExactTimeout, simulate_exact
from izhi_widgets.model import RunSpec
from izhi_widgets.stimulus import (STIMULUS_KINDS, Constant, OUNoise, PeriodicPulses,
                                   Piecewise, Pulse, PulseTrain, Ramp, Sine, Step)

# v' = k0 - u + I, u' = 0 (a = 0): v rises linearly at k0 - u0 + I.
LINEAR = IzhikevichParams(a=0.0, b=0.0, c=-10.0, d=1.0, k2=0.0, k1=0.0, k0=5.0)


def test_exact_solution_of_a_linear_neuron_is_the_closed_form():
    # v0 = 0, u0 = 0, I = 1: v = 6 t until 30 at t = 5; reset to -10 with u = 1; then
    # v = -10 + 5 (t - 5) reaches 30 at t = 13; u = 2: slope 4, next at 13 + 10 = 23.
    run = RunSpec(LINEAR, Constant(1.0), 30.0, 0.1, 0.0, 0.0)
    res = simulate_exact(run)
    np.testing.assert_allclose(res.spike_times_ms, [5.0, 13.0, 23.0], atol=1e-9)
    assert res.numerics == "exact" and res.n_spikes == 3
    # the trace is the solution on the grid: v(2) = 12, and the spike shows as the peak
    np.testing.assert_allclose(res.v_mV[20], 12.0, atol=1e-8)
    assert res.v_mV[50] == 30.0 and res.u[51] == pytest.approx(1.0)


def test_exact_restarts_at_an_open_edge_between_grid_points():
    # I = 1 only for t > 2.345: v = 5 t until then, 6 t after. 30 at 2.345 + (30 - 11.725)/6
    run = RunSpec(LINEAR, Step(1.0, 2.345), 10.0, 0.25, 0.0, 0.0)
    expected = 2.345 + (30 - 5 * 2.345) / 6
    for dt in (0.25, 0.1):
        res = simulate_exact(RunSpec(LINEAR, Step(1.0, 2.345), 10.0, dt, 0.0, 0.0))
        assert res.spike_times_ms[0] == pytest.approx(expected, abs=1e-9)
    assert simulate(LINEAR, Step(1.0, 2.345), duration_ms=10.0, dt_ms=0.25, v0_mV=0.0, u0=0.0,
                    numerics="exact").spike_times_ms[0] == pytest.approx(expected, abs=1e-9)
    del run


def test_exact_agrees_with_a_very_fine_rk4():
    preset = PRESETS["F"]
    exact = simulate(preset, numerics="exact", record=False)
    fine = simulate(preset, numerics="rk4", dt_ms=0.002, record=False)
    assert exact.n_spikes == fine.n_spikes == 6
    np.testing.assert_allclose(exact.spike_times_ms, fine.spike_times_ms, atol=1e-6)


def test_exact_runaway_is_stopped_and_a_time_budget_is_kept():
    res = simulate(PRESETS["T"], numerics="exact", record=False)
    assert res.diverged and "Runaway" in res.message and res.n_spikes == 350
    with pytest.raises(ExactTimeout, match="longer than"):
        simulate_exact(RunSpec.from_preset(PRESETS["T"]), timeout_s=0.01)


def test_simulate_refuses_unknown_numerics():
    with pytest.raises(ValueError, match="numerics must be one of"):
        simulate(PRESETS["A"], numerics="midpoint")


def test_every_stimulus_shape_says_where_it_jumps():
    shapes = {
        "constant": (Constant(1.0), []),
        "step": (Step(1.0, 2.0, 5.0), [2.0, 5.0]),
        "pulse": (Pulse(1.0, 3.0, 1.5), [3.0, 4.5]),
        "pulse_train": (PulseTrain(1.0, (1.0, 7.0), 2.0), [1.0, 3.0, 7.0, 9.0]),
        "periodic_pulses": (PeriodicPulses(1.0, 1.0, 1.0, 4.0, 2), [1.0, 2.0, 5.0, 6.0]),
        "ramp": (Ramp(0.5, 2.0, 8.0), [2.0, 8.0]),
        "sine": (Sine(1.0, 10.0, 0.0, 0.0, 2.0, 9.0), [2.0, 9.0]),
        "ou_noise": (OUNoise(1.0, 1.0, 5.0, 3, 2.0, 2.35, 0.1), [2.0, 2.1, 2.2, 2.3, 2.35]),
        "piecewise": (Piecewise((0.0, 3.0), (1.0, 2.0)), [0.0, 3.0]),
        "sum": (Step(1.0, 2.0) + Pulse(1.0, 3.0, 1.0), [2.0, 3.0, 4.0]),
    }
    assert set(shapes) == set(STIMULUS_KINDS)
    for kind, (stim, expected) in shapes.items():
        np.testing.assert_allclose(stim.breakpoints_ms(10.0), expected, atol=1e-12, err_msg=kind)


def test_ode_stimulus_columns_split_a_step_at_an_edge_and_see_open_edges_from_inside():
    cols = stimulus_columns(Step(14.0, 10.0), np.array([9.75, 10.0]), 0.25, "rk4")
    # the edge sits on the grid: no split; the step from 10 sees 14 from its start
    assert cols[:, 0].tolist() == [1.0, 1.0]
    assert cols[0, 1:4].tolist() == [0.0, 0.0, 0.0] and cols[1, 1:4].tolist() == [14.0] * 3
    cols = stimulus_columns(Pulse(2.0, 0.05, 0.1), np.array([0.0]), 0.25, "rk4")
    assert cols[0, 0] == pytest.approx(0.2)  # split at 0.05; the second edge is not resolved
    assert cols[0, 1:4].tolist() == [0.0, 0.0, 0.0] and cols[0, 4] == 2.0


@pytest.mark.parametrize("numerics", ["euler", "rk4"])
def test_ode_modes_locate_the_spike_inside_the_step(numerics):
    # the linear neuron's first crossing at t = 5 is exact for both methods (v is linear)
    for dt in (0.3, 0.07):
        res = simulate(LINEAR, Constant(1.0), duration_ms=30.0, dt_ms=dt, v0_mV=0.0, u0=0.0,
                       numerics=numerics)
        np.testing.assert_allclose(res.spike_times_ms, [5.0, 13.0, 23.0], atol=1e-9)
        assert res.v_mV.max() == 30.0 and res.v_mV[0] == 0.0


@pytest.mark.parametrize("numerics", ["euler", "rk4"])
def test_ode_modes_honour_an_edge_between_grid_points(numerics):
    expected = 2.345 + (30 - 5 * 2.345) / 6
    res = simulate(LINEAR, Step(1.0, 2.345), duration_ms=10.0, dt_ms=0.25, v0_mV=0.0, u0=0.0,
                   numerics=numerics)
    assert res.spike_times_ms[0] == pytest.approx(expected, abs=1e-9)


def test_convergence_helpers():
    assert spike_time_error(np.array([1.0]), np.array([1.0, 2.0])) == float("inf")
    assert fitted_order([0.2, 0.1, 0.05], [8e-2, 1e-2, 1.25e-3]) == pytest.approx(3.0)
    assert np.isnan(fitted_order([0.1], [1.0]))


def test_rk4_converges_at_fourth_order_and_euler_at_first():
    """A fast version of the report's study: A, F, K and two random cases at three steps."""
    cases = [c for c in convergence_cases(2) if c[0] in ("A", "F", "K", "random-0", "random-1")]
    study = convergence_study(["euler", "rk4"], [0.1, 0.05, 0.02], cases)
    assert study.matched("rk4").all()
    assert 3.5 < study.order("rk4") < 4.6
    assert 0.8 < study.order("euler") < 1.3
    assert study.worst("rk4")[-1] < 5e-5

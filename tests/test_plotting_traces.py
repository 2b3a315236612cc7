"""Traces and stimulus cartoons render headless, update in place, follow pyplot's convention."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display anywhere in the tests

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from izhi_widgets import PRESETS, IzhikevichParams, Step, simulate
from izhi_widgets.plotting import (V_LIMITS_MV, default_current, plot_phase_plane, plot_stimulus,
                                   plot_trace)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _close_figures():
    """Functions called without axes draw on pyplot figures: close them after each test."""
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def res():
    return {key: simulate(PRESETS[key]) for key in ("A", "B", "I", "P", "R", "S")}


def _render(fig: Figure) -> None:
    fig.canvas.draw()  # Agg: raises if anything cannot be drawn


def test_trace_draws_v_u_i(res):
    art = plot_trace(res["A"], show_spikes=True)
    assert isinstance(art.figure, Figure) and len(art.axes) == 3
    np.testing.assert_array_equal(art.v_line.get_ydata(), res["A"].v_mV)
    np.testing.assert_array_equal(art.u_line.get_ydata(), res["A"].u)
    np.testing.assert_array_equal(art.I_line.get_ydata(), res["A"].I)
    # spikes reach the peak in the trace itself; markers sit above them
    assert art.v_line.get_ydata().max() == pytest.approx(30.0)
    np.testing.assert_array_equal(art.spike_marks.get_xdata(), res["A"].spike_times_ms)
    assert art.axes[0].get_ylim() == V_LIMITS_MV
    assert art.axes[0].get_ylabel() == "v (mV)" and art.axes[-1].get_xlabel() == "time (ms)"
    _render(art.figure)


def test_trace_update_in_place(res):
    art = plot_trace(res["A"])
    lines = (art.v_line, art.u_line, art.I_line)
    art.update(res["B"])
    assert (art.v_line, art.u_line, art.I_line) == lines
    assert len(art.axes[0].lines) == 1  # nothing added
    np.testing.assert_array_equal(art.v_line.get_xdata(), res["B"].t_ms)
    np.testing.assert_array_equal(art.v_line.get_ydata(), res["B"].v_mV)
    np.testing.assert_array_equal(art.u_line.get_ydata(), res["B"].u)
    assert art.axes[0].get_xlim() == (0.0, 200.0)
    assert art.axes[0].get_ylim() == V_LIMITS_MV  # no jump for ordinary data
    u_lo, u_hi = art.axes[1].get_ylim()
    assert u_lo < res["B"].u.min() and u_hi > res["B"].u.max()
    _render(art.figure)


def test_trace_v_axis_widens_only_when_data_leave_it():
    low = simulate(IzhikevichParams(), Step(0.0, 10.0), duration_ms=40, dt_ms=0.01, v0_mV=-120)
    art = plot_trace(low)
    lo, hi = art.axes[0].get_ylim()
    assert lo <= -118 and hi == V_LIMITS_MV[1]


def test_trace_into_given_axes_and_spikes_only_result(res):
    fig = Figure()
    ax = fig.add_subplot()
    art = plot_trace(res["A"], ax)
    assert art.axes == (ax,) and art.u_line is None and art.I_line is None
    spikes_only = simulate(PRESETS["B"], record=False)
    art.update(spikes_only)
    assert len(art.v_line.get_ydata()) == 0
    with pytest.raises(ValueError):
        plot_trace(res["A"], [ax] * 4)


def test_trace_shows_runaway_message():
    runaway = simulate(PRESETS["T"], numerics="euler", dt_ms=0.1)
    assert runaway.diverged
    art = plot_trace(runaway)
    assert "Runaway" in art.status.get_text()
    art.update(simulate(PRESETS["T"]))
    assert art.status.get_text() == ""


def test_stimulus_cartoon_keeps_sign_and_proportions(res):
    line = plot_stimulus(PRESETS["S"].stimulus, 350.0, Figure().add_subplot(), dt_ms=0.5)
    y = np.asarray(line.get_ydata())
    # 80 -> 75 is a small dip from the top, on a scale that starts at I = 0
    assert y.max() == 1.0 and y.min() == pytest.approx(75 / 80)
    zero = [l for l in line.axes.lines if l is not line]
    assert len(zero) == 1 and zero[0].get_ydata()[0] == 0.0  # the dotted I = 0 line
    # TC_burst: -25 until 45 ms, then 0: below the zero line, which sits at the top
    tc = plot_stimulus(PRESETS["TC_burst"].stimulus, 150.0, Figure().add_subplot(),
                       dt_ms=0.25)
    y = np.asarray(tc.get_ydata())
    assert y[0] == 0.0 and y[-1] == 1.0
    # RZ: -2, then -0.5, a pulse of 10: the zero line between -2 and 10
    rz = plot_stimulus(PRESETS["RZ"].stimulus, 100.0, Figure().add_subplot(), dt_ms=0.25)
    zero_rz = [l for l in rz.axes.lines if l is not rz][-1].get_ydata()[0]
    assert zero_rz == pytest.approx(2 / 12)
    assert np.asarray(rz.get_ydata())[0] == 0.0 and np.asarray(rz.get_ydata()).max() == 1.0
    flat = plot_stimulus(PRESETS["B"].stimulus, 10.0)  # 0 throughout the first 10 ms
    assert np.all(np.asarray(flat.get_ydata()) == 0.0)
    raw = plot_stimulus(PRESETS["A"].stimulus, 100.0, normalize=False, bare=False)
    assert np.asarray(raw.get_ydata()).max() == 14.0


# ---------------------------------------------------------------------------------------
# The matplotlib convention: no axes -> the current pyplot figure; given axes -> only those


def test_plot_trace_without_axes_draws_on_a_pyplot_figure(res):
    before = set(plt.get_fignums())
    art = plot_trace(res["A"])
    assert len(set(plt.get_fignums()) - before) == 1  # a new pyplot figure: it would show
    assert plt.gcf() is art.figure and art.figure.axes == list(art.axes)
    v_ax = art.figure.axes[0]
    np.testing.assert_array_equal(v_ax.lines[0].get_xdata(), res["A"].t_ms)
    np.testing.assert_array_equal(v_ax.lines[0].get_ydata(), res["A"].v_mV)
    np.testing.assert_array_equal(art.figure.axes[2].lines[0].get_ydata(), res["A"].I)
    # A second call does not draw over the first figure: it gets its own.
    again = plot_trace(res["B"])
    assert again.figure is not art.figure and len(art.axes[0].lines) == 1


def test_plot_trace_uses_the_current_figure_when_it_is_empty(res):
    fig = plt.figure(figsize=(5.0, 4.0))
    art = plot_trace(res["A"])
    assert art.figure is fig and len(fig.axes) == 3
    assert tuple(fig.get_size_inches()) == (5.0, 4.0)


def test_plot_stimulus_without_axes_draws_on_the_current_axes():
    ax = plt.figure().add_subplot()
    line = plot_stimulus(PRESETS["A"].stimulus, 100.0)
    assert line.axes is ax


def test_given_axes_of_a_plain_figure_touch_no_pyplot_state(res):
    # How the panel draws: its own (non-pyplot) Figure, its own axes.
    before = plt.get_fignums()
    fig = Figure()
    ax_v, ax_u, ax_i, ax_p = fig.subplots(4, 1)
    art = plot_trace(res["A"], axes=(ax_v, ax_u, ax_i), show_spikes=True)
    phase = plot_phase_plane(res["A"], ax_p, legend=False)
    art.update(res["B"])
    phase.update(res["B"])
    assert plt.get_fignums() == before
    assert art.figure is fig and phase.figure is fig and len(phase.handles()) == 7
    assert phase.current == default_current(res["B"])
    _render(fig)


def test_importing_the_package_does_not_import_pyplot():
    code = ("import sys, izhi_widgets.plotting, izhi_widgets.analysis; "
            "assert 'matplotlib.pyplot' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)

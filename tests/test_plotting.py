"""Figures render headless, artist holders update in place, the report's figures are written."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display anywhere in the tests

import numpy as np
import pytest
from matplotlib.figure import Figure

from izhi_widgets import PRESETS, IzhikevichParams, Step, simulate
from izhi_widgets.analysis import fixed_points, nullclines
from izhi_widgets.plotting import (V_LIMITS_MV, default_current, plot_fi_curve,
                                   plot_gallery_2003, plot_gallery_2004, plot_phase_plane,
                                   plot_stimulus, plot_trace, write_figures)

KEYS_2004 = [k for k, p in PRESETS.items() if p.group == "2004"]
KEYS_2003 = [k for k, p in PRESETS.items() if p.group == "2003"]


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


def test_default_current_is_median_of_input(res):
    assert default_current(res["A"]) == 14.0
    assert default_current(res["I"]) == 0.0  # a brief pulse: the baseline
    assert default_current(res["P"]) == pytest.approx(0.24)
    assert default_current(res["S"]) == 75.0  # 200 of the 350 ms at 75


def test_phase_plane_geometry(res):
    art = plot_phase_plane(res["P"])
    assert art.current == pytest.approx(0.24)
    v, u = art.trajectory.get_data()
    keep = ~np.isnan(v)
    assert keep.sum() == len(res["P"].v_mV)  # every sample, broken at the resets
    np.testing.assert_array_equal(np.asarray(v)[keep], res["P"].v_mV)
    points = fixed_points(res["P"].params, 0.24)
    stable = [p for p in points if p.stable]
    np.testing.assert_allclose(art.stable_points.get_xdata(), [p.v_mV for p in stable])
    assert len(art.unstable_points.get_xdata()) == len(points) - len(stable) == 1
    xv, yv = art.v_nullcline.get_data()
    np.testing.assert_allclose(yv, nullclines(res["P"].params, 0.24, np.asarray(xv))[0])
    assert art.reset_line.get_xdata()[0] == -60 and art.peak_line.get_xdata()[0] == 30
    assert "I = 0.24" in art.legend.get_texts()[1].get_text()
    _render(art.figure)


def test_phase_plane_update_in_place(res):
    art = plot_phase_plane(res["A"])
    trajectory = art.trajectory
    art.update(res["P"], I=1.24)
    assert art.trajectory is trajectory and art.current == 1.24
    xv, yv = art.v_nullcline.get_data()
    np.testing.assert_allclose(yv, nullclines(res["P"].params, 1.24, np.asarray(xv))[0])
    assert "I = 1.24" in art.legend.get_texts()[1].get_text()
    assert len(art.stable_points.get_xdata()) == 0  # no equilibrium at I = 1.24
    # accommodation (R): the u-nullcline is the vertical line v = -65
    art.update(res["R"])
    assert set(np.asarray(art.u_nullcline.get_xdata())) == {-65.0}
    _render(art.figure)


def test_stimulus_cartoon_is_normalised(res):
    line = plot_stimulus(PRESETS["S"].stimulus, 350.0, dt_ms=0.5)
    y = np.asarray(line.get_ydata())
    assert y.min() == 0.0 and y.max() == 1.0  # the 80 -> 75 dip spans the cartoon
    flat = plot_stimulus(PRESETS["B"].stimulus, 10.0)  # 0 throughout the first 10 ms
    assert np.all(np.asarray(flat.get_ydata()) == 0.0)
    raw = plot_stimulus(PRESETS["A"].stimulus, 100.0, normalize=False, bare=False)
    assert np.asarray(raw.get_ydata()).max() == 14.0


def _left_titles(fig: Figure) -> list[str]:
    return [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]


def test_gallery_2004_has_20_titled_panels():
    fig = plot_gallery_2004()
    titles = _left_titles(fig)
    assert titles == [f"({k}) {PRESETS[k].name}" for k in KEYS_2004]
    assert len(fig.axes) == 40  # a trace and a stimulus cartoon per panel
    _render(fig)


def test_gallery_2003_has_8_titled_panels():
    fig = plot_gallery_2003()
    titles = _left_titles(fig)
    assert len(titles) == 8
    assert [t.split(":")[0] for t in titles] == [k.replace("_", " ") for k in KEYS_2003]
    _render(fig)


def test_fi_curve_lines():
    from izhi_widgets.experiments import fi_curve

    curve = fi_curve(PRESETS["H"].params, np.linspace(-0.5, 6, 32), v0_mV=-64.0)
    lines = plot_fi_curve(curve)
    np.testing.assert_array_equal(lines[0].get_ydata(), curve.rates_hz)
    np.testing.assert_array_equal(lines[1].get_ydata(), curve.first_rates_hz)


def test_gallery_accepts_results_and_checks_their_number(res):
    with pytest.raises(ValueError):
        plot_gallery_2003([res["A"]])


def test_write_figures(tmp_path):
    paths = write_figures(tmp_path / "figs")
    names = sorted(p.name for p in paths)
    assert names == ["fi_curves.png", "fig1_2004.png", "fig2_2003.png",
                     "numerics_comparison.png", "phase_plane_examples.png"]
    for path in paths:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < len(data) < 400_000
